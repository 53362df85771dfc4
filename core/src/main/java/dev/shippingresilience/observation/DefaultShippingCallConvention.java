package dev.shippingresilience.observation;

import static dev.shippingresilience.observation.ShippingObservations.ATTEMPTS;
import static dev.shippingresilience.observation.ShippingObservations.CODE;
import static dev.shippingresilience.observation.ShippingObservations.DECISION;
import static dev.shippingresilience.observation.ShippingObservations.EXCEPTION;
import static dev.shippingresilience.observation.ShippingObservations.OPERATION;
import static dev.shippingresilience.observation.ShippingObservations.OUTCOME;
import static dev.shippingresilience.observation.ShippingObservations.POLLS;
import static dev.shippingresilience.observation.ShippingObservations.PROVIDER;
import static dev.shippingresilience.observation.ShippingObservations.URL;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@value ShippingObservations#CALL}: named {@value ShippingObservations#CALL}, contextual
 * name {@code <provider> <operation>} (e.g. {@code clickpost create-order}, the span name under a tracer).
 * Low-cardinality keys: {@code provider}, {@code operation}, {@code outcome}, {@code decision}, {@code code},
 * {@code exception}; high-cardinality keys: {@code url} (redacted), {@code attempts}, {@code polls}. Extend it and
 * register the subclass as a {@link io.micrometer.observation.GlobalObservationConvention} to change them.
 */
public class DefaultShippingCallConvention implements ObservationConvention<ShippingCallContext> {
  /** Creates the convention; stateless. */
  public DefaultShippingCallConvention() {}

  @Override
  public String getName() {
    return ShippingObservations.CALL;
  }

  @Override
  public String getContextualName(ShippingCallContext context) {
    return context.provider() + " " + context.operation();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(ShippingCallContext context) {
    return KeyValues.of(PROVIDER, context.provider(), OPERATION, context.operation(), OUTCOME, context.outcome(),
        DECISION, context.decision(), CODE, context.code(), EXCEPTION, context.exception());
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(ShippingCallContext context) {
    return KeyValues.of(URL, context.url(), ATTEMPTS, Integer.toString(context.attempts()), POLLS,
        Integer.toString(context.polls()));
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof ShippingCallContext;
  }
}
