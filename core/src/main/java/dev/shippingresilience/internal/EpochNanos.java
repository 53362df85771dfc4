package dev.shippingresilience.internal;

import java.time.Clock;
import java.time.Instant;

/**
 * Instants as nanoseconds since the epoch, so that hot paths subtract and compare times read from an injectable
 * {@link Clock} without making an {@code Instant} or a {@code Duration} for each.
 */
public final class EpochNanos {
  private static final long MAX_EPOCH_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

  private EpochNanos() {}

  /**
   * Returns {@code t} in nanoseconds since the epoch, saturated at the bounds of a {@code long} (the years 1677 and
   * 2262): a deadline beyond 2262 still compares as later than any time a call runs at.
   *
   * @param t the instant
   * @return its nanoseconds since the epoch
   */
  public static long of(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds >= MAX_EPOCH_SECONDS) {
      return Long.MAX_VALUE;
    }
    if (seconds <= -MAX_EPOCH_SECONDS) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000_000L + t.getNano();
  }

  /**
   * Returns now by {@code clock}, in nanoseconds since the epoch.
   *
   * @param clock the clock
   * @return {@link #of} its instant
   */
  public static long now(Clock clock) {
    return of(clock.instant());
  }
}
