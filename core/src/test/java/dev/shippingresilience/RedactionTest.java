package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
