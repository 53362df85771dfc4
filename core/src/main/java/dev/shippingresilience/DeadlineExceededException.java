package dev.shippingresilience;

import org.jspecify.annotations.Nullable;

/**
 * The call's total deadline ran out before a response could be handed back (for example while waiting for the
 * rate limiter, or after an I/O failure with no time left to try again).
 */
public final class DeadlineExceededException extends ShippingCallException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param provider the provider id
   * @param last the last classification, or {@code null}
   * @param attempts the sends made
   * @param what what the engine was doing, as a phrase
   * @param cause the last I/O failure, or {@code null}
   */
  public DeadlineExceededException(String provider, @Nullable Classification last, int attempts, String what,
      @Nullable Throwable cause) {
    super(describe(provider, last, attempts, "deadline exceeded " + what), provider, last, attempts, cause);
  }
}
