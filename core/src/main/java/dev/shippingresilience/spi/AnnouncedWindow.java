package dev.shippingresilience.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A rate-limit window as a provider announces it on an answer ({@code X-RateLimit-Limit}, {@code -Remaining},
 * {@code -Reset}, or the IETF {@code RateLimit-*} names): {@code remaining} more requests are allowed until
 * {@code reset}.
 *
 * @param limit the requests allowed per window, {@code 0} when the answer does not say
 * @param remaining the requests left in this window, not negative
 * @param reset when the window ends
 */
public record AnnouncedWindow(long limit, long remaining, Instant reset) {
  /**
   * Validates the components.
   *
   * @param limit the requests allowed per window, {@code 0} when the answer does not say
   * @param remaining the requests left in this window, not negative
   * @param reset when the window ends
   */
  public AnnouncedWindow {
    Objects.requireNonNull(reset, "reset");
    if (limit < 0 || remaining < 0) {
      throw new IllegalArgumentException("Invalid announced window (limit " + limit + ", remaining " + remaining
          + "): must not be negative");
    }
  }
}
