package dev.shippingresilience.redis;

/**
 * What {@link RedisSharedLimits} does when Redis cannot answer within its command timeout (down, unreachable,
 * frozen). Either way no call hangs and no request is silently dropped: the call goes on (fail-open) or ends with
 * the engine's usual {@link dev.shippingresilience.DeadlineExceededException} before anything is sent
 * (fail-closed). Every failed Redis operation is counted in {@value RedisSharedLimits#FALLBACK_METER}.
 */
public enum FailureMode {
  /**
   * The default: fall back to in-process limits ({@link dev.shippingresilience.spi.LocalLimits}), so the
   * instance keeps calling the provider at its own share of the rate (see
   * {@link RedisSharedLimits.Builder#fallbackFleetSize(int)}). The fleet as a whole may exceed the account's rate
   * while Redis is down; the provider's 429s, which the engine honours, are the last line of defence. Choose this
   * when an outage of Redis must not become an outage of shipping.
   */
  FAIL_OPEN,

  /**
   * Treat an unanswered permit request as "no permit within the wait the caller accepts": the call ends before
   * sending with {@link dev.shippingresilience.DeadlineExceededException}. Choose this when exceeding the
   * provider's rate is worse than not calling it (a provider that suspends keys on abuse). Pauses and breaker
   * hints still fall back to this instance's own view, which only ever delays calls.
   */
  FAIL_CLOSED
}
