package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.testing.EngineScenarios;
import dev.shippingresilience.testing.EngineScenarios.Scenario;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared engine scenarios through the blocking driver ({@link ShippingPolicy#execute}). */
class BlockingEngineTest {
  static Stream<Scenario> scenarios() {
    return EngineScenarios.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void blockingCallFollowsTheScenario(Scenario scenario) throws Throwable {
    assertThat(EngineScenarios.run(scenario, EngineScenarios.BLOCKING)).isEqualTo(scenario.expected());
  }
}
