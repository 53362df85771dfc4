package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.CallCancelledException;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CancellationToken;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.springframework.core.SpringVersion;

@TestInstance(Lifecycle.PER_CLASS) // one simulator and client for all: each test sends to its own host
class SpringDemoTest {
  private final SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.demo(1, 0, Duration.ZERO));
  private final SpringDemo client = new SpringDemo(
      DemoCommand.demoPolicies(new SimpleMeterRegistry(), new ShippingListener() {}));

  @AfterAll
  void close() {
    client.close();
    sim.close();
  }

  @Test
  void providerHostNamesReachTheSimulatorAndTheDecisionIsRead() throws Exception {
    // when
    DemoClient.FinalResponse response = client.send(DemoWorkload.HttpCall.post(
        sim.url("admin.abicart.se", "/backend/jsonrpc/v1/?webshop=1&auth=t"),
        "{\"jsonrpc\":\"2.0\",\"method\":\"Order.get\",\"id\":1,\"params\":[\"1001\",{}]}"));
    // then
    assertThat(response).isEqualTo(new DemoClient.FinalResponse("SUCCEED", false));
    assertThat(sim.requests()).containsEntry("abicart", 1L);
    assertThat(client.leaked()).isFalse();
  }

  @Test
  void aNon2xxFinalResponseIsReturnedNotThrown() throws Exception {
    // given the simulator's 404 for a host it does not simulate, a FAIL for the generic policy
    DemoWorkload.HttpCall call = DemoWorkload.HttpCall.post(sim.url("unknown.example.org", "/orders"), "{}");
    // when
    DemoClient.FinalResponse response = client.send(call);
    // then
    assertThat(response.decision()).isEqualTo("FAIL");
    assertThat(client.leaked()).isFalse();
  }

  @Test
  void theEnginesExceptionIsUnwrappedFromRestClientsResourceAccessException() {
    // given a call cancelled before its first attempt
    DemoWorkload.HttpCall call = DemoWorkload.HttpCall.post(sim.url("www.clickpost.in", "/api/v3/create-order/"),
        "{}").withOptions(CallOptions.builder().cancellation(CancellationToken.watching(() -> true)).build());
    // when / then
    assertThatThrownBy(() -> client.send(call)).isInstanceOf(CallCancelledException.class);
    assertThat(sim.requests()).doesNotContainKey("clickpost");
    assertThat(client.leaked()).isFalse();
  }

  @Test
  void theDescriptionNamesSpringAndTheHttpClient() {
    assertThat(client.description())
        .startsWith("Spring RestClient " + SpringVersion.getVersion() + " on Apache HttpClient 5.");
  }
}
