package dev.shippingresilience.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A request rate: {@code permits} requests per {@code period}.
 *
 * @param permits requests allowed per period, at least 1
 * @param period the period, positive
 */
public record RateLimit(int permits, Duration period) {
  /**
   * Validates the components.
   *
   * @param permits requests allowed per period, at least 1
   * @param period the period, positive
   */
  public RateLimit {
    Objects.requireNonNull(period, "period");
    if (permits < 1) {
      throw new IllegalArgumentException("Invalid rateLimit permits (" + permits + "): must be >= 1");
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("Invalid rateLimit period (" + period + "): must be positive");
    }
  }

  @Override
  public String toString() {
    return permits + " per " + period;
  }
}
