package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
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

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "key=S3CRET&waybill=1                  | key=***&waybill=1",
      "KEY=S3CRET                            | KEY=***",
      "form a=1;key=S3CRET                   | form a=1;key=***",
      "list a=1,token=S3CRET                 | list a=1,token=***",
      "sent with\tapikey=S3CRET today       | sent with\tapikey=*** today",
      "quoted 'key=S3CRET' and \"Api_Key=S3CRET\" | quoted 'key=***' and \"Api_Key=***\"",
      "config.client_secret=S3CRET           | config.client_secret=***",
      "refresh_token=S3CRET                  | refresh_token=***",
      "curl -H 'x-api-key: S3CRET' https://x/    | curl -H 'x-api-key: ***' https://x/",
      "curl -H \"Authorization: Bearer S3CRET\" https://x/ | curl -H \"Authorization: ***\" https://x/",
      "sent headers 17token: S3CRET            | sent headers 17token: ***",
      "  AS-API-KEY:S3CRET                       |   AS-API-KEY:***",
      "x-auth-token: S3CRET                     | x-auth-token: ***",
      "sent Bearer eyJhbGciOi.J9x-y_z= to the API | sent Bearer *** to the API",
  })
  void queryFormAndHeaderSecretsAreMaskedAnywhereInText(String text, String masked) {
    assertThat(redaction.text(text)).isEqualTo(masked);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "{\"apiKey\": \"S3CRET\"}          | {\"apiKey\": \"***\"}",
      "{\"Key\":\"S3CRET\"}              | {\"Key\":\"***\"}",
      "{\"client_secret\":\"S3CRET\"}    | {\"client_secret\":\"***\"}",
      "{\"api_key\" : \"S3CRET\"}        | {\"api_key\" : \"***\"}",
      "{\"ACCESS_TOKEN\":\"S3CRET\"}     | {\"ACCESS_TOKEN\":\"***\"}",
      "{\"Secret\": 12345678}              | {\"Secret\": \"***\"}",
      "{\"password\":\"S3\\\"CRET\"}  | {\"password\":\"***\"}",
      "{\"Token\":\"S3CRET\"}            | {\"Token\":\"***\"}",
      "{\"Authorization\":\"Bearer S3CRET\"} | {\"Authorization\":\"***\"}",
  })
  void secretJsonFieldsAreMaskedInAnyCase(String json, String masked) {
    assertThat(redaction.json(json)).isEqualTo(masked);
    assertThat(redaction.text(json)).isEqualTo(masked);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "monkey=banana&keyboard=qwerty",
      "idempotency_key=abc",
      "keyboard: qwerty",
      "{\"waybill\":\"W1\",\"keys\":2,\"tokenizer\":\"t\"}",
      "provider clickpost: RETRY (http 429, code 4172) rate limited",
      "Content-Type: application/json",
  })
  void textWithoutSecretsIsUnchanged(String text) {
    assertThat(redaction.text(text)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "keykeykeykey            | keykeykeykey",
      "akey                    | akey",
      "\"key\"                 | \"key\"",
      "\"apiKey\"   ,          | \"apiKey\"   ,",
      "x-api-key               | x-api-key",
      "a.b+c://x               | a.b+c://x",
      "a://b@                  | a://***@",
      "my.password.            | my.password.",
      "key=1&                  | key=***&",
      "-H 'authorization       | -H 'authorization",
      "'x-api-key: 1           | 'x-api-key: ***",
      "xBearer                 | xBearer",
      "secret-token-           | secret-token-",
  })
  void megabyteOfNearMatchesIsRedactedInLinearTime(String unit, String maskedUnit) {
    // given: 1 MB of text that almost matches a rule everywhere (a backtracking rule would not finish)
    int times = 1_000_000 / unit.length() + 1;
    // when
    String masked = redaction.text(unit.repeat(times));
    // then
    assertThat(masked).isEqualTo(maskedUnit.repeat(times));
  }

  @ParameterizedTest(name = "''{0}'' max {1} -> {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "4172             | 40 | true",
      "-18019909        | 40 | true",
      "RATE_LIMIT.v2:x  | 40 | true",
      "a-b              | 3  | true",
      "a-bc             | 3  | false",
      "``               | 40 | false",
      "two words        | 40 | false",
      "`tab\there`      | 40 | false",
      "`line\nbreak`    | 40 | false",
      "quote\"d         | 40 | false",
      "<script>         | 40 | false",
      "k=v              | 40 | false",
      "caf\u00e9        | 40 | false",
      "a/b              | 40 | false",
  })
  void showableTokensAreShortAndPlain(String value, int max, boolean showable) {
    assertThat(Redaction.isShowableToken(value, max)).isEqualTo(showable);
  }

  @Test
  void showableTokenRejectsNullAndNonPositiveLimits() {
    assertThat(Redaction.isShowableToken(null, 10)).isFalse();
    assertThatThrownBy(() -> Redaction.isShowableToken("a", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid maxLength (0): must be >= 1");
  }

  @Test
  void bodyValueQuotingARequestSecretIsRecognised() {
    // given: Clickpost's key in the query, AfterShip's key and a custom header the profile declares secret
    RequestSnapshot request = RequestSnapshot.of("POST",
        URI.create("https://x.example/api?username=acme-corp&key=K1234567&waybill=W1&key2=%41BCDEFGH"),
        HeaderValues.of("as-api-key", "asat_0123456789", "x-carrier-secret-id", "carrier-s3cret",
            "Content-Type", "application/json", "x-short", "abc"),
        null);
    Redaction redaction = Redaction.defaults().with(List.of("key2"), List.of("X-Carrier-Secret-Id", "x-short"),
        List.of());
    // then: the value itself, or a value that quotes it, of a default or declared secret
    assertThat(redaction.containsSecretOf(request, "invalid key K1234567")).isTrue();
    assertThat(redaction.containsSecretOf(request, "acme-corp")).isTrue();
    assertThat(redaction.containsSecretOf(request, "ERR_asat_0123456789")).isTrue();
    assertThat(redaction.containsSecretOf(request, "carrier-s3cret")).isTrue();
    assertThat(redaction.containsSecretOf(request, "ABCDEFGH")).as("decoded query value").isTrue();
    assertThat(redaction.containsSecretOf(request, "%41BCDEFGH")).as("raw query value").isTrue();
    // and not: values that are not secret, and secrets too short to tell from ordinary words
    assertThat(redaction.containsSecretOf(request, "W1")).isFalse();
    assertThat(redaction.containsSecretOf(request, "application/json")).isFalse();
    assertThat(redaction.containsSecretOf(request, "abc")).isFalse();
    assertThat(redaction.containsSecretOf(request, "K12345")).as("a part of a secret").isFalse();
  }

  @Test
  void requestWithoutSecretsContainsNone() {
    RequestSnapshot request = RequestSnapshot.of("GET", "https://x.example/track?waybill=W123456789");
    assertThat(Redaction.defaults().containsSecretOf(request, "W123456789")).isFalse();
  }
}
