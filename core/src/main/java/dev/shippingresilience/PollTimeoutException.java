package dev.shippingresilience;

import org.jspecify.annotations.Nullable;

/**
 * Polling ended without a terminal answer: the poll limit, the poll duration or the call deadline ran out. The last
 * pending response's snapshot (status, headers, body prefix) is available through {@link #lastResponse()}.
 */
public final class PollTimeoutException extends ShippingCallException {
  private static final long serialVersionUID = 1L;

  private final transient @Nullable ResponseSnapshot lastResponse;
  /** The polls made. */
  private final int polls;

  /**
   * Creates the exception.
   *
   * @param provider the provider id
   * @param last the last (pending) classification
   * @param lastResponse the last pending response's snapshot
   * @param attempts the sends made, polls included
   * @param polls the polls made
   * @param limit which limit ran out, as a phrase
   */
  public PollTimeoutException(String provider, Classification last, @Nullable ResponseSnapshot lastResponse,
      int attempts, int polls, String limit) {
    super(describe(provider, last, attempts, "still POLL when " + limit + " ran out (" + polls + " polls)"),
        provider, last, attempts, null);
    // kept after the response is closed: a snapshot reading a transport's buffer in place is copied
    this.lastResponse = lastResponse == null ? null : lastResponse.detached();
    this.polls = polls;
  }

  /** {@return the last pending response's snapshot, or {@code null} after deserialization} */
  public @Nullable ResponseSnapshot lastResponse() {
    return lastResponse;
  }

  /** {@return the number of polls made} */
  public int polls() {
    return polls;
  }
}
