package dev.shippingresilience.observation;

import java.time.Duration;
import java.util.Objects;

/**
 * The context of a {@value ShippingObservations#WAIT} observation: one wait between requests, from when the engine
 * begins it (sleeps, or schedules it) to when it ends or the call is cancelled during it.
 */
public class ShippingWaitContext extends ShippingObservationContext {
  /** {@link #outcome()} of a wait that ran its course. */
  public static final String WAITED = "waited";
  /** {@link #outcome()} of a wait cut short: the call was cancelled, interrupted or crashed during it. */
  public static final String CANCELLED = "cancelled";

  private final String cause;
  private final Duration planned;
  private final int attempt;
  private final int poll;
  private String outcome = ShippingObservations.NONE;

  /**
   * Creates the context of a wait as it begins.
   *
   * @param provider the provider id
   * @param operation the call's operation name
   * @param cause why: {@code backoff}, {@code retry_after} (the answer's hint), {@code poll} (the poll interval),
   *     {@code pause} (the provider's account is paused after a 429) or {@code rate_limit} (waiting for a permit of
   *     the client-side rate limit)
   * @param planned how long the engine means to wait
   * @param attempt the attempt number of the send that follows the wait
   * @param poll the poll number of the send that follows the wait, 0 unless it is a poll
   */
  public ShippingWaitContext(String provider, String operation, String cause, Duration planned, int attempt,
      int poll) {
    super(provider, operation);
    this.cause = Objects.requireNonNull(cause, "cause");
    this.planned = Objects.requireNonNull(planned, "planned");
    this.attempt = attempt;
    this.poll = poll;
  }

  /** {@return why the engine waits: {@code backoff}, {@code retry_after}, {@code poll}, {@code pause} or {@code rate_limit}} */
  public String cause() {
    return cause;
  }

  /** {@return how long the engine meant to wait} */
  public Duration planned() {
    return planned;
  }

  /** {@return the attempt number of the send that follows the wait} */
  public int attempt() {
    return attempt;
  }

  /** {@return the poll number of the send that follows the wait, 0 unless it is a poll} */
  public int poll() {
    return poll;
  }

  /** {@return {@value #WAITED}, {@value #CANCELLED}, or {@code none} while it lasts} */
  public String outcome() {
    return outcome;
  }

  /**
   * Records how the wait ended.
   *
   * @param outcome {@value #WAITED} or {@value #CANCELLED}
   */
  public void ended(String outcome) {
    this.outcome = Objects.requireNonNull(outcome, "outcome");
  }
}
