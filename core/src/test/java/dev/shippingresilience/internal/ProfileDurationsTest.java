package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.InvalidProfileException;
import dev.shippingresilience.internal.ProfileModel.Defaults;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Profile durations in ISO-8601 ({@code PT30S}) and in Spring Boot's simple form ({@code 30s}), so one duration
 * format works in profiles and in Spring properties (issue 15 item 6).
 */
class ProfileDurationsTest {
  private static final String SOURCE = "my-carrier.json";

  private static Defaults defaults(String members) {
    String json = "{\"id\":\"x\",\"name\":\"X\",\"defaults\":{" + members + "}}";
    return ProfileParser.parse(SOURCE, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))).defaults();
  }

  private static void assertRejected(String members, String field, String problem) {
    assertThatThrownBy(() -> defaults(members))
        .isInstanceOfSatisfying(InvalidProfileException.class, e -> {
          assertThat(e.source()).isEqualTo(SOURCE);
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.problem()).contains(problem);
        })
        .hasMessageStartingWith(SOURCE + ": field " + field + ": ");
  }

  @Nested
  class SimpleForm {
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(textBlock = """
        30s,     PT30S
        500ms,   PT0.5S
        3m,      PT3M
        1h,      PT1H
        2d,      P2D
        30S,     PT30S
        1500us,  PT0.0015S
        2000000ns, PT0.002S
        +5s,     PT5S
        """)
    void simpleDurationReadsLikeItsIsoTwin(String simple, String iso) {
      // given a rate-limit period, the field with the widest range (1 ms to 31 days)
      String members = "\"rateLimit\":{\"limitForPeriod\":1,\"period\":\"%s\"}";

      // when
      Duration read = defaults(members.formatted(simple)).rateLimit().period();

      // then
      assertThat(read).isEqualTo(Duration.parse(iso)).isEqualTo(defaults(members.formatted(iso)).rateLimit().period());
    }

    @Test
    void everyDurationFieldAcceptsTheSimpleForm() {
      Defaults d = defaults("\"initialBackoff\":\"500ms\",\"maxBackoff\":\"30s\",\"pollInterval\":\"5s\","
          + "\"maxPollDuration\":\"2m\",\"rateLimit\":{\"limitForPeriod\":10,\"period\":\"1s\"},"
          + "\"breaker\":{\"failureRateThreshold\":50,\"minimumNumberOfCalls\":5,\"slidingWindowSize\":20,"
          + "\"waitDurationInOpenState\":\"1d\"}");
      assertThat(d.initialBackoff()).isEqualTo(Duration.ofMillis(500));
      assertThat(d.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
      assertThat(d.pollInterval()).isEqualTo(Duration.ofSeconds(5));
      assertThat(d.maxPollDuration()).isEqualTo(Duration.ofMinutes(2));
      assertThat(d.rateLimit().period()).isEqualTo(Duration.ofSeconds(1));
      assertThat(d.breaker().waitDurationInOpenState()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void theBreakersRecoverySettingsAreReadWhenGivenAndNullWhenNot() {
      Defaults d = defaults("\"breaker\":{\"failureRateThreshold\":50,\"minimumNumberOfCalls\":5,"
          + "\"slidingWindowSize\":20,\"waitDurationInOpenState\":\"20s\",\"permittedNumberOfCallsInHalfOpenState\":3,"
          + "\"exponentialBackoffMultiplier\":1.5,\"exponentialMaxWaitDurationInOpenState\":\"80s\"}");
      assertThat(d.breaker().permittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
      assertThat(d.breaker().exponentialBackoffMultiplier()).isEqualTo(1.5);
      assertThat(d.breaker().exponentialMaxWaitDurationInOpenState()).isEqualTo(Duration.ofSeconds(80));
      Defaults without = defaults("\"breaker\":{\"failureRateThreshold\":50,\"minimumNumberOfCalls\":5,"
          + "\"slidingWindowSize\":20,\"waitDurationInOpenState\":\"20s\"}");
      assertThat(without.breaker().permittedNumberOfCallsInHalfOpenState()).isNull();
      assertThat(without.breaker().exponentialBackoffMultiplier()).isNull();
      assertThat(without.breaker().exponentialMaxWaitDurationInOpenState()).isNull();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        maxBackoff      | 1h    | true
        maxBackoff      | 61m   | false
        initialBackoff  | 1ms   | true
        initialBackoff  | 999us | false
        maxPollDuration | 1d    | true
        maxPollDuration | 25h   | false
        """)
    void simpleDurationsMeetTheSameLimits(String field, String value, boolean loads) {
      String members = "\"" + field + "\":\"" + value + "\"";
      Function<Defaults, Duration> read = field.equals("maxPollDuration") ? Defaults::maxPollDuration
          : field.equals("maxBackoff") ? Defaults::maxBackoff : Defaults::initialBackoff;
      if (loads) {
        assertThat(read.apply(defaults(members))).isPositive();
      } else {
        assertRejected(members, "defaults." + field, "must be from PT0.001S to ");
      }
    }
  }

  @Nested
  class AnythingElse {
    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
        5 seconds | expected an ISO-8601 duration like PT5S or a simple one like 5s, 500ms or 2m (a whole number and one of the units ns, us, ms, s, m, h, d), got '5 seconds'
        5sec      | expected an ISO-8601 duration like PT5S or a simple one like 5s
        1.5s      | expected an ISO-8601 duration like PT5S or a simple one like 5s
        5 s       | expected an ISO-8601 duration like PT5S or a simple one like 5s
        s         | expected an ISO-8601 duration like PT5S or a simple one like 5s
        PT        | expected an ISO-8601 duration like PT5S
        5x        | unknown unit 'x' in '5x': write e.g. 5ms or 5s (units ns, us, ms, s, m, h, d)
        5mn       | unknown unit 'mn' in '5mn'
        500       | '500' has no unit: write e.g. 500ms or 500s
        """)
    void malformedDurationIsRejectedNamingTheField(String value, String problem) {
      assertRejected("\"pollInterval\":\"" + value + "\"", "defaults.pollInterval", problem);
    }

    @Test
    void emptyDurationIsRejectedNamingTheField() {
      assertRejected("\"rateLimit\":{\"limitForPeriod\":1,\"period\":\"\"}", "defaults.rateLimit.period",
          "got ''");
    }

    @Test
    void jsonNumberIsRejectedWithAHintToWriteTheUnit() {
      assertRejected("\"initialBackoff\":500", "defaults.initialBackoff",
          "expected a duration string like \"5s\" or \"PT5S\", got number 500 (write the unit, e.g. \"500ms\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        9223372036854775807d  | must be from PT0.001S to PT744H, got 9223372036854775807d
        99999999999999999999s | must be from PT0.001S to PT744H, got 99999999999999999999s
        -5s                   | must be from PT0.001S to PT744H, got -5s
        0ms                   | must be from PT0.001S to PT744H, got 0ms
        """)
    void simpleDurationNearLongMaxOrNotPositiveIsRejectedAtLoad(String value, String problem) {
      assertRejected("\"rateLimit\":{\"limitForPeriod\":1,\"period\":\"" + value + "\"}",
          "defaults.rateLimit.period", problem);
    }
  }
}
