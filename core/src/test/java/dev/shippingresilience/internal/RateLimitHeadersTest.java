package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.HeaderValues;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitHeadersTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private static Duration wait(String name, String value) {
    return RateLimitHeaders.retryAfter(HeaderValues.of(name, value), NOW);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2} ms")
  @CsvSource({
      "Retry-After, 120, 120000",
      "retry-after, 0, 0",
      "Retry-After, 1.5, 1500",
      "Retry-After, 'Sun, 22 Nov 2026 10:00:30 GMT', 30000",
      "Retry-After, 'Sunday, 22-Nov-26 10:00:45 GMT', 45000",
      "Retry-After, 'Sun Nov 22 10:01:00 2026', 60000",
      "X-RateLimit-Reset, 1795341607000, 7000",
      "x-ratelimit-reset, 1795341612, 12000",
      "RateLimit-Reset, 20, 20000",
      "ratelimit-reset, 2.5, 2500"})
  void readsEveryFormByMagnitude(String name, String value, long millis) {
    assertThat(NOW.toEpochMilli()).isEqualTo(1795341600000L);
    assertThat(wait(name, value)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void aResetInThePastGivesNoHint() {
    assertThat(wait("X-RateLimit-Reset", Long.toString(NOW.minusSeconds(5).toEpochMilli()))).isNull();
    assertThat(wait("Retry-After", "Sun, 22 Nov 2026 09:00:00 GMT")).isNull();
  }

  @Test
  void anAbsurdlyDistantResetIsClampedToTheLongestHint() {
    assertThat(wait("Retry-After", "999999999999")).isEqualTo(RateLimitHeaders.MAX_HINT);
    assertThat(wait("X-RateLimit-Reset", "99999999999999")).isEqualTo(RateLimitHeaders.MAX_HINT);
  }

  @Test
  void garbageGivesNoHint() {
    assertThat(wait("Retry-After", "soon")).isNull();
    assertThat(wait("X-RateLimit-Reset", "-5")).isNull();
    assertThat(wait("X-RateLimit-Reset", "NaN")).isNull();
    assertThat(RateLimitHeaders.retryAfter(HeaderValues.empty(), NOW)).isNull();
  }

  @Test
  void retryAfterWinsOverTheResetHeader() {
    HeaderValues both = HeaderValues.of("Retry-After", "3", "X-RateLimit-Reset", "60");
    assertThat(RateLimitHeaders.retryAfter(both, NOW)).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void remainingZeroIsExhausted() {
    assertThat(RateLimitHeaders.remainingExhausted(HeaderValues.of("X-RateLimit-Remaining", "0"))).isTrue();
    assertThat(RateLimitHeaders.remainingExhausted(HeaderValues.of("ratelimit-remaining", "3"))).isFalse();
    assertThat(RateLimitHeaders.remainingExhausted(HeaderValues.of("X-RateLimit-Remaining", "x"))).isFalse();
  }

  @Test
  void retryAfterOfTwoDaysIsNotCutToOneDay() {
    Duration twoDays = Duration.ofDays(2);
    assertThat(wait("Retry-After", "172800")).isEqualTo(twoDays);
    assertThat(wait("Retry-After", "Tue, 24 Nov 2026 10:00:00 GMT")).isEqualTo(twoDays);
    assertThat(wait("X-RateLimit-Reset", Long.toString(NOW.plus(twoDays).getEpochSecond()))).isEqualTo(twoDays);
    assertThat(wait("X-RateLimit-Reset", Long.toString(NOW.plus(twoDays).toEpochMilli()))).isEqualTo(twoDays);
    assertThat(RateLimitHeaders.MAX_HINT).isGreaterThanOrEqualTo(Duration.ofDays(365));
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
      "Retry-After, 9e18, max",
      "Retry-After, 9223372036854775807, max",
      "Retry-After, 99999999999999999999999, max",
      "Retry-After, 1e400, max",
      "Retry-After, 'Fri, 31 Dec 9999 23:59:59 GMT', max",
      "Retry-After, -1, none",
      "Retry-After, NaN, none",
      "Retry-After, Infinity, none",
      "Retry-After, -Infinity, none",
      "Retry-After, 0x1p3, none",
      "Retry-After, 1d, none",
      "X-RateLimit-Reset, 9e18, max",
      "X-RateLimit-Reset, 9223372036854775807, max",
      "X-RateLimit-Reset, 1e400, max",
      "X-RateLimit-Reset, 0x1p3, none",
      "X-RateLimit-Reset, -1, none",
      "X-RateLimit-Reset, -9e18, none",
      "X-RateLimit-Reset, NaN, none",
      "X-RateLimit-Reset, Infinity, none",
      "X-RateLimit-Reset, 'Fri, 31 Dec 9999 23:59:59 GMT', max"})
  void hugeOrOddValuesNeverThrow(String name, String value, String expected) {
    // when
    Duration d = wait(name, value);
    // then: the longest hint, or no hint, and both survive the engine's arithmetic
    assertThat(d).isEqualTo(expected.equals("max") ? RateLimitHeaders.MAX_HINT : null);
    if (d != null) {
      assertThat(d.toNanos()).isPositive();
      assertThat(NOW.plus(d).plus(d).plus(d)).isAfter(NOW);
    }
  }

  @Test
  void anAnsweredWindowIsReadFromEitherFamilyOfNames() {
    var window = RateLimitHeaders.announcedWindow(HeaderValues.of("x-ratelimit-limit", "10",
        "X-RateLimit-Remaining", " 3 ", "X-RateLimit-Reset", Long.toString(NOW.plusSeconds(2).toEpochMilli())), NOW);
    assertThat(window).isNotNull();
    assertThat(window.limit()).isEqualTo(10);
    assertThat(window.remaining()).isEqualTo(3);
    assertThat(window.reset()).isEqualTo(NOW.plusSeconds(2));
    var ietf = RateLimitHeaders.announcedWindow(HeaderValues.of("RateLimit-Remaining", "0", "RateLimit-Reset", "5"),
        NOW);
    assertThat(ietf).isNotNull();
    assertThat(ietf.limit()).as("no limit announced").isZero();
    assertThat(ietf.reset()).isEqualTo(NOW.plusSeconds(5));
  }

  @ParameterizedTest(name = "limit {0}, remaining {1}, reset {2}")
  @CsvSource({
      "10, -1, 5", "10, 99999999999, 5", "10, abc, 5", "10, 3.5, 5", "10, 0x10, 5", "10, '', 5",
      "-5, 3, 5", "abc, 3, 5", "2, 3, 5", "99999999999, 3, 5",
      "10, 3, -1", "10, 3, abc", "10, 3, 0", "10, 3, 1e400", "10, 3, 9e18", "10, 3, 31536000"})
  void absurdWindowHeadersAnnounceNothing(String limit, String remaining, String reset) {
    assertThat(RateLimitHeaders.announcedWindow(HeaderValues.of("X-RateLimit-Limit", limit,
        "X-RateLimit-Remaining", remaining, "X-RateLimit-Reset", reset), NOW)).isNull();
  }

  @Test
  void noRemainingHeaderAnnouncesNothing() {
    assertThat(RateLimitHeaders.announcedWindow(HeaderValues.of("X-RateLimit-Limit", "10", "X-RateLimit-Reset",
        "5", "Retry-After", "3"), NOW)).isNull();
    assertThat(RateLimitHeaders.announcedWindow(HeaderValues.empty(), NOW)).isNull();
  }

  @Test
  void aNegativeOrHugeRemainingCountIsNotAnExhaustedWindow() {
    assertThat(RateLimitHeaders.remainingExhausted(HeaderValues.of("X-RateLimit-Remaining", "-1"))).isFalse();
    assertThat(RateLimitHeaders.remainingExhausted(HeaderValues.of("X-RateLimit-Remaining", "-99999999999999999999")))
        .isFalse();
    assertThat(RateLimitHeaders.remainingExhausted(HeaderValues.of("RateLimit-Remaining", " 0 "))).isTrue();
  }

  @Test
  void aResetAnnouncedWithRequestsLeftIsNoWait() {
    // AfterShip sends its window on every answer: a poll answered "creating" with 40 requests left must not wait
    String reset = Long.toString(NOW.plusMillis(900).toEpochMilli());
    assertThat(RateLimitHeaders.retryAfter(HeaderValues.of("X-RateLimit-Remaining", "40", "X-RateLimit-Reset", reset),
        NOW)).isNull();
    assertThat(RateLimitHeaders.retryAfter(HeaderValues.of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset),
        NOW)).isEqualTo(Duration.ofMillis(900));
    assertThat(RateLimitHeaders.retryAfter(HeaderValues.of("X-RateLimit-Remaining", "40", "Retry-After", "2"), NOW))
        .as("Retry-After still asks for its wait").isEqualTo(Duration.ofSeconds(2));
  }
}
