package dev.shippingresilience;

/**
 * What a provider response means for the call that produced it. The engine applies each decision; see the
 * README's decision table.
 */
public enum Decision {
  /**
   * The call reached its goal, including "already done" answers (an earlier attempt did it); the response is
   * returned to the caller.
   */
  SUCCEED,
  /**
   * Transient while the provider itself is healthy (rate limit, "try again", a lock): send again after the
   * provider's hint or a backoff, only if repeating the request is safe. Never counted against a breaker.
   */
  RETRY,
  /**
   * Accepted but not finished: ask again on the poll schedule until a terminal answer or the poll deadline.
   */
  POLL,
  /**
   * The upstream is unhealthy (provider 5xx, gateway pages, a carrier outage behind an aggregator): record a
   * failure in the breaker of the decision's scope, and retry while that is allowed and safe.
   */
  BREAK,
  /**
   * The caller must change something (validation, auth, configuration, quota, unknown code): the response is
   * handed back on the first attempt, never retried and never counted against a breaker.
   */
  FAIL
}
