package dev.shippingresilience;

import org.jspecify.annotations.Nullable;

/** The circuit breaker of the call's scope is open: the call failed fast, with no network traffic. */
public final class BreakerOpenException extends ShippingCallException {
  private static final long serialVersionUID = 1L;

  /** The open breaker's scope, e.g. {@code clickpost/carrier:5}. */
  private final String scope;

  /**
   * Creates the exception.
   *
   * @param provider the provider id
   * @param scope the open breaker's scope, e.g. {@code clickpost/carrier:5}
   * @param last the last classification of this call, or {@code null} when nothing was sent
   * @param attempts the sends made before the breaker was found open
   */
  public BreakerOpenException(String provider, String scope, @Nullable Classification last, int attempts) {
    super("provider " + provider + ": circuit breaker open for " + scope + "; failed fast after " + attempts
        + (attempts == 1 ? " attempt" : " attempts") + (last == null ? "" : " (last: " + last.decision()
        + ", http " + last.httpStatus() + (last.code() == null ? "" : ", code " + last.code()) + ")"),
        provider, last, attempts, null);
    this.scope = scope;
  }

  /** {@return the open breaker's scope} */
  public String scope() {
    return scope;
  }
}
