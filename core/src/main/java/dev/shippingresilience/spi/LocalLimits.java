package dev.shippingresilience.spi;

import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * In-process {@link SharedLimits}: a Resilience4j rate limiter per account (timed by the given clock, so
 * tests with a fake clock stay deterministic, and reported by Resilience4j's own Micrometer binder) and pauses in
 * memory. Thread-safe.
 */
public final class LocalLimits implements SharedLimits {
  private final Clock clock;
  private final RateLimiterRegistry registry;
  private final Map<String, AtomicRateLimiter> limiters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> pausedUntil = new ConcurrentHashMap<>();

  /**
   * Creates local limits.
   *
   * @param clock the time source of the limiters and pauses
   * @param meterRegistry where Resilience4j reports the limiters
   */
  public LocalLimits(Clock clock, MeterRegistry meterRegistry) {
    this.clock = clock;
    this.registry = RateLimiterRegistry.ofDefaults();
    TaggedRateLimiterMetrics.ofRateLimiterRegistry(registry).bindTo(meterRegistry);
  }

  @Override
  public @Nullable Duration acquire(String account, RateLimit limit, Duration maxWait) {
    AtomicRateLimiter limiter = limiters.computeIfAbsent(account + "|" + limit, k -> create(account, limit));
    if (limiter.getDetailedMetrics().getNanosToWait() > maxWait.toNanos()) {
      return null;
    }
    long nanos = limiter.reservePermission();
    if (nanos < 0) {
      return null;
    }
    Duration wait = Duration.ofNanos(nanos);
    return wait.compareTo(maxWait) > 0 ? null : wait;
  }

  private AtomicRateLimiter create(String account, RateLimit limit) {
    RateLimiterConfig config = RateLimiterConfig.custom()
        .limitForPeriod(limit.permits())
        .limitRefreshPeriod(limit.period())
        .timeoutDuration(Duration.ofDays(1))
        .build();
    // Resilience4j's limiter timed by our clock; swapped into the registry so its binder reports it.
    AtomicRateLimiter limiter = new AtomicRateLimiter(account, config, Map.of(), () -> {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    });
    registry.rateLimiter(account, config);
    registry.replace(account, limiter);
    return limiter;
  }

  @Override
  public void pause(String account, Instant until) {
    pausedUntil.computeIfAbsent(account, k -> new AtomicLong()).accumulateAndGet(until.toEpochMilli(), Math::max);
    limiters.forEach((key, limiter) -> {
      if (key.startsWith(account + "|")) {
        limiter.drainPermissions();
      }
    });
  }

  @Override
  public @Nullable Instant pausedUntil(String account) {
    AtomicLong until = pausedUntil.get(account);
    if (until == null || until.get() <= clock.millis()) {
      return null;
    }
    return Instant.ofEpochMilli(until.get());
  }
}
