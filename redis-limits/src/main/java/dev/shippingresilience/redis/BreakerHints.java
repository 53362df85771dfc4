package dev.shippingresilience.redis;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The fleet's breaker hints: {@code <prefix>hint:<scope>} holds until when one instance's breaker of that scope is
 * open (a later hint wins). Local breakers stay the source of truth; a hint only fails calls fast until it expires.
 * Thread-safe.
 */
final class BreakerHints {
  private final DeadlineKeys deadlines;
  private final String keyPrefix;

  BreakerHints(DeadlineKeys deadlines, String keyPrefix) {
    this.deadlines = deadlines;
    this.keyPrefix = keyPrefix;
  }

  /** See {@link RedisSharedLimits#hintOpen}. */
  void hintOpen(String scope, Instant until) {
    deadlines.keepLater(RedisLink.HINT, keyPrefix + "hint:" + scope, until);
  }

  /** See {@link RedisSharedLimits#openHint}. */
  @Nullable Instant openHint(String scope) {
    return deadlines.read(RedisLink.HINT, keyPrefix + "hint:" + scope);
  }
}
