package dev.shippingresilience.spi;

import dev.shippingresilience.internal.EpochNanos;
import dev.shippingresilience.internal.LearnedWindow;
import dev.shippingresilience.internal.LruMap;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * In-process {@link SharedLimits}: a Resilience4j rate limiter per account (timed by the given clock, so
 * tests with a fake clock stay deterministic, and reported by Resilience4j's own Micrometer binder), pauses and the
 * windows providers announce ({@link #learnWindow}) in memory. Thread-safe.
 *
 * <p>The state is bounded, so a policy serving unbounded hosts (the generic fallback keeps an account per host) does
 * not grow without end: at most {@code maxAccounts} limiters are kept, the least recently used one dropped (with its
 * meters) to make room for a new one; a pause is forgotten once it has ended (pauses that ended are swept out at
 * least once a minute of the given clock, and whenever the bound is reached), and beyond {@code maxAccounts} live
 * pauses the one ending first is dropped (never the one just recorded). A dropped limiter starts again full when its
 * account comes back. The learned windows are bounded the same way (least recently used dropped first).
 */
public final class LocalLimits implements SharedLimits {
  /** Default most accounts whose limiter, and whose pause, are kept: {@value}. */
  public static final int DEFAULT_MAX_ACCOUNTS = 1000;
  /** Longest time, on the given clock, that ended pauses are kept before a sweep: 1 min. */
  private static final long SWEEP_INTERVAL_MILLIS = 60_000;
  /** The longest wait for a learned window's permit: its longest window. */
  private static final Duration LONGEST_WAIT = Duration.ofMillis(LearnedWindow.MAX_WINDOW_MILLIS);

  private final Clock clock;
  private final int maxAccounts;
  private final RateLimiterRegistry registry;
  private final LruMap<AtomicRateLimiter> limiters;
  /** Account to the epoch millisecond its pause ends. */
  private final ConcurrentHashMap<String, Long> pausedUntil = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep;
  /** Account to the window its provider announced (bounded like the limiters). */
  private final LruMap<LearnedWindow> windows;
  /** Whether any window was learned: until then a permit costs no lock. */
  private volatile boolean anyWindow;

  /**
   * Creates local limits keeping at most {@value #DEFAULT_MAX_ACCOUNTS} accounts.
   *
   * @param clock the time source of the limiters and pauses
   * @param meterRegistry where Resilience4j reports the limiters
   */
  public LocalLimits(Clock clock, MeterRegistry meterRegistry) {
    this(clock, meterRegistry, DEFAULT_MAX_ACCOUNTS);
  }

  /**
   * Creates local limits.
   *
   * @param clock the time source of the limiters and pauses
   * @param meterRegistry where Resilience4j reports the limiters
   * @param maxAccounts the most limiters, and the most live pauses, kept
   * @throws IllegalArgumentException if {@code maxAccounts} is below 1
   */
  public LocalLimits(Clock clock, MeterRegistry meterRegistry, int maxAccounts) {
    if (maxAccounts < 1) {
      throw new IllegalArgumentException("Invalid maxAccounts (" + maxAccounts + "): must be >= 1");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxAccounts = maxAccounts;
    this.registry = RateLimiterRegistry.ofDefaults();
    // The binder removes a limiter's meters when it leaves the registry (its entry-removed event).
    TaggedRateLimiterMetrics.ofRateLimiterRegistry(registry).bindTo(meterRegistry);
    this.limiters = new LruMap<>(maxAccounts, (key, limiter) -> registry.find(limiter.getName())
        .filter(kept -> kept == limiter)
        .ifPresent(kept -> registry.remove(kept.getName())));
    this.nextSweep = new AtomicLong(clock.millis() + SWEEP_INTERVAL_MILLIS);
    this.windows = new LruMap<>(maxAccounts);
  }

  @Override
  public boolean learnWindow(String account, AnnouncedWindow window) {
    long now = clock.millis();
    long reset = window.reset().toEpochMilli();
    if (reset <= now || reset - now > LearnedWindow.MAX_WINDOW_MILLIS) {
      return false;
    }
    anyWindow = true;
    LearnedWindow learned = windows.computeIfAbsent(account, k -> new LearnedWindow());
    synchronized (learned) {
      return learned.learn(window.limit(), window.remaining(), reset, now);
    }
  }

  @Override
  public @Nullable Duration acquireLearned(String account, Duration maxWait, boolean continuing) {
    LearnedWindow learned = anyWindow ? windows.get(account) : null;
    if (learned == null) {
      return Duration.ZERO;
    }
    long wait;
    synchronized (learned) {
      wait = learned.reserve(clock.millis(), maxWait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT.toMillis()
          : maxWait.toMillis(), continuing);
    }
    return wait == LearnedWindow.NONE ? null : wait == 0 ? Duration.ZERO : Duration.ofMillis(wait);
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
    AtomicRateLimiter limiter = new AtomicRateLimiter(account, config, Map.of(), () -> EpochNanos.now(clock));
    registry.rateLimiter(account, config);
    registry.replace(account, limiter);
    return limiter;
  }

  /** Pauses {@code account} until {@code until} (the later pause wins) and drains its limiters' permits. */
  @Override
  public void pause(String account, Instant until) {
    long now = clock.millis();
    long end = until.toEpochMilli();
    if (end > now) {
      pausedUntil.merge(account, end, Math::max);
      if (pausedUntil.size() > maxAccounts) {
        trim(account, now);
      } else {
        sweepIfDue(now);
      }
    }
    String prefix = account + "|";
    limiters.forEach((key, limiter) -> {
      if (key.startsWith(prefix)) {
        limiter.drainPermissions();
      }
    });
  }

  @Override
  public @Nullable Instant pausedUntil(String account) {
    long now = clock.millis();
    sweepIfDue(now);
    Long until = pausedUntil.get(account);
    if (until == null) {
      return null;
    }
    if (until <= now) {
      pausedUntil.remove(account, until);
      return null;
    }
    return Instant.ofEpochMilli(until);
  }

  /** Returns the number of pauses kept (for tests). */
  int pausedAccounts() {
    return pausedUntil.size();
  }

  /** Returns the number of limiters kept (for tests). */
  int limiters() {
    return limiters.size();
  }

  private void sweepIfDue(long now) {
    long due = nextSweep.get();
    if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_INTERVAL_MILLIS)) {
      sweep(now);
    }
  }

  /** Drops the pauses that ended (a pause extended meanwhile is kept: removal is conditional on its value). */
  private void sweep(long now) {
    pausedUntil.entrySet().removeIf(e -> e.getValue() <= now);
  }

  /** Brings the pauses back within the bound: first the ended ones, then those ending first, never {@code keep}. */
  private synchronized void trim(String keep, long now) {
    sweep(now);
    while (pausedUntil.size() > maxAccounts) {
      Map.Entry<String, Long> first = null;
      for (Map.Entry<String, Long> e : pausedUntil.entrySet()) {
        if (!e.getKey().equals(keep) && (first == null || e.getValue() < first.getValue())) {
          first = e;
        }
      }
      if (first == null) {
        return;
      }
      pausedUntil.remove(first.getKey(), first.getValue());
    }
  }
}
