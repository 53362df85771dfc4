package dev.shippingresilience.redis;

import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.spi.SharedLimits;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's request rate: one Bucket4j bucket per (account, rate) in Redis, a permit reserved atomically and its
 * wait returned (never slept); when Redis fails, the failure mode answers (the local fallback at
 * {@code 1 / fallbackFleetSize} of the rate, or no permit). Thread-safe.
 */
final class SharedRate {
  private static final Logger LOG = LoggerFactory.getLogger(RedisSharedLimits.class);

  private final RedisLink link;
  private final String keyPrefix;
  private final Duration idleKeyExpiry;
  private final SharedLimits fallback;
  private final int fallbackFleetSize;
  /** The proxy manager and bucket proxies of the current connection. */
  private final AtomicReference<@Nullable Buckets> buckets = new AtomicReference<>();

  SharedRate(RedisLink link, String keyPrefix, Duration idleKeyExpiry, SharedLimits fallback,
      int fallbackFleetSize) {
    this.link = link;
    this.keyPrefix = keyPrefix;
    this.idleKeyExpiry = idleKeyExpiry;
    this.fallback = fallback;
    this.fallbackFleetSize = fallbackFleetSize;
  }

  /** See {@link RedisSharedLimits#acquire}. */
  @Nullable Duration acquire(String account, RateLimit limit, Duration maxWait) {
    RedisLink.Connection c = link.connection();
    if (c != null) {
      try {
        Duration wait = buckets(c).acquire(bucketKey(account, limit), limit, maxWait);
        link.recovered();
        return wait;
      } catch (RuntimeException e) {
        link.failed(RedisLink.ACQUIRE, e);
      }
    } else {
      link.failed(RedisLink.ACQUIRE, null);
    }
    if (link.failureMode() == FailureMode.FAIL_CLOSED) {
      return null;
    }
    try {
      return fallback.acquire(account, fallbackLimit(limit), maxWait);
    } catch (RuntimeException e) {
      LOG.warn("shipping-resilience: the local fallback limits threw {}; sending without a permit",
          e.getClass().getName());
      return Duration.ZERO;
    }
  }

  /** See {@link RedisSharedLimits#bucketKey}. */
  String bucketKey(String account, RateLimit limit) {
    return keyPrefix + "rate:" + account + ":" + limit.permits() + "/" + limit.period().toMillis() + "ms";
  }

  /** {@return the number of bucket proxies kept for the current connection} */
  int cachedBuckets() {
    Buckets b = buckets.get();
    RedisLink.Connection c = link.peek();
    return b == null || c == null || b.connection != c ? 0 : b.byKey.size();
  }

  private RateLimit fallbackLimit(RateLimit limit) {
    // Each of N instances gets 1/N of the account's rate: the same permits over N periods.
    return fallbackFleetSize == 1 ? limit
        : new RateLimit(limit.permits(), limit.period().multipliedBy(fallbackFleetSize));
  }

  private Buckets buckets(RedisLink.Connection c) {
    Buckets b = buckets.get();
    if (b != null && b.connection == c) {
      return b;
    }
    Buckets fresh = new Buckets(c);
    return buckets.compareAndSet(b, fresh) ? fresh : buckets(c);
  }

  private TimeMeter timeMeter() {
    Clock clock = link.clock();
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  /** One connection's Bucket4j proxy manager and bucket proxies. */
  private final class Buckets {
    final RedisLink.Connection connection;
    final ProxyManager<byte[]> proxyManager;
    /** Bucket proxies by key, least recently used first, at most {@link RedisSharedLimits#MAX_CACHED_BUCKETS}. */
    final Map<String, BucketProxy> byKey = Collections.synchronizedMap(
        new LinkedHashMap<String, BucketProxy>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, BucketProxy> eldest) {
            return size() > RedisSharedLimits.MAX_CACHED_BUCKETS;
          }
        });

    Buckets(RedisLink.Connection connection) {
      this.connection = connection;
      this.proxyManager = Bucket4jLettuce.casBasedBuilder(connection.connection())
          .clientClock(timeMeter())
          // Bounds the whole compare-and-swap loop, each Redis round trip included.
          .requestTimeout(link.commandTimeout())
          .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(idleKeyExpiry))
          .build();
    }

    @Nullable Duration acquire(String key, RateLimit limit, Duration maxWait) {
      BucketProxy bucket = byKey.computeIfAbsent(key, k -> proxyManager.builder()
          .build(k.getBytes(StandardCharsets.UTF_8), () -> BucketConfiguration.builder()
              .addLimit(l -> l.capacity(limit.permits()).refillGreedy(limit.permits(), limit.period()))
              .build()));
      long maxWaitNanos = maxWait.isNegative() ? 0 : maxWait.toNanos();
      if (maxWaitNanos == 0) {
        return bucket.tryConsume(1) ? Duration.ZERO : null;
      }
      // Reserve without blocking: Bucket4j reserves the permit atomically and hands the time to wait to the
      // blocking strategy, which records it instead of parking; the engine does the waiting with its own sleeper.
      AtomicLong wait = new AtomicLong();
      boolean reserved;
      try {
        reserved = bucket.asBlocking().tryConsume(1, maxWaitNanos, wait::set);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RedisLink.RedisUnavailableException("interrupted while reserving a permit");
      }
      return reserved ? Duration.ofNanos(wait.get()) : null;
    }
  }
}
