package dev.shippingresilience.examples.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Sendcloud through OkHttp and the interceptor, against the simulator. */
class SendcloudEndToEndTest {
  static final String HOST = "panel.sendcloud.sc";

  static String shipment(String reference, String carrier) {
    return "{\"external_reference_id\":\"" + reference + "\",\"to_address\":{\"name\":\"John Doe\"},"
        + "\"ship_with\":{\"type\":\"shipping_option_code\",\"properties\":{\"shipping_option_code\":\"" + carrier
        + ":standard\"}},\"parcels\":[{\"weight\":{\"value\":1,\"unit\":\"kg\"}}]}";
  }

  @Test
  void aSynchronousAnnouncementSucceedsAtOnce() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(1).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> {});

      SimulatedCalls.Answer a = calls.post(sim.url(HOST, "/api/v3/shipments/announce"), shipment("R-1", "postnl"),
          "Authorization", "Basic c2VjcmV0");

      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.status()).isEqualTo(201);
      assertThat(a.body()).contains("READY_TO_SEND");
      assertThat(sim.stats().duplicatesCreated()).isZero();
    }
  }

  @Test
  void anAsynchronousShipmentIsPolledByItsIdUntilReadyToSend() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(2).processingPolls(2).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.pollInterval(Duration.ofSeconds(5)));

      SimulatedCalls.Answer a = calls.post(sim.url(HOST, "/api/v3/shipments"), shipment("R-2", "postnl"));

      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.status()).isEqualTo(200); // the answer of the last poll, GET /api/v3/shipments/{id}
      assertThat(a.body()).contains("READY_TO_SEND");
      assertThat(calls.waits).hasSizeGreaterThanOrEqualTo(2).allMatch(d -> d.equals(Duration.ofSeconds(5)));
      assertThat(sim.requests()).containsEntry("sendcloud", 4L); // the POST and three polls
    }
  }

  @Test
  void aLostAnswerIsRepeatedWithTheSameReferenceAndTheDuplicateIsRecognised() throws Exception {
    // given: every first attempt is processed but its answer lost (connection reset)
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(3).ambiguousTimeoutRate(1).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(3));

      SimulatedCalls.Answer a = calls.post(sim.url(HOST, "/api/v3/shipments/announce"), shipment("R-3", "postnl"));

      // then: the repeat is safe because of external_reference_id; Sendcloud answers 409 with the shipment
      assertThat(a.status()).isEqualTo(409);
      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.duplicate()).isTrue();
      assertThat(sim.stats().duplicatesCreated()).isZero();
    }
  }

  @Test
  void aShipmentWithoutAReferenceIsNotRepeatedAfterALostAnswer() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(4).ambiguousTimeoutRate(1).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(3));
      String noReference = shipment("", "postnl").replace("\"external_reference_id\":\"\",", "");

      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> calls.post(sim.url(HOST, "/api/v3/shipments/announce"), noReference))
          .isInstanceOf(java.io.IOException.class);

      assertThat(sim.requests()).containsEntry("sendcloud", 1L);
    }
  }

  @Test
  void aCarrierOutageOpensOnlyThatCarriersBreaker() throws Exception {
    // given: PostNL cannot be reached; DHL can
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(5)
        .carrierOutage("sendcloud:postnl", Duration.ZERO, Duration.ofHours(1)).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(1).breaker(50, 4, 4, Duration.ofMinutes(1), 1));

      for (int i = 0; i < 4; i++) {
        SimulatedCalls.Answer a = calls.post(sim.url(HOST, "/api/v3/shipments/announce"),
            shipment("P-" + i, "postnl"));
        assertThat(a.decision()).isEqualTo("BREAK");
      }
      long before = sim.requests().get("sendcloud");

      // when: PostNL's breaker is open, DHL's is not
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> calls.post(sim.url(HOST, "/api/v3/shipments/announce"), shipment("P-5", "postnl")))
          .isInstanceOf(java.io.IOException.class).hasMessageContaining("sendcloud");
      SimulatedCalls.Answer dhl = calls.post(sim.url(HOST, "/api/v3/shipments/announce"), shipment("D-1", "dhl"));

      // then
      assertThat(sim.requests().get("sendcloud")).isEqualTo(before + 1);
      assertThat(dhl.decision()).isEqualTo("SUCCEED");
    }
  }

  @Test
  void aBurstOverTheLimitIsAnsweredWith429AndRetriedAfterTheHint() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(6).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(1));
      SimulatedCalls.Answer last = null;
      for (int i = 0; i < 40 && (last == null || last.status() != 429); i++) {
        last = calls.post(sim.url(HOST, "/api/v3/shipments/announce"), shipment("B-" + i, "postnl"));
      }

      assertThat(last.status()).isEqualTo(429);
      assertThat(last.decision()).isEqualTo("RETRY");
      assertThat(sim.stats().tooManyRequestsServed()).isPositive();
    }
  }
}
