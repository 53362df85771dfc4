package dev.shippingresilience.observation;

import io.micrometer.observation.Observation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What every observation of the engine knows: the provider and the operation, and the exception it ended with. The
 * engine fills a context on the thread of the step it reports; a convention reads it when the observation starts and
 * stops.
 */
public abstract class ShippingObservationContext extends Observation.Context {
  private final String provider;
  private final String operation;
  private String exception = ShippingObservations.NONE;

  /**
   * Creates a context.
   *
   * @param provider the provider id
   * @param operation the operation name
   */
  protected ShippingObservationContext(String provider, String operation) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.operation = Objects.requireNonNull(operation, "operation");
  }

  /** {@return the provider id, e.g. {@code clickpost}} */
  public String provider() {
    return provider;
  }

  /** {@return the operation name of the profile, e.g. {@code create-order}, or {@code other}} */
  public String operation() {
    return operation;
  }

  /**
   * {@return the simple class name of the exception this observation ended with, or {@code none}} The exception
   * itself is recorded as the observation's error, as a redacted copy without stack (the transport's messages may
   * name a URL with its secrets).
   */
  public String exception() {
    return exception;
  }

  /**
   * Sets the simple class name of the exception this observation ended with.
   *
   * @param exception the class's simple name, or {@code null} for none
   */
  public void exception(@Nullable String exception) {
    this.exception = exception == null ? ShippingObservations.NONE : exception;
  }
}
