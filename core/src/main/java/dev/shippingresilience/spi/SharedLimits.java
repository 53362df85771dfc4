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
   * Takes the window {@code account}'s provider announced on an answer, so that {@link #acquireLearned} paces the
   * account's callers (the whole fleet's, with shared limits) to arrive after the reset instead of spending the last
   * requests and then meeting 429s. Values out of range (a reset passed or beyond 31 days, counts above 10^6, more
   * remaining than the limit) are ignored. Default: ignored (returns {@code false}), so implementations written
   * before it keep working unchanged.
   *
   * @param account the account key
   * @param window the announced window
   * @return whether the window was taken (then an exhausted window needs no pause: the pacing holds callers back)
   */
  default boolean learnWindow(String account, AnnouncedWindow window) {
    return false;
  }

  /**
   * Takes one request permit from {@code account}'s learned window: at once while the window has requests left,
   * else a reservation at the start of the first later window with room. A call's first request reserves at most
   * the next window; past it, it gets no permit yet and asks again when the current window ends, so the later
   * requests of calls under way (polls, retries, whose limits are short) go ahead of the queue of new calls.
   * Default: {@link Duration#ZERO}, nothing learned.
   *
   * @param account the account key
   * @param maxWait the longest wait the caller accepts
   * @param continuing whether the request is a later one of a call under way (a poll, a retry)
   * @return how long to wait before sending ({@link Duration#ZERO} to send now); a negative duration when no permit
   *     was taken yet (wait its magnitude and ask again); {@code null} when no permit can be had within
   *     {@code maxWait} (none is taken then)
   */
  default @Nullable Duration acquireLearned(String account, Duration maxWait, boolean continuing) {
    return Duration.ZERO;
  }

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
