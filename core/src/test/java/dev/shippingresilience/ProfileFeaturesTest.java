package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's profile features through {@link ResponseClassifier}, with a made-up profile that uses each of them
 * ({@code src/test/resources/profiles/feature-carrier.json}). Every body is classified twice: as written, which the
 * byte reader reads, and with a member name spelled with an escape, which sends it to the Jackson reader; both
 * readings must give the same classification.
 */
class ProfileFeaturesTest {
  static final String HOST = "https://api.feature-carrier.example";
  static final String SHIPMENTS = HOST + "/v1/shipments";

  /** The profile under test. */
  static ProviderProfile profile() {
    try (InputStream in = ProfileFeaturesTest.class.getResourceAsStream("/profiles/feature-carrier.json")) {
      return ProviderProfiles.parse("feature-carrier.json", in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final ProviderProfile PROFILE = profile();

  private static ResponseClassifier classifier(Clock clock) {
    return ResponseClassifier.builder().profiles(ProviderProfiles.builtIn().with(PROFILE)).clock(clock).build();
  }

  private final ResponseClassifier classifier = classifier(Fixtures.fixedClock());

  /** Classifies on both readers, checks they agree, and returns the classification. */
  private Classification classify(String method, String url, int status, String body, String... headers) {
    Classification fast = classifier.classify(RequestSnapshot.of(method, url),
        ResponseSnapshot.of(status, HeaderValues.of(headers), body.getBytes(StandardCharsets.UTF_8), false));
    // a member name with an escape on the document level: the byte reader leaves such a body to Jackson
    String escaped = "{\"\\u0078\":0," + body.substring(1);
    Classification jackson = classifier.classify(RequestSnapshot.of(method, url),
        ResponseSnapshot.of(status, HeaderValues.of(headers), escaped.getBytes(StandardCharsets.UTF_8), false));
    assertThat(jackson).as("the Jackson reader's classification").isEqualTo(fast);
    return fast;
  }

  private static String error(String source, String type, String code) {
    return "{\"error_source\":\"" + source + "\",\"error_type\":\"" + type + "\",\"error_code\":\"" + code
        + "\",\"carrier_id\":\"se-123\",\"message\":\"m\"}";
  }

  private static String errors(String... elements) {
    return "{\"request_id\":\"r1\",\"errors\":[" + String.join(",", elements) + "]}";
  }

  @Nested
  class CodesInsideArrays {
    @Test
    void theWorstErrorDecidesAndTheReasonNamesIt() {
      // given a validation error beside a carrier outage: a repeat cannot succeed while the address is invalid
      String body = errors(error("carrier", "system", "carrier_disconnected"),
          error("shipengine", "validation", "invalid_address"));

      // when
      Classification c = classify("POST", SHIPMENTS, 400, body);

      // then
      assertThat(c.decision()).isEqualTo(Decision.FAIL);
      assertThat(c.code()).isEqualTo("invalid_address");
      assertThat(c.reason()).startsWith("errors[1] code invalid_address: the address is invalid")
          .contains("the worst of 2 (errors[0] BREAK, errors[1] FAIL)");
    }

    @Test
    void aMatchOnTheElementDecidesInsteadOfItsCodeWithTheCarrierItNames() {
      Classification c = classify("POST", SHIPMENTS, 500, errors(error("carrier", "system", "timeout")));
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
      assertThat(c.scope()).isEqualTo("feature-carrier/carrier:se-123");
      assertThat(c.reason()).isEqualTo("errors[0] code timeout with error_source = carrier and error_type = system: "
          + "the carrier's own system failed");
    }

    @Test
    void aCarrierBreakFromTheTableCountsAgainstTheCarrierItsElementNames() {
      Classification c = classify("POST", SHIPMENTS, 200, errors("{\"error_code\":\"timeout\",\"carrier_id\":\"a\"}",
          "{\"error_code\":\"carrier_disconnected\",\"carrier_id\":\"se-9\"}"));
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
      assertThat(c.scope()).isEqualTo("feature-carrier/carrier:se-9");
    }

    @Test
    void aNotConditionHoldsForAnotherValueAndForNoValueButNotForAListedOne() {
      // another code: the match decides
      Classification other = classify("POST", SHIPMENTS, 400, errors(error("x", "account", "timeout")));
      assertThat(other.decision()).isEqualTo(Decision.FAIL);
      assertThat(other.reason()).isEqualTo("errors[0] code timeout with error_type = account and error_code = timeout: "
          + "the account must be fixed first");
      // no code at all: absent is "not one of them"
      Classification absent = classify("POST", SHIPMENTS, 400,
          errors("{\"error_source\":\"x\",\"error_type\":\"account\",\"message\":\"m\"}"));
      assertThat(absent.decision()).isEqualTo(Decision.FAIL);
      assertThat(absent.reason()).startsWith("errors[0] with error_type = account and error_code absent: ");
      // a listed code: the match does not hold, the code's own rule decides
      Classification listed = classify("POST", SHIPMENTS, 400, errors(error("x", "account", "carrier_disconnected")));
      assertThat(listed.decision()).isEqualTo(Decision.BREAK);
      assertThat(listed.reason()).isEqualTo("errors[0] code carrier_disconnected: the carrier account is disconnected");
    }

    @Test
    void theSameCodeFromTheProviderItselfKeepsItsTableRule() {
      Classification c = classify("POST", SHIPMENTS, 500, errors(error("shipengine", "system", "timeout")));
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.reason()).isEqualTo("errors[0] code timeout: a timeout inside the provider");
    }

    @Test
    void elementsWithoutACodeAreNotHeardAndTheNextPointerIsTried() {
      Classification fedexShape = classify("POST", SHIPMENTS, 200,
          "{\"transactionId\":\"t\",\"errors\":[{\"code\":\"label_pending\",\"message\":\"wait\"}]}");
      assertThat(fedexShape.decision()).isEqualTo(Decision.POLL);
      assertThat(fedexShape.reason()).isEqualTo("errors[0] code label_pending: the label is still being made");
      Classification plain = classify("POST", SHIPMENTS, 200, "{\"errors\":[],\"error\":{\"code\":\"timeout\"}}");
      assertThat(plain.reason()).isEqualTo("code timeout: a timeout inside the provider");
    }

    @Test
    void anUnknownCodeInAnElementIsAnUnrecognisedCodeAndTheStatusDecidesAServerError() {
      assertThat(classify("POST", SHIPMENTS, 400, errors(error("x", "y", "E_NEW"))).reason())
          .isEqualTo("errors[0] unrecognised code E_NEW");
      Classification server = classify("POST", SHIPMENTS, 503, errors(error("x", "y", "E_NEW")));
      assertThat(server.decision()).isEqualTo(Decision.BREAK);
      assertThat(server.reason()).startsWith("errors[0] unrecognised code E_NEW with HTTP 503");
    }

    @Test
    void anElementCodeThatCannotBeACodeIsNoSuccess() {
      Classification c = classify("POST", SHIPMENTS, 200, "{\"errors\":[{\"error_code\":{\"v\":1}}]}");
      assertThat(c.decision()).isEqualTo(Decision.FAIL);
      assertThat(c.reason()).startsWith("errors[0]'s code at /error_code cannot be a code");
    }

    @Test
    void anElementNamingItsCodeTwiceIsAmbiguousNotASuccess() {
      // given the duplicate trick of issue 11 inside an element: first "already done", then "invalid"
      Classification c = classify("POST", SHIPMENTS, 200,
          "{\"errors\":[{\"error_code\":\"already_created\",\"error_code\":\"invalid_address\"}]}");
      assertThat(c.decision()).isEqualTo(Decision.FAIL);
      assertThat(c.reason()).contains("errors[0] names /error_code more than once with different values "
          + "(already_created, invalid_address): ambiguous");
    }

    @Test
    void onlyTheFirstTwentyElementsAreReadAndTheReasonSaysSo() {
      // given 20 pending labels, then a carrier outage the bound leaves unread
      List<String> elements = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        elements.add("{\"error_code\":\"label_pending\"}");
      }
      elements.add(error("carrier", "system", "timeout"));
      elements.add("{\"error_code\":\"invalid_address\"}");

      Classification c = classify("POST", SHIPMENTS, 200, errors(elements.toArray(String[]::new)));

      assertThat(c.decision()).isEqualTo(Decision.POLL);
      assertThat(c.reason()).contains("the worst of 20 (errors[0] POLL, errors[1] POLL")
          .contains(", and 14 more)")
          .endsWith("; only the first 20 of 22 elements of errors were read, the rest ignored");
    }

    @Test
    void aPlainPointerToTheFirstElementStillWorksWhereNoArrayIsReadByElement() {
      ProviderProfile first = ProviderProfiles.parse("first.json", new java.io.ByteArrayInputStream(
          ("{\"id\":\"first\",\"name\":\"F\",\"hosts\":[\"first.example\"],\"envelope\":{\"codePointers\":"
              + "[\"/errors/0/error_code\"]},\"codes\":{\"timeout\":{\"decision\":\"RETRY\",\"reason\":\"r\"}}}")
              .getBytes(StandardCharsets.UTF_8)));
      Classification c = ResponseClassifier.builder().profiles(ProviderProfiles.builtIn().with(first)).build()
          .classify(RequestSnapshot.of("GET", "https://first.example/x"), ResponseSnapshot.of(200,
              HeaderValues.empty(), errors("{\"error_code\":\"timeout\"}", "{\"error_code\":\"E\"}")));
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.reason()).isEqualTo("code timeout: r");
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
      errors-mixed.json         | 400 | FAIL    | feature-carrier                  | 0
      carrier-system-error.json | 500 | BREAK   | feature-carrier/carrier:se-123890 | 0
      rates-with-messages.json  | 200 | SUCCEED | feature-carrier                  | 1
      daily-quota.json          | 429 | RETRY   | feature-carrier                  | 0
      shipment-created.json     | 200 | SUCCEED | feature-carrier                  | 0
      """)
  void everyFixtureIsClassified(String fixture, int status, Decision decision, String scope, int signals) {
    String body = new String(Fixtures.body("feature-carrier", fixture), StandardCharsets.UTF_8);
    Classification c = classify("POST", SHIPMENTS, status, body);
    assertThat(c.decision()).isEqualTo(decision);
    assertThat(c.scope()).isEqualTo(scope);
    assertThat(c.items()).hasSize(signals);
  }

  @Nested
  class Hardening {
    @Test
    void aHugeArrayOfCodesIsReadUpToTheBoundInBoundedMemory() {
      // given 64 KiB of errors: the reader keeps 20 of them and only checks the rest
      StringBuilder body = new StringBuilder("{\"errors\":[");
      int n = 0;
      while (body.length() < 64 * 1024 - 40) {
        body.append(n++ == 0 ? "" : ",").append("{\"error_code\":\"timeout\"}");
      }
      body.append("]}");
      int elements = n;
      Classification[] c = new Classification[1];
      long bytes = dev.shippingresilience.testing.Allocations.bytesAllocatedBy(
          () -> c[0] = classify("POST", SHIPMENTS, 200, body.toString()));
      assertThat(c[0].decision()).isEqualTo(Decision.RETRY);
      assertThat(c[0].reason()).endsWith("only the first 20 of " + elements + " elements of errors were read, the "
          + "rest ignored");
      assertThat(bytes).isLessThan(4L << 20);
    }

    @Test
    void deepNestingInsideAnElementIsMalformedBeyondTheParsersLimitAndNeverSuccess() {
      String deep = "[".repeat(1500) + "]".repeat(1500);
      Classification c = classifier.classify(RequestSnapshot.of("POST", SHIPMENTS), ResponseSnapshot.of(200,
          HeaderValues.empty(), ("{\"shipment_id\":\"s\",\"errors\":[{\"x\":" + deep + "}]}")
              .getBytes(StandardCharsets.UTF_8), false));
      assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
    }

    @Test
    void anArrayOfCodesNamedTwiceIsAmbiguousNotASuccess() {
      // given the invalid address in a first errors array that a second, empty one would hide
      Classification c = classify("POST", SHIPMENTS, 200,
          "{\"errors\":[{\"error_code\":\"invalid_address\"}],\"errors\":[],\"shipment_id\":\"s\"}");
      assertThat(c.decision()).isEqualTo(Decision.FAIL);
      assertThat(c.reason()).contains("/errors more than once");
    }
  }

  /** The decisive part does not depend on where in the array it sits. */
  @Property(seed = "20261717")
  void worstDecisionWinsRegardlessOfElementOrder(@ForAll("codeLists") List<String> codes) {
    // given the codes in their order and reversed
    List<String> reversed = new ArrayList<>(codes);
    java.util.Collections.reverse(reversed);
    Decision expected = Decision.SUCCEED;
    int worst = -1;
    for (String code : codes) {
      Decision d = PROFILE_DECISIONS.get(code);
      if (severity(d) > worst) {
        worst = severity(d);
        expected = d;
      }
    }

    // when
    Classification forward = classify("POST", SHIPMENTS, 200, errors(elements(codes)));
    Classification backward = classify("POST", SHIPMENTS, 200, errors(elements(reversed)));

    // then
    assertThat(forward.decision()).isEqualTo(expected).isEqualTo(backward.decision());
    assertThat(PROFILE_DECISIONS.get(forward.code())).isEqualTo(expected);
  }

  private static final Map<String, Decision> PROFILE_DECISIONS = Map.of("invalid_address", Decision.FAIL,
      "carrier_disconnected", Decision.BREAK, "timeout", Decision.RETRY, "label_pending", Decision.POLL,
      "already_created", Decision.SUCCEED);

  /** FAIL over BREAK over RETRY over POLL over SUCCEED, as docs/profile-format.md states. */
  private static int severity(Decision d) {
    return List.of(Decision.SUCCEED, Decision.POLL, Decision.RETRY, Decision.BREAK, Decision.FAIL).indexOf(d);
  }

  private static String[] elements(List<String> codes) {
    return codes.stream().map(code -> "{\"error_code\":\"" + code + "\",\"carrier_id\":\"c1\"}")
        .toArray(String[]::new);
  }

  @Provide
  Arbitrary<List<String>> codeLists() {
    return Arbitraries.of(List.copyOf(PROFILE_DECISIONS.keySet())).list().ofMinSize(1).ofMaxSize(20);
  }

  @Nested
  class Matches {
    @Test
    void aCarrierRateErrorInsideASuccessIsASignalNotAFailure() {
      // given EasyPost's shape: a shipment with rates, and messages[] naming a carrier whose rating failed
      String body = "{\"shipment_id\":\"shp_1\",\"rates\":[{\"carrier\":\"USPS\"}],\"messages\":["
          + "{\"carrier\":\"UPS\",\"type\":\"rate_error\",\"message\":\"timed out\"},"
          + "{\"carrier\":\"FedEx\",\"type\":\"rate_notice\"}]}";

      Classification c = classify("POST", SHIPMENTS, 200, body);

      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.reason()).isEqualTo("the body carries the success member /shipment_id");
      assertThat(c.items()).containsExactly(new ItemClassification("UPS", Decision.BREAK, null,
          "messages[0] with type = rate_error: the carrier returned no rates", false));
    }

    @Test
    void aSignalElementNamingItsTypeTwiceIsReportedAsAmbiguous() {
      Classification c = classify("POST", SHIPMENTS, 200,
          "{\"shipment_id\":\"s\",\"messages\":[{\"carrier\":\"UPS\",\"type\":\"rate_error\",\"type\":\"ok\"}]}");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.items()).singleElement().satisfies(i -> {
        assertThat(i.decision()).isEqualTo(Decision.FAIL);
        assertThat(i.reason()).contains("ambiguous");
      });
    }

    @Test
    void aCarrierIdThatIsNoIdIsNoScope() {
      Classification c = classify("POST", SHIPMENTS, 500,
          "{\"errors\":[{\"error_source\":\"carrier\",\"error_type\":\"system\",\"carrier_id\":\"a b/c\"}]}");
      // the carrier cannot be named, so no carrier's breaker may count it
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.scope()).isEqualTo("feature-carrier");
    }
  }

  @Nested
  class PauseUntil {
    private static final String QUOTA = "{\"transactionId\":\"t\",\"errors\":[{\"code\":\"QUOTA\","
        + "\"message\":\"Daily transaction quota exceeded. Retry after 12:00AM GMT\"}]}";

    @Test
    void theDailyQuotaAnswerWaitsUntilTheNextMidnightGmt() {
      Instant evening = Instant.parse("2026-11-22T22:30:00Z");
      Classification c = classifier(Clock.fixed(evening, ZoneOffset.UTC)).classify(
          RequestSnapshot.of("POST", SHIPMENTS),
          ResponseSnapshot.of(429, HeaderValues.empty(), QUOTA.getBytes(StandardCharsets.UTF_8), false));
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.notProcessed()).isTrue();
      assertThat(c.retryAfter()).isEqualTo(Duration.ofMinutes(90));
      assertThat(c.scope()).isEqualTo("feature-carrier");
      assertThat(c.reason()).startsWith("errors[0] code QUOTA with a message matching the override pattern: the daily"
          + " quota is used up until midnight GMT").endsWith("; the provider resets at 00:00 GMT, in PT1H30M");
    }

    @Test
    void aLaterRetryAfterHeaderWins() {
      Classification c = classify("POST", SHIPMENTS, 429, QUOTA, "Retry-After", "86400");
      assertThat(c.retryAfter()).isEqualTo(Duration.ofDays(1));
      Classification shorter = classify("POST", SHIPMENTS, 429, QUOTA, "Retry-After", "5");
      assertThat(shorter.retryAfter()).isEqualTo(Duration.ofHours(14)); // NOW is 10:00 GMT
    }

    @Test
    void anOperationsOwnPauseHasTheOperationScope() {
      Classification c = classify("GET", HOST + "/v1/tracking/T1", 200, "{\"error\":{\"code\":\"QUOTA_DAY\"}}");
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.scope()).isEqualTo("feature-carrier/operation:track");
    }

    @Test
    void theQuotaCodeWithAnotherMessageDoesNotPause() {
      Classification c = classify("POST", SHIPMENTS, 429,
          "{\"errors\":[{\"code\":\"QUOTA\",\"message\":\"too many requests this second\"}]}");
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.retryAfter()).isNull();
    }
  }

  @Nested
  class Credentials {
    @Test
    void aStatusMarkedExpiredSaysSo() {
      Classification c = classify("POST", SHIPMENTS, 401, "{\"message\":\"Token has expired\"}");
      assertThat(c.decision()).isEqualTo(Decision.FAIL);
      assertThat(c.credentialsExpired()).isTrue();
      assertThat(c.reason()).isEqualTo("HTTP 401: the bearer token is no longer valid (tokens last 240 hours); the "
          + "credentials expired, so refreshed credentials may succeed");
    }

    @Test
    void aBadKeyWithoutTheMarkStaysAPlainFail() {
      Classification forbidden = classify("POST", SHIPMENTS, 403, "{\"message\":\"no\"}");
      assertThat(forbidden.credentialsExpired()).isFalse();
      Classification clickpost = ResponseClassifier.builder().build().classify(
          RequestSnapshot.of("POST", URI.create("https://www.clickpost.in/api/v3/create-order/"),
              HeaderValues.empty(), null), ResponseSnapshot.of(401, HeaderValues.empty(), ""));
      assertThat(clickpost.decision()).isEqualTo(Decision.FAIL);
      assertThat(clickpost.credentialsExpired()).isFalse();
    }
  }

  /** What the engine does with these answers, beyond the shared scenario table (EngineScenarios). */
  @Nested
  class Engine {
    private final dev.shippingresilience.testing.FakeClock clock =
        new dev.shippingresilience.testing.FakeClock(Fixtures.NOW);

    private ShippingPolicy.Builder policy() {
      return ShippingPolicy.builder(PROFILE).clock(clock).sleeper(new dev.shippingresilience.testing.FakeSleeper(clock))
          .random(new dev.shippingresilience.testing.FixedRandom())
          .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    private static RequestSnapshot post(String url, String body) {
      return RequestSnapshot.of("POST", URI.create(url), HeaderValues.of("Authorization", "Bearer OLD-SECRET"),
          body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutARefresherTheFailSaysTheCredentialsExpired() throws IOException {
      CallResult<String> r = policy().build().execute(post(SHIPMENTS, "{}"),
          new dev.shippingresilience.testing.ScriptedTransport().then(401, "{}"));
      assertThat(r.classification().decision()).isEqualTo(Decision.FAIL);
      assertThat(r.classification().credentialsExpired()).isTrue();
      assertThat(r.classification().reason()).contains("the credentials expired");
    }

    @Test
    void theRefresherIsToldTheRequestAndTheAnswer() throws IOException {
      List<String> seen = new ArrayList<>();
      ShippingPolicy p = policy().credentialsRefresher((failed, answer) -> {
        seen.add(failed.method() + " " + failed.uri().getPath() + " " + answer.httpStatus() + " "
            + answer.credentialsExpired());
        return Map.of("Authorization", "Bearer NEW");
      }).build();
      CallResult<String> r = p.execute(post(SHIPMENTS, "{}"), new dev.shippingresilience.testing.ScriptedTransport()
          .then(401, "{}").then(200, "{\"shipment_id\":\"s1\"}"));
      assertThat(r.succeeded()).isTrue();
      assertThat(seen).containsExactly("POST /v1/shipments 401 true");
    }

    @Test
    void aRefresherHeaderWithALineBreakIsRefusedWithoutShowingTheValue() {
      ShippingPolicy p = policy().throwOnFailure(true).credentialsRefresher((failed, answer) ->
          Map.of("Authorization", "Bearer NEW-SECRET\r\nX-Evil: 1")).build();
      dev.shippingresilience.testing.ScriptedTransport transport =
          new dev.shippingresilience.testing.ScriptedTransport().then(401, "{}");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.execute(post(SHIPMENTS, "{}"), transport))
          .isInstanceOf(ShippingCallException.class)
          .hasMessageContaining("the credentialsRefresher returned an invalid header ('Authorization'")
          .hasMessageNotContaining("NEW-SECRET");
      assertThat(transport.sends()).isEqualTo(1);
      assertThat(transport.leaked()).isZero();
    }

    @Test
    void aRefusedCallNamesTheOperationAndTheHeader() {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy().build().execute(
              post(HOST + "/v1/purchases", "{}"), new dev.shippingresilience.testing.ScriptedTransport()))
          .isInstanceOfSatisfying(ShippingCallException.class, e -> {
            assertThat(e.attempts()).isZero();
            assertThat(e.classification()).isNull();
          })
          .hasMessage("provider feature-carrier: refused before sending: operation purchase requires an "
              + "Idempotency-Key header, the request has none and the profile does not let the engine make one "
              + "(set CallOptions.idempotencyKey or the header)");
    }

    @Test
    void aRetryOfAPostWithoutItsBusinessKeySaysWhyItWasNotRepeated() throws IOException {
      ShippingPolicy p = policy().throwOnFailure(true).build();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.execute(post(SHIPMENTS, "{\"weight\":1}"),
              new dev.shippingresilience.testing.ScriptedTransport().then(503, "")))
          .hasMessageContaining("not repeated: the request is not safe to send again; it carries no "
              + "/external_reference_id, the operation's business key");
    }
  }
}
