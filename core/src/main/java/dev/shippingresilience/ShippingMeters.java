package dev.shippingresilience;

/**
 * The names of the Micrometer meters every {@link ShippingPolicy} records, for dashboards and alerts. One name per
 * concept; tag values come from closed sets: {@code provider} and {@code operation} from the profile,
 * {@code decision} from {@link Decision}, {@code code} only when it is a table code (else {@code other}, or
 * {@code none}), {@code outcome} and {@code cause} from the vocabularies below. Resilience4j's own breaker and
 * rate-limiter meters ({@code resilience4j.circuitbreaker.*}, {@code resilience4j.ratelimiter.*}) come with them.
 */
public final class ShippingMeters {
  /**
   * Timer of logical calls; tags provider, operation, outcome (succeeded, duplicate, failed, pending,
   * retries_exhausted, not_repeatable, budget_exhausted, breaker_opened, wait_too_long, breaker_open, poll_timeout,
   * deadline_exceeded, cancelled, io_error, refused).
   */
  public static final String CALLS = "shipping.resilience.calls";
  /** Counter of sends; tags provider, operation, decision, code. */
  public static final String ATTEMPTS = "shipping.resilience.attempts";
  /** Counter of poll sends; tags provider, operation. */
  public static final String POLLS = "shipping.resilience.polls";
  /** Timer of waits between sends; tags provider, operation, cause (retry_after, backoff, poll, rate_limit, pause). */
  public static final String WAITS = "shipping.resilience.waits";
  /**
   * Counter of reconcile lookups, asked after a create lost its answer; tags provider, operation, outcome (found:
   * the call succeeded with the lookup's answer; absent: the create was sent again; unknown: the lookup failed or
   * proved nothing, so the original error was handed back; not_possible: the request lacks a variable of the lookup,
   * so none was sent).
   */
  public static final String RECONCILES = "shipping.resilience.reconciles";

  private ShippingMeters() {}
}
