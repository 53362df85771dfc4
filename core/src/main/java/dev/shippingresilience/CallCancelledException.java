package dev.shippingresilience;

import org.jspecify.annotations.Nullable;

/** The call was cancelled (its {@link CancellationToken}, or the transport's call) or its thread interrupted. */
public final class CallCancelledException extends ShippingCallException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param provider the provider id
   * @param last the last classification, or {@code null}
   * @param attempts the sends made
   * @param interrupted whether the thread was interrupted (the interrupt flag has been restored)
   */
  public CallCancelledException(String provider, @Nullable Classification last, int attempts, boolean interrupted) {
    super(describe(provider, last, attempts, interrupted ? "interrupted" : "cancelled"), provider, last, attempts,
        null);
  }
}
