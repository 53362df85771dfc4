package dev.shippingresilience.internal;

import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.spi.AnnouncedWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the wait a response asks for from {@code Retry-After} and the rate-limit reset headers, and the window a
 * response announces ({@link #announcedWindow}).
 *
 * <ul>
 *   <li>{@code Retry-After}: delta-seconds or an HTTP-date (RFC 9110 §10.2.3; IMF-fixdate, RFC 850 and asctime).
 *   <li>{@code X-RateLimit-Reset} / {@code RateLimit-Reset} (any case), read by magnitude: above 10^12 epoch
 *       milliseconds (AfterShip's SDKs), above 10^9 epoch seconds (AfterShip's docs), else delta-seconds (IETF); no
 *       hint when {@code X-RateLimit-Remaining} / {@code RateLimit-Remaining} says requests are left (the window's
 *       end is then no wait: AfterShip sends these headers on every answer).
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
  private static final String[] LIMIT_HEADERS = {"X-RateLimit-Limit", "RateLimit-Limit"};
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
    String reset = headers.first(RESET_HEADERS[0], RESET_HEADERS[1]);
    if (reset == null) {
      return null;
    }
    // A window that still has requests left announces when it ends, not a wait: AfterShip sends the headers on
    // every answer, and a poll or a retry must not wait for the end of a window it may still use.
    String remaining = headers.first(REMAINING_HEADERS[0], REMAINING_HEADERS[1]);
    if (remaining != null && count(remaining) > 0) {
      return null;
    }
    return parseReset(reset.strip(), now);
  }

  /**
   * Returns the window the answer announces, or {@code null} when it announces none: no
   * {@code X-RateLimit-Remaining} / {@code RateLimit-Remaining} (then one header lookup is all it costs, with no
   * allocation), no readable reset ahead, or counts that are not plain decimal integers up to
   * {@link LearnedWindow#MAX_COUNT} (negative, huge, garbage) or say more remain than the limit allows. The reset is
   * read as {@link #retryAfter} reads it (epoch milliseconds, epoch seconds or delta-seconds by magnitude, or an
   * HTTP-date); a reset beyond {@link LearnedWindow#MAX_WINDOW_MILLIS} is ignored, not clamped. The limit may be
   * absent ({@code 0}).
   *
   * @param headers the response headers
   * @param now the current time
   */
  public static @Nullable AnnouncedWindow announcedWindow(HeaderValues headers, Instant now) {
    String remainingValue = headers.first(REMAINING_HEADERS[0], REMAINING_HEADERS[1]);
    return remainingValue == null ? null : announcedWindow(headers, remainingValue, now);
  }

  /**
   * As {@link #announcedWindow(HeaderValues, Instant)}, reading the clock only when the answer has a remaining
   * count, so an answer without one costs one header lookup and no allocation.
   *
   * @param headers the response headers
   * @param clock the clock to read now from
   */
  public static @Nullable AnnouncedWindow announcedWindow(HeaderValues headers, Clock clock) {
    String remainingValue = headers.first(REMAINING_HEADERS[0], REMAINING_HEADERS[1]);
    return remainingValue == null ? null : announcedWindow(headers, remainingValue, clock.instant());
  }

  private static @Nullable AnnouncedWindow announcedWindow(HeaderValues headers, String remainingValue,
      Instant now) {
    long remaining = count(remainingValue);
    String resetValue = headers.first(RESET_HEADERS[0], RESET_HEADERS[1]);
    if (remaining < 0 || resetValue == null) {
      return null;
    }
    Duration toReset = parseReset(resetValue.strip(), now);
    if (toReset == null || toReset.isZero() || toReset.toMillis() > LearnedWindow.MAX_WINDOW_MILLIS) {
      return null;
    }
    String limitValue = headers.first(LIMIT_HEADERS[0], LIMIT_HEADERS[1]);
    long limit = limitValue == null ? 0 : count(limitValue);
    if (limit < 0 || limit > 0 && remaining > limit) {
      return null;
    }
    return new AnnouncedWindow(limit, remaining, now.plus(toReset));
  }

  /** Returns a plain decimal count up to {@link LearnedWindow#MAX_COUNT}, else {@code -1}. */
  private static long count(String value) {
    String v = value.strip();
    if (v.isEmpty() || v.length() > 7) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n <= LearnedWindow.MAX_COUNT ? n : -1;
  }

  /**
   * Returns {@code true} when a {@code X-RateLimit-Remaining} / {@code RateLimit-Remaining} header says 0 (a
   * negative, huge or garbled count says nothing).
   */
  public static boolean remainingExhausted(HeaderValues headers) {
    String value = headers.first(REMAINING_HEADERS[0], REMAINING_HEADERS[1]);
    return value != null && count(value) == 0;
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
