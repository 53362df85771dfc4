package dev.shippingresilience.internal;

import dev.shippingresilience.HeaderValues;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the wait a response asks for from {@code Retry-After} and the rate-limit reset headers.
 *
 * <ul>
 *   <li>{@code Retry-After}: delta-seconds or an HTTP-date (RFC 9110 §10.2.3; IMF-fixdate, RFC 850 and asctime).
 *   <li>{@code X-RateLimit-Reset} / {@code RateLimit-Reset} (any case), read by magnitude: above 10^12 epoch
 *       milliseconds (AfterShip's SDKs), above 10^9 epoch seconds (AfterShip's docs), else delta-seconds (IETF).
 *   <li>A time already past gives no hint ({@code null}): the limit has reset, and the engine's own backoff applies
 *       so a skewed clock cannot cause a burst of immediate retries.
 *   <li>A wait beyond {@link #MAX_HINT} (a mangled value, a clock decades off, {@code 9e18}, {@code 1e400}) is
 *       clamped to it, so no later arithmetic on it can overflow. {@code ShippingPolicy} accepts only a
 *       {@code maxRetryAfter} below it, so the engine finds a clamped wait too long and returns the response
 *       instead of retrying before the provider's time.
 *   <li>Anything else ({@code -1}, {@code NaN}, {@code Infinity}, hex or suffixed numbers) gives no hint.
 * </ul>
 */
public final class RateLimitHeaders {
  /**
   * The longest wait a header can ask for; longer values are clamped to it: 3650 days (about ten years). Far beyond
   * any wait worth honouring, yet small enough that any sum of a few of them, in nanoseconds or added to now,
   * stays in range.
   */
  public static final Duration MAX_HINT = Duration.ofDays(3650);

  private static final String[] RESET_HEADERS = {"X-RateLimit-Reset", "RateLimit-Reset"};
  private static final String[] REMAINING_HEADERS = {"X-RateLimit-Remaining", "RateLimit-Remaining"};
  private static final Pattern DECIMAL = Pattern.compile("[0-9]++(?:\\.[0-9]*+)?(?:[eE][+-]?[0-9]++)?");
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(java.time.ZoneOffset.UTC);

  private RateLimitHeaders() {}

  /**
   * Returns the wait the headers ask for, or {@code null} when none is named (or it is already past).
   *
   * @param headers the response headers
   * @param now the current time
   */
  public static @Nullable Duration retryAfter(HeaderValues headers, Instant now) {
    String retryAfter = headers.first("Retry-After");
    if (retryAfter != null) {
      Duration d = parseRetryAfter(retryAfter.strip(), now);
      if (d != null) {
        return d;
      }
    }
    for (String name : RESET_HEADERS) {
      String reset = headers.first(name);
      if (reset != null) {
        Duration d = parseReset(reset.strip(), now);
        if (d != null) {
          return d;
        }
      }
    }
    return null;
  }

  /** Returns {@code true} when a {@code X-RateLimit-Remaining} / {@code RateLimit-Remaining} header says 0. */
  public static boolean remainingExhausted(HeaderValues headers) {
    for (String name : REMAINING_HEADERS) {
      String value = headers.first(name);
      if (value != null) {
        try {
          return Long.parseLong(value.strip()) <= 0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }

  static @Nullable Duration parseRetryAfter(String value, Instant now) {
    if (value.isEmpty()) {
      return null;
    }
    if (Character.isDigit(value.charAt(0))) {
      // delta-seconds; a fraction or exponent is read too, but no sign, hex, suffix, NaN or Infinity
      if (!DECIMAL.matcher(value).matches()) {
        return null;
      }
      return seconds(Double.parseDouble(value));
    }
    Instant at = parseHttpDate(value);
    return at == null ? null : until(now, at);
  }

  static @Nullable Duration parseReset(String value, Instant now) {
    if (!DECIMAL.matcher(value).matches()) {
      Instant at = parseHttpDate(value);
      return at == null ? null : until(now, at);
    }
    // not negative, maybe infinite (1e400): an infinite epoch is as far as the clamp
    double number = Double.parseDouble(value);
    if (number > 1e12) {
      return until(now, Instant.ofEpochMilli((long) Math.min(number, 1e17)));
    }
    if (number > 1e9) {
      return until(now, Instant.ofEpochMilli((long) (number * 1000)));
    }
    return seconds(number);
  }

  /** Returns {@code seconds} (finite, not negative) as a duration, clamped to {@link #MAX_HINT}. */
  private static Duration seconds(double seconds) {
    if (!(seconds < MAX_HINT.toSeconds())) {
      return MAX_HINT;
    }
    return Duration.ofMillis((long) (seconds * 1000));
  }

  static @Nullable Instant parseHttpDate(String value) {
    try {
      return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      // try the obsolete formats RFC 9110 still asks recipients to accept
    }
    try {
      return ZonedDateTime.parse(value, RFC_850).toInstant();
    } catch (DateTimeParseException e) {
      // next
    }
    try {
      return ZonedDateTime.parse(value, ASCTIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static @Nullable Duration until(Instant now, Instant at) {
    Duration d = Duration.between(now, at);
    if (d.isNegative()) {
      return null;
    }
    return clamp(d);
  }

  private static Duration clamp(Duration d) {
    return d.compareTo(MAX_HINT) > 0 ? MAX_HINT : d;
  }
}
