package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.testing.EngineScenarios;
import dev.shippingresilience.testing.EngineScenarios.Engine;
import dev.shippingresilience.testing.EngineScenarios.Scenario;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every row of the shared scenario table through one driver; a subclass names which. */
abstract class EngineScenarioTest {
  /** Returns the driver under test. */
  abstract Engine engine();

  static Stream<Scenario> scenarios() {
    return EngineScenarios.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void callFollowsTheScenario(Scenario scenario) throws Throwable {
    assertThat(EngineScenarios.run(scenario, engine())).isEqualTo(scenario.expected());
  }
}
