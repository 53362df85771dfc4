package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResultHeadersTest {
  private static CallResult<String> resultWithCode(String code) {
    Classification c = new Classification("generic-http", "other", 400, code, Decision.FAIL, "r", null,
        "generic-http", false, false, List.of());
    return new CallResult<>("response", c, 1, 0, Duration.ZERO);
  }

  @Test
  void codeWithALineBreakCannotInjectAHeader() {
    // when
    String code = resultWithCode("4001\r\nSet-Cookie: x").resultHeaders().get(ResultHeaders.CODE);
    // then
    assertThat(code).doesNotContain("\r").doesNotContain("\n").isEqualTo("4001??Set-Cookie: x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b", "a\u0007b", "a\u007fb", "a\u0085b", "a\u2028b", "a\u00e9b", "a\tb"})
  void controlAndNonAsciiCharactersAreReplaced(String code) {
    assertThat(resultWithCode(code).resultHeaders().get(ResultHeaders.CODE)).isEqualTo("a?b");
  }

  @Test
  void longValuesAreCut() {
    String code = resultWithCode("9".repeat(10_000)).resultHeaders().get(ResultHeaders.CODE);
    assertThat(code).hasSize(ResultHeaders.MAX_VALUE_LENGTH).containsOnlyDigits();
  }

  @Test
  void valueIsTrimmedSoNoHeaderStartsOrEndsWithWhitespace() {
    assertThat(ResultHeaders.value("  4172 \r\n")).isEqualTo("4172");
    assertThat(ResultHeaders.value("4172 \n x")).isEqualTo("4172 ? x");
    assertThat(ResultHeaders.value(" \t ")).isEmpty();
  }

  @Test
  void everyResultHeaderGoesThroughTheSameSanitiser() {
    CallResult<String> result = resultWithCode("1\n2");
    assertThat(result.resultHeaders().values()).allSatisfy(v -> assertThat(v).isEqualTo(ResultHeaders.value(v)));
  }

  @Test
  void resultHeadersAreAnOrderedUnmodifiableMapEqualToAPlainOne() {
    CallResult<String> result = resultWithCode("4001");
    java.util.Map<String, String> headers = result.resultHeaders();
    java.util.Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put(ResultHeaders.DECISION, "FAIL");
    expected.put(ResultHeaders.DUPLICATE, "false");
    expected.put(ResultHeaders.ATTEMPTS, "1");
    expected.put(ResultHeaders.CODE, "4001");
    assertThat(headers).isEqualTo(expected).hasSameHashCodeAs(expected);
    assertThat(headers.keySet()).containsExactlyElementsOf(expected.keySet());
    List<String> visited = new java.util.ArrayList<>();
    headers.forEach((name, value) -> visited.add(name + "=" + value));
    assertThat(visited).containsExactly(ResultHeaders.DECISION + "=FAIL", ResultHeaders.DUPLICATE + "=false",
        ResultHeaders.ATTEMPTS + "=1", ResultHeaders.CODE + "=4001");
    assertThat(headers.get("X-Unknown")).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> headers.put("X-Other", "1"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void withoutACodeThereAreThreeHeadersAndLargeAttemptCountsAreWritten() {
    Classification c = new Classification("generic-http", "other", 503, null, Decision.BREAK, "r", null,
        "generic-http", false, false, List.of());
    java.util.Map<String, String> headers = new CallResult<>("response", c, 123, 0, Duration.ZERO).resultHeaders();
    assertThat(headers).hasSize(3).doesNotContainKey(ResultHeaders.CODE)
        .containsEntry(ResultHeaders.ATTEMPTS, "123").containsEntry(ResultHeaders.DECISION, "BREAK");
  }
}
