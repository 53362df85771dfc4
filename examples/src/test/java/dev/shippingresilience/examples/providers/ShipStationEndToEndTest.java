package dev.shippingresilience.examples.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.examples.providers.RestProviderCalls.Answer;
import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ShipStation API (ShipEngine) labels through OkHttp and the {@code shipstation} profile, against the simulator. */
class ShipStationEndToEndTest {
  private static final String HOST = "api.shipengine.com";

  private static String label(String carrier, String order) {
    return "{\"shipment\":{\"carrier_id\":\"" + carrier + "\",\"external_shipment_id\":\"" + order + "\"}}";
  }

  @Test
  void aLabelIsCreatedAtOnce() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(1).build())) {
      Answer a = new RestProviderCalls().call("POST", sim.url(HOST, "/v1/labels"), label("se-1", "o-1"));
      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.attempts()).isEqualTo(1);
      assertThat(a.body()).contains("\"status\":\"completed\"");
      assertThat(sim.stats().labelsCreated()).isEqualTo(1);
    }
  }

  @Test
  void aProcessingLabelIsPolledByItsLabelIdUntilCompleted() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(
        FaultSchedule.builder(2).asyncRate(1.0).processingPolls(2).build())) {
      Answer a = new RestProviderCalls().call("POST", sim.url(HOST, "/v1/labels"), label("se-1", "o-2"));
      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.attempts()).isEqualTo(4); // POST processing, GET processing twice, GET completed
      assertThat(a.body()).contains("\"status\":\"completed\"");
      assertThat(sim.stats().labelsCreated()).isEqualTo(1);
    }
  }

  @Test
  void aCarrierOutageBreaksThatCarrierWhileAnotherCarrierShips() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(3)
        .carrierOutage("shipstation:se-down", Duration.ZERO, Duration.ofHours(1)).build())) {
      RestProviderCalls calls = new RestProviderCalls();
      Answer down = calls.call("POST", sim.url(HOST, "/v1/labels"), label("se-down", "o-3"));
      Answer up = calls.call("POST", sim.url(HOST, "/v1/labels"), label("se-up", "o-4"));
      assertThat(down.decision()).isEqualTo("BREAK");
      assertThat(down.status()).isEqualTo(500);
      assertThat(up.decision()).isEqualTo("SUCCEED");
      assertThat(sim.stats().requestsDuringOutage()).isPositive();
    }
  }
}
