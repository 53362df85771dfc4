package dev.shippingresilience.observation;

import static dev.shippingresilience.observation.ShippingObservations.ATTEMPT_NUMBER;
import static dev.shippingresilience.observation.ShippingObservations.CODE;
import static dev.shippingresilience.observation.ShippingObservations.DECISION;
import static dev.shippingresilience.observation.ShippingObservations.EXCEPTION;
import static dev.shippingresilience.observation.ShippingObservations.KIND;
import static dev.shippingresilience.observation.ShippingObservations.METHOD;
import static dev.shippingresilience.observation.ShippingObservations.OPERATION;
import static dev.shippingresilience.observation.ShippingObservations.OUTCOME;
import static dev.shippingresilience.observation.ShippingObservations.POLL_NUMBER;
import static dev.shippingresilience.observation.ShippingObservations.PROVIDER;
import static dev.shippingresilience.observation.ShippingObservations.SCOPE;
import static dev.shippingresilience.observation.ShippingObservations.URL;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@value ShippingObservations#ATTEMPT}: named {@value ShippingObservations#ATTEMPT},
 * contextual name {@code <provider> <operation> attempt}, {@code ... poll} or {@code ... reconcile} (span names stay low-cardinality: the
 * numbers are keys). Low-cardinality keys: {@code provider}, {@code operation}, {@code method}, {@code outcome},
 * {@code decision}, {@code code}, {@code exception}, {@code kind}; high-cardinality keys: {@code attempt}, {@code poll},
 * {@code scope}, {@code url} (redacted).
 */
public class DefaultShippingAttemptConvention implements ObservationConvention<ShippingAttemptContext> {
  /** Creates the convention; stateless. */
  public DefaultShippingAttemptConvention() {}

  @Override
  public String getName() {
    return ShippingObservations.ATTEMPT;
  }

  @Override
  public String getContextualName(ShippingAttemptContext context) {
    return context.provider() + " " + context.operation() + " " + context.kind();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(ShippingAttemptContext context) {
    return KeyValues.of(PROVIDER, context.provider(), OPERATION, context.operation(), METHOD, context.method(),
        OUTCOME, context.outcome(), DECISION, context.decision(), CODE, context.code(), EXCEPTION,
        context.exception(), KIND, context.kind());
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(ShippingAttemptContext context) {
    return KeyValues.of(ATTEMPT_NUMBER, Integer.toString(context.attempt()), POLL_NUMBER,
        Integer.toString(context.poll()), SCOPE, context.scope(), URL, context.url());
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof ShippingAttemptContext;
  }
}
