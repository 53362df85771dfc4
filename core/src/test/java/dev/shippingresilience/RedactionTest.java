package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {
  private final Redaction redaction = Redaction.defaults();

  @Test
  void queryKeysOfEveryProviderAreMasked() {
    String url = "https://www.clickpost.in/api/v3/create-order/?username=acme&key=K123&waybill=1"
        + "&auth=T1&session=S1";
    assertThat(redaction.url(url)).isEqualTo("https://www.clickpost.in/api/v3/create-order/?username=***&key=***"
        + "&waybill=1&auth=***&session=***");
  }

  @Test
  void malformedUrlWithASpaceStillHidesTheWholeKey() {
    assertThat(redaction.url("https://x/?key=SEC RET&y=1")).isEqualTo("https://x/?key=***&y=1");
  }

  @Test
  void secretHeadersAreMaskedCaseInsensitively() {
    assertThat(redaction.headerValue("AS-API-KEY", "k")).isEqualTo(Redaction.MASK);
    assertThat(redaction.headerValue("17token", "k")).isEqualTo(Redaction.MASK);
    assertThat(redaction.headerValue("Authorization", "Bearer x")).isEqualTo(Redaction.MASK);
    assertThat(redaction.headerValue("as-signature-hmac-sha256", "x")).isEqualTo(Redaction.MASK);
    assertThat(redaction.headerValue("Content-Type", "application/json")).isEqualTo("application/json");
  }

  @Test
  void clickpostBodyKeyIsMasked() {
    assertThat(redaction.json("{\"waybill\":\"1\",\"key\": \"K123\",\"cp_id\":3}"))
        .isEqualTo("{\"waybill\":\"1\",\"key\": \"***\",\"cp_id\":3}");
  }

  @Test
  void freeTextMasksUrlsBodiesAndHeaderLines() {
    String text = "POST https://api.clickpost.in/x?key=K123 failed\n17token: T9\nbody {\"key\":\"K123\"}";
    String masked = redaction.text(text);
    assertThat(masked).doesNotContain("K123").doesNotContain("T9").contains("17token: ***");
  }

  @Test
  void profilesAddTheirOwnSecretNames() {
    Redaction more = redaction.with(java.util.List.of("token2"), java.util.List.of("x-carrier-key"),
        java.util.List.of("password2"));
    assertThat(more.url("https://x/?token2=abc")).isEqualTo("https://x/?token2=***");
    assertThat(more.isSecretHeader("X-Carrier-Key")).isTrue();
    assertThat(more.json("{\"password2\":\"p\"}")).isEqualTo("{\"password2\":\"***\"}");
  }

  @Test
  void requestSnapshotToStringIsRedacted() {
    assertThat(RequestSnapshot.of("GET", "https://x/?key=K123").toString()).isEqualTo("GET https://x/?key=***");
  }
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "redis://127.0.0.1:6379                 | redis://127.0.0.1:6379",
      "redis://:s3cret@redis.internal:6379/0  | redis://:***@redis.internal:6379/0",
      "redis://s3cret@redis.internal          | redis://***@redis.internal",
      "rediss://app:s3cret@redis.internal     | rediss://app:***@redis.internal",
      "redis://:p@ss@w0rd@redis.internal/1    | redis://:***@redis.internal/1",
      "redis://:s%40cret@redis.internal       | redis://:***@redis.internal",
      "redis-sentinel://:s3cret@h:26379#main  | redis-sentinel://:***@h:26379#main",
      "primary redis://u:one@a, replica rediss://two@b | primary redis://u:***@a, replica rediss://***@b",
      "RedisSharedLimits{the given Lettuce client}     | RedisSharedLimits{the given Lettuce client}",
  })
  void uriCredentialsKeepEverythingButThePassword(String text, String masked) {
    assertThat(Redaction.defaults().uriCredentials(text)).isEqualTo(masked);
    assertThat(Redaction.defaults().text(text)).isEqualTo(masked);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Illegal character in authority at index 8: redis://:pa ss@host | redis://:pa ss@host | pa ss",
      "Expected authority at index 8: redis://:s3cret@                 | redis://:s3cret@    | s3cret",
      "bad password s%40cret, decoded s@cret                           | redis://:s%40cret@h | s@cret",
  })
  void uriPasswordIsMaskedWhereverAMessageQuotesIt(String message, String uri, String password) {
    assertThat(Redaction.defaults().uriCredentials(message, uri)).doesNotContain(password).contains(Redaction.MASK);
  }
}
