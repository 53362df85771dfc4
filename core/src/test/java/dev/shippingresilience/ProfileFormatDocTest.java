package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The profiles docs/profile-format.md shows for issue 17's features load, and classify as the page says they do.
 */
class ProfileFormatDocTest {
  private static final String SECTION = "## Errors in arrays, other fields, resets in words, tokens, keys";

  /** Every profile (a JSON block with an id) of the section, by id. */
  private static Map<String, ProviderProfile> profiles() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "profile-format.md"), StandardCharsets.UTF_8);
    int start = doc.indexOf(SECTION);
    assertThat(start).as("docs/profile-format.md has the section " + SECTION).isNotNegative();
    int end = doc.indexOf("\n## ", start + SECTION.length());
    String section = doc.substring(start, end);
    Map<String, ProviderProfile> out = new LinkedHashMap<>();
    int at = 0;
    while ((at = section.indexOf("```json\n", at)) >= 0) {
      int close = section.indexOf("\n```", at);
      String json = section.substring(at + "```json\n".length(), close);
      ProviderProfile p = ProviderProfiles.parse("profile-format.md", new ByteArrayInputStream(
          json.getBytes(StandardCharsets.UTF_8)));
      out.put(p.id(), p);
      at = close;
    }
    return out;
  }

  private static Classification classify(ProviderProfile p, Clock clock, String path, int status, String body) {
    return ResponseClassifier.builder().profiles(ProviderProfiles.builtIn().with(p)).clock(clock).build()
        .classify(RequestSnapshot.of("POST", "https://" + p.hosts().get(0) + path),
            ResponseSnapshot.of(status, HeaderValues.empty(), body));
  }

  @Test
  void everyProfileOfTheSectionLoads() throws IOException {
    assertThat(profiles()).containsOnlyKeys("errors-in-arrays", "carrier-signals", "daily-quota", "bearer-tokens",
        "keyed-operations", "reconciled-labels", "counted-apart");
  }

  @Test
  void theCountedApartExampleGivesItsReadsOneBucket() throws IOException {
    ShippingPolicy policy = ShippingPolicy.builder(profiles().get("counted-apart")).build();
    assertThat(policy.rateLimitDescription()).isEqualTo("100 per PT1M; bucket reads: 1000 per PT1M");
  }

  @Test
  void theReconcileExampleBuildsTheLookupThePageShows() throws IOException {
    ProviderProfile p = profiles().get("reconciled-labels");
    var spec = p.compiled().operationNamed("create-label").reconcile();
    assertThat(spec).isNotNull();
    var lookup = new dev.shippingresilience.internal.Reconciliation(spec).lookup(
        java.net.URI.create("https://api.reconciled-labels.example/postmen/v3/labels"),
        "{\"order_number\":\"#1001 A\"}".getBytes(StandardCharsets.UTF_8), 65_536);
    assertThat(lookup.uri()).hasToString(
        "https://api.reconciled-labels.example/postmen/v3/labels?order_number=%231001%20A");
  }

  @Test
  void theMatchesExampleClassifiesAsThePageSays() throws IOException {
    ProviderProfile p = profiles().get("carrier-signals");
    Classification outage = classify(p, Fixtures.fixedClock(), "/v1/labels", 500, "{\"errors\":[{\"error_source\":"
        + "\"carrier\",\"error_type\":\"system\",\"error_code\":\"timeout\",\"carrier_id\":\"se-1\"}]}");
    assertThat(outage.decision()).isEqualTo(Decision.BREAK);
    assertThat(outage.scope()).isEqualTo("carrier-signals/carrier:se-1");
    assertThat(outage.reason()).isEqualTo("errors[0] code timeout with error_source = carrier and error_type = "
        + "system: the carrier's own system failed");
    Classification rates = classify(p, Fixtures.fixedClock(), "/v1/rates", 200,
        "{\"shipment_id\":\"s\",\"messages\":[{\"carrier\":\"UPS\",\"type\":\"rate_error\"}]}");
    assertThat(rates.decision()).isEqualTo(Decision.SUCCEED);
    assertThat(rates.items()).extracting(ItemClassification::id, ItemClassification::decision)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("UPS", Decision.BREAK));
  }

  @Test
  void theDailyQuotaExampleResetsAtMidnightGmt() throws IOException {
    Clock evening = Clock.fixed(Instant.parse("2026-11-22T22:30:00Z"), ZoneOffset.UTC);
    Classification c = classify(profiles().get("daily-quota"), evening, "/ship/v1/shipments", 429,
        "{\"errors\":[{\"code\":\"RATE.LIMIT.EXCEEDED\",\"message\":\"Daily transaction quota exceeded. Retry after"
            + " 12:00AM GMT\"}]}");
    assertThat(c.decision()).isEqualTo(Decision.RETRY);
    assertThat(c.notProcessed()).isTrue();
    assertThat(c.retryAfter()).isEqualTo(Duration.ofMinutes(90));
    assertThat(c.reason()).endsWith("the provider resets at 00:00 GMT, in PT1H30M");
  }

  @Test
  void theWorstElementExampleReadsAsThePageSays() throws IOException {
    Classification c = classify(profiles().get("errors-in-arrays"), Fixtures.fixedClock(), "/v1/labels", 400,
        "{\"errors\":[{\"error_code\":\"carrier_disconnected\",\"carrier_id\":\"se-1\"},"
            + "{\"error_code\":\"invalid_address\"}]}");
    assertThat(c.decision()).isEqualTo(Decision.FAIL);
    assertThat(c.reason()).isEqualTo("errors[1] code invalid_address: the address is invalid; the worst of 2 "
        + "(errors[0] BREAK, errors[1] FAIL)");
  }
}
