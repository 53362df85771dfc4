package dev.shippingresilience.examples.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.examples.providers.RestProviderCalls.Answer;
import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** EasyPost shipments through OkHttp and the {@code easypost} profile, against the simulator. */
class EasyPostEndToEndTest {
  private static final String HOST = "api.easypost.com";

  @Test
  void ratesSucceedWhileADownCarrierIsReportedInMessages() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(1)
        .carrierOutage("easypost:FedEx", Duration.ZERO, Duration.ofHours(1)).build())) {
      Answer a = new RestProviderCalls().call("POST", sim.url(HOST, "/v2/shipments"),
          "{\"shipment\":{\"reference\":\"o-1\"}}");
      assertThat(a.decision()).isEqualTo("SUCCEED");
      assertThat(a.status()).isEqualTo(201);
      assertThat(a.body()).contains("\"type\":\"rate_error\"").contains("\"carrier\":\"USPS\"");
      assertThat(sim.stats().requestsDuringOutage()).isEqualTo(1);
    }
  }

  @Test
  void buyingTwiceIsADuplicateSuccessNotASecondLabel() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(2).build())) {
      RestProviderCalls calls = new RestProviderCalls();
      String buy = sim.url(HOST, "/v2/shipments/shp_1/buy");
      Answer first = calls.call("POST", buy, "{\"rate\":{\"id\":\"rate_usps\"}}");
      Answer again = calls.call("POST", buy, "{\"rate\":{\"id\":\"rate_usps\"}}");
      assertThat(first.decision()).isEqualTo("SUCCEED");
      assertThat(again.decision()).isEqualTo("SUCCEED");
      assertThat(again.status()).isEqualTo(422);
      assertThat(sim.stats().labelsCreated()).isEqualTo(1);
    }
  }

  @Test
  void anEasyPostOutageBreaks() throws Exception {
    try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.builder(3)
        .providerOutage("easypost", Duration.ZERO, Duration.ofHours(1)).build())) {
      Answer a = new RestProviderCalls().call("POST", sim.url(HOST, "/v2/shipments"), "{\"shipment\":{}}");
      assertThat(a.decision()).isEqualTo("BREAK");
      assertThat(a.status()).isEqualTo(503);
    }
  }
}
