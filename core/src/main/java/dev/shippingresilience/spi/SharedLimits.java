package dev.shippingresilience.spi;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where a provider account's request budget, rate-limit pauses and (optionally) breaker hints live. The default,
 * {@link LocalLimits}, keeps them in this process; a fleet shares them (the {@code redis-limits} module) so that
 * 20 instances on one AfterShip account together stay under its 10 requests per second.
 *
 * <p>Implementations are thread-safe and fast, never throw (an unreachable store either falls back to local limits
 * or refuses permits, as its failure mode says, and reports which through {@link #availability()}) and never block
 * longer than their own short timeouts: the engine does the waiting, with its own clock and sleeper.
 */
public interface SharedLimits {
  /**
   * Takes one request permit from {@code account}'s bucket.
   *
   * @param account the provider account, e.g. {@code aftership-shipping}
   * @param limit the account's rate
   * @param maxWait the longest wait the caller accepts
   * @return how long to wait before sending ({@link Duration#ZERO} to send now), or {@code null} when no permit
   *     can be had within {@code maxWait} (no permit is consumed then)
   */
  @Nullable Duration acquire(String account, RateLimit limit, Duration maxWait);

  /**
   * Pauses {@code account} until {@code until} (a 429 with a reset, a quota code); the later pause wins.
   *
   * @param account the account key
   * @param until when the pause ends
   */
  void pause(String account, Instant until);

  /**
   * {@return when {@code account}'s pause ends, or {@code null} when it is not paused}
   *
   * @param account the account key
   */
  @Nullable Instant pausedUntil(String account);

  /**
   * Shares that the breaker of {@code scope} opened until {@code until}, so other instances can skip a round of
   * failures. Local breakers stay the source of truth. Default: ignored.
   *
   * @param scope the breaker scope, e.g. {@code clickpost/carrier:5}
   * @param until when the breaker's open wait ends
   */
  default void hintOpen(String scope, Instant until) {}

  /**
   * {@return until when another instance reported {@code scope}'s breaker open, or {@code null}} Default: none.
   *
   * @param scope the breaker scope, e.g. {@code clickpost/carrier:5}
   */
  default @Nullable Instant openHint(String scope) {
    return null;
  }

  /**
   * {@return whether this store answers now and, when it does not, what calls get meanwhile (the implementation's
   * failure mode: limits kept in this process, or no permit)} For health checks: fast, never blocks and never
   * throws, so it reports the state the implementation already tracks instead of asking the store. The
   * description holds no secrets.
   *
   * <p>Default: {@link Availability#inProcess()}, right for limits kept in this process, which always answer. A
   * shared store overrides it.
   */
  default Availability availability() {
    return Availability.inProcess();
  }
}
