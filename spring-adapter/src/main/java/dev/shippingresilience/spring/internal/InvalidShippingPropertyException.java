package dev.shippingresilience.spring.internal;

import org.jspecify.annotations.Nullable;

/**
 * A {@code shipping.resilience.*} property is invalid. The message starts with the property, then says what is
 * wrong: {@code shipping.resilience.providers.clickpost.max-attempts: Invalid value (0): must be >= 1}.
 */
public final class InvalidShippingPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String property;

  /**
   * Creates the exception.
   *
   * @param property the property path, e.g. {@code shipping.resilience.providers.clickpost.max-attempts}
   * @param problem what is wrong
   * @param cause core's exception, or {@code null}
   */
  public InvalidShippingPropertyException(String property, String problem, @Nullable Throwable cause) {
    super(property + ": " + problem, cause);
    this.property = property;
  }

  /** Returns the property path. */
  public String property() {
    return property;
  }
}
