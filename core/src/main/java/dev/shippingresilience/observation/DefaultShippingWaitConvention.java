package dev.shippingresilience.observation;

import static dev.shippingresilience.observation.ShippingObservations.ATTEMPT_NUMBER;
import static dev.shippingresilience.observation.ShippingObservations.CAUSE;
import static dev.shippingresilience.observation.ShippingObservations.EXCEPTION;
import static dev.shippingresilience.observation.ShippingObservations.OPERATION;
import static dev.shippingresilience.observation.ShippingObservations.OUTCOME;
import static dev.shippingresilience.observation.ShippingObservations.PLANNED;
import static dev.shippingresilience.observation.ShippingObservations.POLL_NUMBER;
import static dev.shippingresilience.observation.ShippingObservations.PROVIDER;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@value ShippingObservations#WAIT}: named {@value ShippingObservations#WAIT}, contextual
 * name {@code <provider> wait <cause>} (e.g. {@code clickpost wait poll}). Low-cardinality keys: {@code provider},
 * {@code operation}, {@code cause}, {@code outcome}, {@code exception}; high-cardinality keys: {@code planned} (ISO-8601),
 * {@code attempt} and {@code poll} (of the send that follows).
 */
public class DefaultShippingWaitConvention implements ObservationConvention<ShippingWaitContext> {
  /** Creates the convention; stateless. */
  public DefaultShippingWaitConvention() {}

  @Override
  public String getName() {
    return ShippingObservations.WAIT;
  }

  @Override
  public String getContextualName(ShippingWaitContext context) {
    return context.provider() + " wait " + context.cause();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(ShippingWaitContext context) {
    return KeyValues.of(PROVIDER, context.provider(), OPERATION, context.operation(), CAUSE, context.cause(),
        OUTCOME, context.outcome(), EXCEPTION, context.exception());
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(ShippingWaitContext context) {
    return KeyValues.of(PLANNED, context.planned().toString(), ATTEMPT_NUMBER, Integer.toString(context.attempt()),
        POLL_NUMBER, Integer.toString(context.poll()));
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof ShippingWaitContext;
  }
}
