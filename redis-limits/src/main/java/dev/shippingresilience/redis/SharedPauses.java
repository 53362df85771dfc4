package dev.shippingresilience.redis;

import dev.shippingresilience.spi.SharedLimits;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's rate-limit pauses: {@code <prefix>pause:<account>} holds when a 429's reset ends (a later pause wins),
 * and every pause is also recorded in this instance's fallback, so this instance honours the 429s it saw itself
 * even when Redis is down. Thread-safe.
 */
final class SharedPauses {
  private static final Logger LOG = LoggerFactory.getLogger(RedisSharedLimits.class);

  private final DeadlineKeys deadlines;
  private final String keyPrefix;
  private final SharedLimits fallback;

  SharedPauses(DeadlineKeys deadlines, String keyPrefix, SharedLimits fallback) {
    this.deadlines = deadlines;
    this.keyPrefix = keyPrefix;
    this.fallback = fallback;
  }

  /** See {@link RedisSharedLimits#pause}. */
  void pause(String account, Instant until) {
    try {
      fallback.pause(account, until);
    } catch (RuntimeException e) {
      LOG.debug("local fallback pause failed", e);
    }
    deadlines.keepLater(RedisLink.PAUSE, keyPrefix + "pause:" + account, until);
  }

  /** See {@link RedisSharedLimits#pausedUntil}. */
  @Nullable Instant pausedUntil(String account) {
    Instant local = null;
    try {
      local = fallback.pausedUntil(account);
    } catch (RuntimeException e) {
      LOG.debug("local fallback pausedUntil failed", e);
    }
    Instant shared = deadlines.read(RedisLink.PAUSED_UNTIL, keyPrefix + "pause:" + account);
    if (shared == null) {
      return local;
    }
    return local != null && local.isAfter(shared) ? local : shared;
  }
}
