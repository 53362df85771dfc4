package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.CallCancelledException;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CancellationToken;
import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each of the demo's four clients (one per adapter entry point) against the simulator, with the same checks. */
@TestInstance(Lifecycle.PER_CLASS) // one simulator and one client per transport for all tests
class DemoClientsTest {
  private final SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.demo(1, 0, Duration.ZERO));
  private final Map<DemoCommand.Transport, DemoClient> clients = new EnumMap<>(DemoCommand.Transport.class);

  private DemoClient client(DemoCommand.Transport transport) {
    return clients.computeIfAbsent(transport, t -> t.open(
        DemoCommand.demoPolicies(new SimpleMeterRegistry(), ObservationRegistry.NOOP), sim.port()));
  }

  @AfterAll
  void close() {
    clients.values().forEach(DemoClient::close);
    sim.close();
  }

  @ParameterizedTest
  @EnumSource(DemoCommand.Transport.class)
  void providerHostNamesReachTheSimulatorAndTheDecisionIsRead(DemoCommand.Transport transport) throws Exception {
    long before = sim.requests().getOrDefault("abicart", 0L);
    // when
    DemoClient.FinalResponse response = client(transport).send(DemoWorkload.HttpCall.post(
        sim.url("admin.abicart.se", "/backend/jsonrpc/v1/?webshop=1&auth=t"),
        "{\"jsonrpc\":\"2.0\",\"method\":\"Order.get\",\"id\":1,\"params\":[\"1001\",{}]}"));
    // then
    assertThat(response).isEqualTo(new DemoClient.FinalResponse("SUCCEED", false));
    assertThat(sim.requests()).containsEntry("abicart", before + 1);
    assertThat(client(transport).leaked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(DemoCommand.Transport.class)
  void aNon2xxFinalResponseIsReturnedNotThrown(DemoCommand.Transport transport) throws Exception {
    // given the simulator's 404 for a host it does not simulate, a FAIL for the generic policy
    DemoWorkload.HttpCall call = DemoWorkload.HttpCall.post(sim.url("unknown.example.org", "/orders"), "{}");
    // when
    DemoClient.FinalResponse response = client(transport).send(call);
    // then
    assertThat(response.decision()).isEqualTo("FAIL");
    assertThat(client(transport).leaked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(DemoCommand.Transport.class)
  void theEnginesExceptionIsUnwrappedFromTheClientsOwn(DemoCommand.Transport transport) {
    // given a call cancelled before its first attempt
    DemoWorkload.HttpCall call = DemoWorkload.HttpCall.post(sim.url("www.clickpost.in", "/api/v3/create-order/"),
        "{}").withOptions(CallOptions.builder().cancellation(CancellationToken.watching(() -> true)).build());
    // when / then
    assertThatThrownBy(() -> client(transport).send(call)).isInstanceOf(CallCancelledException.class);
    assertThat(sim.requests()).doesNotContainKey("clickpost");
    assertThat(client(transport).leaked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(DemoCommand.Transport.class)
  void theDescriptionNamesTheClient(DemoCommand.Transport transport) {
    String expected = switch (transport) {
      case OKHTTP -> "OkHttp ";
      case OKHTTP_ASYNC -> "OkHttp ";
      case SPRING -> "Spring RestClient ";
      case WEBCLIENT -> "Spring WebClient ";
    };
    assertThat(client(transport).description()).startsWith(expected);
  }
}
