package dev.shippingresilience.examples.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Shiprocket through OkHttp and the interceptor, against the simulator. */
class ShiprocketEndToEndTest {
  static final String HOST = "apiv2.shiprocket.in";
  static final String ORDERS = "/v1/external/orders/create/adhoc";
  static final String AWB = "/v1/external/courier/assign/awb";
  static final String[] TOKEN = {"Authorization", "Bearer tok-1"};

  static String order(String orderId) {
    return "{\"order_id\":\"" + orderId + "\",\"order_date\":\"2026-12-01 10:00\",\"pickup_location\":\"Primary\","
        + "\"billing_customer_name\":\"Asha\",\"billing_pincode\":\"110001\",\"payment_method\":\"Prepaid\","
        + "\"sub_total\":500,\"length\":10,\"breadth\":10,\"height\":10,\"weight\":0.5}";
  }

  static long shipmentId(String createAnswer) {
    return Long.parseLong(createAnswer.replaceAll(".*\"shipment_id\":(\\d+).*", "$1"));
  }

  @Test
  void anOrderIsCreatedAndItsAwbAssigned() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(11).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> {});

      SimulatedCalls.Answer created = calls.post(sim.url(HOST, ORDERS), order("O-1"), TOKEN);
      SimulatedCalls.Answer awb = calls.post(sim.url(HOST, AWB),
          "{\"shipment_id\":" + shipmentId(created.body()) + ",\"courier_id\":10}", TOKEN);

      assertThat(created.decision()).isEqualTo("SUCCEED");
      assertThat(created.body()).contains("\"status_code\":1");
      assertThat(awb.decision()).isEqualTo("SUCCEED");
      assertThat(awb.body()).contains("\"awb_assign_status\":1");
      assertThat(sim.stats().duplicatesCreated()).isZero();
    }
  }

  @Test
  void aLostAwbAnswerIsRepeatedForTheSameShipmentAndAlreadyAssignedIsADuplicateSuccess() throws Exception {
    // given: half of the first attempts are processed but their answers lost (seeded); pick an order whose
    // creation answer arrives and whose AWB assignment answer is lost
    FaultSchedule schedule = FaultSchedule.builder(12).ambiguousTimeoutRate(0.5).build();
    try (SimulatedProvider sim = SimulatedProvider.start(schedule)) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(3));
      long shipment = 0;
      for (int i = 0; i < 50 && shipment == 0; i++) {
        if (schedule.draw("sr-amb:L-" + i) >= 0.5) {
          long created = shipmentId(calls.post(sim.url(HOST, ORDERS), order("L-" + i), TOKEN).body());
          shipment = schedule.draw("sr-awb-amb:" + created) < 0.5 ? created : 0;
        }
      }
      assertThat(shipment).as("an order whose AWB answer is lost, within 50 seeded draws").isPositive();
      long before = sim.requests().get("shiprocket");

      // when
      SimulatedCalls.Answer a = calls.post(sim.url(HOST, AWB), "{\"shipment_id\":" + shipment + ",\"courier_id\":10}",
          TOKEN);

      // then: shipment_id is the business key, so the POST is repeated; the repeat says the AWB is assigned
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.duplicate()).isTrue();
      assertThat(sim.requests().get("shiprocket")).isEqualTo(before + 2);
      assertThat(sim.stats().duplicatesCreated()).isZero();
    }
  }

  @Test
  void anOrderWithoutABusinessKeyIsNotRepeatedAfterALostAnswer() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(13).ambiguousTimeoutRate(1).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(3));

      assertThatThrownBy(() -> calls.post(sim.url(HOST, ORDERS), order("O-3"), TOKEN))
          .isInstanceOf(IOException.class);

      assertThat(sim.requests()).containsEntry("shiprocket", 1L);
      assertThat(sim.stats().duplicatesCreated()).isZero();
    }
  }

  @Test
  void anExpiredTokenIsRefreshedOnceAndThePostSentAgain() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(14).build())) {
      List<String> refreshed = new CopyOnWriteArrayList<>();
      SimulatedCalls calls = new SimulatedCalls(b -> b.credentialsRefresher((failed, answer) -> {
        refreshed.add(answer.reason());
        return Map.of("Authorization", "Bearer tok-fresh");
      }));

      SimulatedCalls.Answer a = calls.post(sim.url(HOST, ORDERS), order("O-4"), "Authorization", "Bearer expired-1");

      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.body()).contains("\"status\":\"NEW\"");
      assertThat(refreshed).hasSize(1).allMatch(r -> r.contains("240 hours"));
      assertThat(sim.requests()).containsEntry("shiprocket", 2L);
    }
  }

  @Test
  void withoutARefresherAnExpiredTokenFailsAtOnce() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(15).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(3));

      SimulatedCalls.Answer a = calls.post(sim.url(HOST, ORDERS), order("O-5"), "Authorization", "Bearer expired-1");

      assertThat(a.status()).isEqualTo(401);
      assertThat(a.decision()).isEqualTo("FAIL");
      assertThat(sim.requests()).containsEntry("shiprocket", 1L);
    }
  }

  @Test
  void aShiprocketOutageOpensItsBreakerAndLaterCallsAreNotSent() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(16)
        .providerOutage("shiprocket", Duration.ZERO, Duration.ofHours(1)).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(1).breaker(50, 4, 4, Duration.ofMinutes(1), 1));

      for (int i = 0; i < 4; i++) {
        assertThat(calls.get(sim.url(HOST, "/v1/external/courier/track/awb/1091" + i), TOKEN).decision())
            .isEqualTo("BREAK");
      }
      assertThatThrownBy(() -> calls.get(sim.url(HOST, "/v1/external/courier/track/awb/10915"), TOKEN))
          .isInstanceOf(IOException.class).hasMessageContaining("shiprocket");

      assertThat(sim.requests()).containsEntry("shiprocket", 4L);
    }
  }

  @Test
  void aBurstOverTheLimitIsAnsweredWith429AndClassifiedAsRetry() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(17).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(1));
      SimulatedCalls.Answer last = null;
      for (int i = 0; i < 40 && (last == null || last.status() != 429); i++) {
        last = calls.post(sim.url(HOST, ORDERS), order("B-" + i), TOKEN);
      }

      assertThat(last.status()).isEqualTo(429);
      assertThat(last.decision()).isEqualTo("RETRY");
      assertThat(sim.stats().tooManyRequestsServed()).isPositive();
    }
  }
}
