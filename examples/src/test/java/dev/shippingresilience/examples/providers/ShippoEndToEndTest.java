package dev.shippingresilience.examples.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.examples.providers.RestProviderCalls.Answer;
import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Shippo label purchases through OkHttp and the {@code shippo} profile, against the simulator. */
class ShippoEndToEndTest {
  private static final String HOST = "api.goshippo.com";

  private static String transaction(String order) {
    return "{\"rate\":\"ee81fab0372e419ab52245c8952ccaeb\",\"metadata\":\"" + order + "\",\"carrier\":\"usps\"}";
  }

  @Test
  void aLabelIsBoughtAtOnce() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(1).build())) {
      Answer a = new RestProviderCalls().call("POST", sim.url(HOST, "/transactions"), transaction("o-1"));
      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.body()).contains("\"status\":\"SUCCESS\"");
    }
  }

  @Test
  void aQueuedPurchaseIsPolledByObjectIdUntilSuccess() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(
        FaultSchedule.builder(2).asyncRate(1.0).processingPolls(2).build())) {
      Answer a = new RestProviderCalls().call("POST", sim.url(HOST, "/transactions"), transaction("o-2"));
      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.attempts()).isEqualTo(4); // POST QUEUED, GET QUEUED twice, GET SUCCESS
      assertThat(sim.stats().labelsCreated()).isEqualTo(1);
    }
  }

  @Test
  void tooManyConcurrentCallsAreRetriedEvenForAPurchase() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(3).transientErrorRate(0.6).build())) {
      RestProviderCalls calls = new RestProviderCalls();
      int retried = 0;
      for (int i = 0; i < 10 && retried == 0; i++) {
        Answer a = calls.call("POST", sim.url(HOST, "/transactions"), transaction("o-3-" + i));
        if (a.attempts() > 1 && a.decision().equals("SUCCEED")) {
          retried++;
        }
      }
      assertThat(retried).as("purchases that succeeded after a 409").isPositive();
    }
  }

  @Test
  void aCarrierOutageBreaksShippo() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(4)
        .carrierOutage("shippo:usps", Duration.ZERO, Duration.ofHours(1)).build())) {
      Answer a = new RestProviderCalls().call("POST", sim.url(HOST, "/transactions"), transaction("o-4"));
      assertThat(a.decision()).isEqualTo("BREAK");
    }
  }
}
