package dev.shippingresilience.examples.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FedEx's REST APIs through OkHttp and the interceptor, against the simulator. */
class FedexEndToEndTest {
  static final String HOST = "apis.fedex.com";
  static final String[] TOKEN = {"Authorization", "Bearer fx-1"};
  static final String SHIPMENT = "{\"accountNumber\":{\"value\":\"740561073\"},\"labelResponseOptions\":\"URL_ONLY\","
      + "\"requestedShipment\":{\"shipper\":{\"contact\":{\"personName\":\"SHIPPER NAME\"}},"
      + "\"serviceType\":\"FEDEX_GROUND\",\"packagingType\":\"YOUR_PACKAGING\","
      + "\"requestedPackageLineItems\":[{\"weight\":{\"units\":\"LB\",\"value\":10}}]}}";
  static final String QUOTE = "{\"accountNumber\":{\"value\":\"740561073\"},\"requestedShipment\":{\"shipper\":"
      + "{\"address\":{\"postalCode\":\"65247\",\"countryCode\":\"US\"}},\"recipient\":{\"address\":"
      + "{\"postalCode\":\"75063\",\"countryCode\":\"US\"}},\"pickupType\":\"DROPOFF_AT_FEDEX_LOCATION\"}}";

  @Test
  void aShipmentIsCreatedAndItsNumberTracked() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(21).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> {});

      SimulatedCalls.Answer shipped = calls.post(sim.url(HOST, "/ship/v1/shipments"), SHIPMENT, TOKEN);
      String number = shipped.body().replaceAll(".*\"masterTrackingNumber\":\"(\\d+)\".*", "$1");
      SimulatedCalls.Answer tracked = calls.post(sim.url(HOST, "/track/v1/trackingnumbers"),
          "{\"trackingInfo\":[{\"trackingNumberInfo\":{\"trackingNumber\":\"" + number + "\"}}]}", TOKEN);

      assertThat(shipped.decision()).isEqualTo("SUCCEED");
      assertThat(tracked.decision()).isEqualTo("SUCCEED");
      assertThat(tracked.body()).contains("Picked up");
    }
  }

  @Test
  void aRateQuoteAnsweredWithInternalServerErrorIsRetriedAndSucceeds() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(22).transientErrorRate(1).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(3));

      SimulatedCalls.Answer a = calls.post(sim.url(HOST, "/rate/v1/rates/quotes"), QUOTE, TOKEN);

      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.attempts()).isEqualTo("2");
      assertThat(sim.requests()).containsEntry("fedex", 2L);
    }
  }

  @Test
  void aLostShipmentAnswerIsNotRepeatedBecauseFedexKeepsNoBusinessKey() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(23).ambiguousTimeoutRate(1).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(3));

      assertThatThrownBy(() -> calls.post(sim.url(HOST, "/ship/v1/shipments"), SHIPMENT, TOKEN))
          .isInstanceOf(IOException.class);

      assertThat(sim.requests()).containsEntry("fedex", 1L);
      assertThat(sim.stats().duplicatesCreated()).isZero();
    }
  }

  @Test
  void anExpiredAccessTokenIsRefreshedOnceAndTheShipmentSentAgain() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(24).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.credentialsRefresher(
          (failed, answer) -> Map.of("Authorization", "Bearer fx-fresh")));

      SimulatedCalls.Answer a = calls.post(sim.url(HOST, "/ship/v1/shipments"), SHIPMENT,
          "Authorization", "Bearer expired-1");

      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(sim.requests()).containsEntry("fedex", 2L);
      assertThat(sim.stats().duplicatesCreated()).isZero();
    }
  }

  @Test
  void aSpentDailyQuotaPausesTheAccountUntilMidnightGmtInsteadOfRetrying() throws Exception {
    // given: the policy's clock says 22:00 GMT, so the reset is two hours away (more than maxRetryAfter)
    Clock tenPm = Clock.fixed(Instant.parse("2026-12-01T22:00:00Z"), ZoneOffset.UTC);
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(25)
        .providerOutage("fedex-quota", Duration.ZERO, Duration.ofHours(1)).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(3).clock(tenPm));

      SimulatedCalls.Answer first = calls.post(sim.url(HOST, "/rate/v1/rates/quotes"), QUOTE, TOKEN);

      // then: handed back at once, not retried
      assertThat(first.status()).isEqualTo(429);
      assertThat(first.decision()).isEqualTo("RETRY");
      assertThat(sim.requests()).containsEntry("fedex", 1L);
      assertThat(calls.waits).isEmpty();

      // when: the next call comes; it waits out the pause (at most maxRetryAfter, 2 min, plus jitter), asks once
      SimulatedCalls.Answer second = calls.post(sim.url(HOST, "/rate/v1/rates/quotes"), QUOTE, TOKEN);

      assertThat(calls.waits).hasSize(1).allMatch(d -> d.compareTo(Duration.ofMinutes(2)) >= 0
          && d.compareTo(Duration.ofMinutes(3)) < 0);
      assertThat(second.status()).isEqualTo(429);
      assertThat(sim.requests()).containsEntry("fedex", 2L);
    }
  }

  @Test
  void aFedexOutageOpensItsBreakerAndLaterCallsAreNotSent() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(26)
        .providerOutage("fedex", Duration.ZERO, Duration.ofHours(1)).build())) {
      SimulatedCalls calls = new SimulatedCalls(b -> b.maxAttempts(1).breaker(50, 4, 4, Duration.ofMinutes(1), 1));

      for (int i = 0; i < 4; i++) {
        assertThat(calls.post(sim.url(HOST, "/rate/v1/rates/quotes"), QUOTE, TOKEN).decision()).isEqualTo("BREAK");
      }
      assertThatThrownBy(() -> calls.post(sim.url(HOST, "/rate/v1/rates/quotes"), QUOTE, TOKEN))
          .isInstanceOf(IOException.class).hasMessageContaining("fedex");

      assertThat(sim.requests()).containsEntry("fedex", 4L);
    }
  }
}
