package dev.shippingresilience;

import dev.shippingresilience.testing.EngineScenarios;
import dev.shippingresilience.testing.EngineScenarios.Engine;

/** The shared engine scenarios through the blocking driver ({@link ShippingPolicy#execute}). */
class BlockingEngineTest extends EngineScenarioTest {
  @Override
  Engine engine() {
    return EngineScenarios.BLOCKING;
  }
}
