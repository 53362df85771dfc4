package dev.shippingresilience.spring.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns an {@link InvalidShippingPropertyException} anywhere in a start-up failure into Spring Boot's short
 * "APPLICATION FAILED TO START" report naming the property. Registered in {@code META-INF/spring.factories}; first in
 * order, since Spring Boot's own analyzer of binding failures would otherwise report the same failure less clearly.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class InvalidShippingPropertyFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidShippingPropertyException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidShippingPropertyException cause) {
    return new FailureAnalysis("Invalid shipping-resilience configuration: " + cause.getMessage(),
        "Fix " + cause.property() + " (see the shipping.resilience.* properties), or remove it to keep its "
            + "default (for a provider setting, the provider profile's).", cause);
  }
}
