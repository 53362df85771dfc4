package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseClassifierTest {
  private static final String CLICKPOST_CREATE = "https://www.clickpost.in/api/v3/create-order/?username=u&key=SECRETKEY";
  private static final String AFTERSHIP_LABELS = "https://api.aftership.com/postmen/v3/labels";
  private static final String TRACK17_REGISTER = "https://api.17track.net/track/v2.2/register";
  private static final String ABICART = "https://admin.abicart.se/backend/jsonrpc/v1/?auth=TOKEN123";

  private final ResponseClassifier classifier = ResponseClassifier.builder().clock(Fixtures.fixedClock()).build();

  private Classification classify(String method, String url, int status, HeaderValues headers, byte[] body) {
    return classifier.classify(RequestSnapshot.of(method, url),
        ResponseSnapshot.of(status, headers, body, false));
  }

  private Classification classify(String method, String url, int status, String body) {
    return classify(method, url, status, HeaderValues.empty(), body.getBytes(StandardCharsets.UTF_8));
  }

  private Classification fixture(String method, String url, String provider, String name) {
    return classify(method, url, 200, HeaderValues.empty(), Fixtures.body(provider, name));
  }

  @Nested
  class Clickpost {
    @Test
    void createOrderSuccessSucceeds() {
      Classification c = fixture("POST", CLICKPOST_CREATE, "clickpost", "create-order-success.json");
      assertThat(c.provider()).isEqualTo("clickpost");
      assertThat(c.operation()).isEqualTo("create-order");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.code()).isEqualTo("200");
      assertThat(c.scope()).isEqualTo("clickpost/carrier:1");
    }

    @Test
    void queuedCreateOrderPollsEvenThoughSuccessIsTrue() {
      Classification c = fixture("POST", CLICKPOST_CREATE, "clickpost", "create-order-queued.json");
      assertThat(c.decision()).isEqualTo(Decision.POLL);
      assertThat(c.code()).isEqualTo("202");
    }

    @Test
    void processingCreateOrderPollsWithMetaAfterResult() {
      Classification c = fixture("POST", CLICKPOST_CREATE, "clickpost", "create-order-processing.json");
      assertThat(c.decision()).isEqualTo(Decision.POLL);
      assertThat(c.code()).isEqualTo("102");
    }

    @Test
    void alreadyPlacedOrderIsADuplicateSuccessDespiteSuccessFalse() {
      Classification c = fixture("POST", CLICKPOST_CREATE, "clickpost", "create-order-already-placed.json");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.duplicate()).isTrue();
    }

    @Test
    void carrierConfigurationErrorFailsAndTheReasonHoldsNoCarrierText() {
      Classification c = fixture("POST", CLICKPOST_CREATE, "clickpost", "create-order-carrier-config-error.json");
      assertThat(c.decision()).isEqualTo(Decision.FAIL);
      assertThat(c.code()).isEqualTo("319");
      assertThat(c.reason()).doesNotContain("GURGOANTHEA");
    }

    @Test
    void carrierTimeoutText319OpensTheCarriersBreaker() {
      Classification c = classifier.classify(
          RequestSnapshot.of("POST", java.net.URI.create(CLICKPOST_CREATE), HeaderValues.empty(),
              "{\"courier_partner\": 5, \"reference_number\": \"R1\"}".getBytes(StandardCharsets.UTF_8)),
          ResponseSnapshot.of(200, HeaderValues.empty(),
              "{\"meta\":{\"status\":319,\"message\":\"Error In Order Placing To Courier Partner: Read timed out\"}}"));
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
      assertThat(c.scope()).isEqualTo("clickpost/carrier:5");
      assertThat(c.reason()).contains("override");
    }

    @Test
    void carrierOutageOpensOnlyThatCarriersScope() {
      Classification c = classifier.classify(
          RequestSnapshot.of("POST", java.net.URI.create(CLICKPOST_CREATE), HeaderValues.empty(),
              "{\"pickup_info\":{},\"courier_partner\":\"7\"}".getBytes(StandardCharsets.UTF_8)),
          ResponseSnapshot.of(200, HeaderValues.empty(), Fixtures.body("clickpost", "carrier-outage.json"), false));
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
      assertThat(c.scope()).isEqualTo("clickpost/carrier:7");
    }

    @Test
    void carrierOutageWithoutAKnownCarrierJoinsNoSharedBreaker() {
      // issue 11 item 7: every unidentified carrier used to share one "carrier:unknown" breaker
      Classification c = fixture("POST", CLICKPOST_CREATE, "clickpost", "carrier-outage.json");
      assertThat(c.scope()).isEqualTo("clickpost");
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.reason()).contains("the carrier is not named");
    }

    @Test
    void cancelAcceptedIsSuccessOnCancelButPollOnCreate() {
      String body = "{\"meta\":{\"status\":202,\"message\":\"Cancellation request received\",\"success\":true}}";
      Classification cancel = classify("GET",
          "https://www.clickpost.in/api/v1/cancel-order/?username=u&key=k&waybill=1&cp_id=3", 200, body);
      assertThat(cancel.operation()).isEqualTo("cancel-order");
      assertThat(cancel.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(cancel.scope()).isEqualTo("clickpost/carrier:3");
      assertThat(classify("POST", CLICKPOST_CREATE, 200, body).decision()).isEqualTo(Decision.POLL);
    }

    @Test
    void cancelOfAnAlreadyDeletedShipmentIsADuplicateSuccess() {
      Classification c = fixture("GET", "https://www.clickpost.in/api/v1/cancel-order/?waybill=1", "clickpost",
          "cancel-already-deleted.json");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.duplicate()).isTrue();
    }

    @Test
    void authFailureFails() {
      assertThat(fixture("POST", CLICKPOST_CREATE, "clickpost", "auth-failed.json").decision())
          .isEqualTo(Decision.FAIL);
    }

    @Test
    void legacyFlatEnvelopeIsRead() {
      Classification c = fixture("POST", "https://www.clickpost.in/api/v1/register-service/", "clickpost",
          "legacy-register-success.json");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.code()).isEqualTo("200");
    }

    @Test
    void waybillAlreadyRegisteredIsSuccessOnRegisterButConflictOnCreate() {
      String body = "{\"meta\":{\"status\":303,\"message\":\"waybill already registered\"}}";
      assertThat(classify("POST", "https://www.clickpost.in/api/v2/tracking/awb-register/", 200, body).decision())
          .isEqualTo(Decision.SUCCEED);
      assertThat(classify("POST", CLICKPOST_CREATE, 200, body).decision()).isEqualTo(Decision.FAIL);
    }

    @Test
    void http429WithoutEnvelopeRetriesAndProvesNotProcessed() {
      Classification c = classify("POST", CLICKPOST_CREATE, 429, "");
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.notProcessed()).isTrue();
      assertThat(c.retryAfter()).isNull();
    }

    @Test
    void http504HtmlPageBreaksTheProvider() {
      Classification c = classify("POST", CLICKPOST_CREATE, 504, "<html><body>504 Gateway Time-out</body></html>");
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
      assertThat(c.scope()).isEqualTo("clickpost");
      assertThat(c.reason()).contains("no readable code");
    }

    @Test
    void unknownCodeFailsAsUnrecognised() {
      Classification c = classify("POST", CLICKPOST_CREATE, 200, "{\"meta\":{\"status\":777}}");
      assertThat(c.decision()).isEqualTo(Decision.FAIL);
      assertThat(c.reason()).isEqualTo("unrecognised code 777");
    }

    @Test
    void reasonsNeverCarryTheApiKey() {
      Classification c = classify("POST", CLICKPOST_CREATE, 200, "{\"meta\":{\"status\":301}}");
      assertThat(c.reason()).doesNotContain("SECRETKEY");
      assertThat(c.summary()).doesNotContain("SECRETKEY");
    }
  }

  @Nested
  class AfterShipShipping {
    @Test
    void createdLabelSucceeds() {
      Classification c = fixture("POST", AFTERSHIP_LABELS, "aftership-shipping", "label-created.json");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.operation()).isEqualTo("create-label");
      assertThat(c.scope()).isEqualTo("aftership-shipping/carrier:dhl");
    }

    @Test
    void acceptedLabelPolls() {
      Classification c = fixture("POST", AFTERSHIP_LABELS, "aftership-shipping", "label-creating.json");
      assertThat(c.decision()).isEqualTo(Decision.POLL);
      assertThat(c.code()).isEqualTo("3001");
    }

    @Test
    void labelStillCreatingOnGetPollsAndFailedFails() {
      String url = AFTERSHIP_LABELS + "/a1b2c3d4";
      Classification creating = classify("GET", url, 200, "{\"meta\":{\"code\":200},\"data\":{\"status\":\"creating\"}}");
      Classification failed = classify("GET", url, 200, "{\"meta\":{\"code\":200},\"data\":{\"status\":\"failed\"}}");
      assertThat(creating.operation()).isEqualTo("get-label");
      assertThat(creating.decision()).isEqualTo(Decision.POLL);
      assertThat(failed.decision()).isEqualTo(Decision.FAIL);
    }

    @Test
    void validationErrorInHttp200Fails() {
      assertThat(fixture("POST", AFTERSHIP_LABELS, "aftership-shipping", "invalid-request.json").decision())
          .isEqualTo(Decision.FAIL);
    }

    @Test
    void rateLimitWaitsUntilTheResetInEpochMilliseconds() {
      long resetMs = Fixtures.NOW.plusSeconds(7).toEpochMilli();
      Classification c = classify("POST", AFTERSHIP_LABELS, 429,
          HeaderValues.of("x-ratelimit-reset", Long.toString(resetMs), "X-RateLimit-Remaining", "0"),
          Fixtures.body("aftership-shipping", "rate-limited.json"));
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(7));
      assertThat(c.notProcessed()).isTrue();
    }

    @Test
    void rateLimitWaitsUntilTheResetInEpochSeconds() {
      long resetS = Fixtures.NOW.getEpochSecond() + 12;
      Classification c = classify("POST", AFTERSHIP_LABELS, 429,
          HeaderValues.of("RateLimit-Reset", Long.toString(resetS)),
          Fixtures.body("aftership-shipping", "rate-limited.json"));
      assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void courierUnavailableBreaksThatCourierFromTheServiceType() {
      Classification c = classifier.classify(
          RequestSnapshot.of("POST", java.net.URI.create(AFTERSHIP_LABELS), HeaderValues.empty(),
              "{\"service_type\":\"fedex_ground\",\"shipper_account\":{\"id\":\"x\"}}"
                  .getBytes(StandardCharsets.UTF_8)),
          ResponseSnapshot.of(200, HeaderValues.empty(), Fixtures.body("aftership-shipping", "courier-unavailable.json"),
              false));
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
      assertThat(c.scope()).isEqualTo("aftership-shipping/carrier:fedex");
    }

    @Test
    void unknownCodeMarkedRetryableRetries() {
      Classification c = classify("POST", AFTERSHIP_LABELS, 200, "{\"meta\":{\"code\":4999,\"retryable\":true}}");
      assertThat(c.decision()).isEqualTo(Decision.RETRY);
      assertThat(c.reason()).contains("unrecognised code 4999").contains("retryable");
    }

    @Test
    void unknownCodeNotMarkedRetryableFails() {
      Classification c = classify("POST", AFTERSHIP_LABELS, 200, "{\"meta\":{\"code\":4999,\"retryable\":false}}");
      assertThat(c.decision()).isEqualTo(Decision.FAIL);
    }
  }

  @Nested
  class SeventeenTrack {
    @Test
    void mixedBatchSucceedsWithOneDecisionPerItem() {
      Classification c = fixture("POST", TRACK17_REGISTER, "17track", "register-mixed.json");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.operation()).isEqualTo("register");
      assertThat(c.items()).extracting(ItemClassification::id, ItemClassification::decision, ItemClassification::code)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("LZ123456789CN", Decision.SUCCEED, null),
              org.assertj.core.groups.Tuple.tuple("RR123456789CN", Decision.SUCCEED, "-18019901"),
              org.assertj.core.groups.Tuple.tuple("ABC", Decision.FAIL, "-18019903"));
    }

    @Test
    void onlyPendingItemsMakeTheCallPoll() {
      Classification c = fixture("POST", "https://api.17track.net/track/v2.2/gettrackinfo", "17track", "pending.json");
      assertThat(c.decision()).isEqualTo(Decision.POLL);
      assertThat(c.items()).singleElement().extracting(ItemClassification::code).isEqualTo("-18019909");
    }

    @Test
    void wholeRequestErrorFails() {
      Classification c = fixture("POST", TRACK17_REGISTER, "17track", "too-many-numbers.json");
      assertThat(c.decision()).isEqualTo(Decision.FAIL);
      assertThat(c.code()).isEqualTo("-18010014");
      assertThat(c.items()).isEmpty();
    }

    @Test
    void batchOfThreeDecisionsTalliesEachInDecisionOrder() {
      Classification c = classify("POST", "https://api.17track.net/track/v2.2/gettrackinfo", 200,
          "{\"code\":0,\"data\":{\"accepted\":[{\"number\":\"LZ123456789CN\"}],\"rejected\":["
              + "{\"number\":\"RR123456789CN\",\"error\":{\"code\":-18019909,\"message\":\"No tracking info\"}},"
              + "{\"number\":\"ABC\",\"error\":{\"code\":-18019903,\"message\":\"Carrier not detected\"}},"
              + "{\"number\":\"RR223456789CN\",\"error\":{\"code\":-18019909,\"message\":\"No tracking info\"}}]}}");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.reason()).isEqualTo("code 0: success; each tracking number is then judged from accepted and "
          + "rejected; batch of 4 items (1 SUCCEED, 2 POLL, 1 FAIL): SUCCEED because at least one item succeeded; "
          + "the caller handles the rest per item");
      String pending = "code -18019909: no tracking info yet while the carrier syncs; ask again later";
      assertThat(c.items()).isEqualTo(java.util.List.of(
          new ItemClassification("LZ123456789CN", Decision.SUCCEED, null, "accepted by 17TRACK", false),
          new ItemClassification("RR123456789CN", Decision.POLL, "-18019909", pending, false),
          new ItemClassification("ABC", Decision.FAIL, "-18019903",
              "code -18019903: carrier cannot be detected; pass a carrier code", false),
          new ItemClassification("RR223456789CN", Decision.POLL, "-18019909", pending, false)));
    }

    @Test
    void codeSentAsStringIsReadLikeANumber() {
      Classification c = classify("POST", TRACK17_REGISTER, 200, "{\"code\":\"-18010003\"}");
      assertThat(c.code()).isEqualTo("-18010003");
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
    }
  }

  @Nested
  class Abicart {
    @Test
    void resultMemberSucceeds() {
      Classification c = fixture("POST", ABICART, "abicart", "order-get-success.json");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.code()).isNull();
    }

    @Test
    void validationErrorFails() {
      assertThat(fixture("POST", ABICART, "abicart", "validation-error.json").decision()).isEqualTo(Decision.FAIL);
    }

    @Test
    void externalServerErrorBreaks() {
      Classification c = fixture("POST", ABICART, "abicart", "external-server-error.json");
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
      assertThat(c.code()).isEqualTo("9005");
    }

    @Test
    void serverErrorRangeBreaks() {
      Classification c = classify("POST", ABICART, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32050}}");
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
    }

    @Test
    void batchHasOneDecisionPerElement() {
      Classification c = fixture("POST", ABICART, "abicart", "batch-mixed.json");
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.items()).extracting(ItemClassification::id, ItemClassification::decision)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("1", Decision.SUCCEED),
              org.assertj.core.groups.Tuple.tuple("2", Decision.FAIL));
    }

    @Test
    void http200WithoutResultOrErrorIsNeverSuccess() {
      assertThat(classify("POST", ABICART, 200, "{\"jsonrpc\":\"2.0\",\"id\":1}").decision())
          .isEqualTo(Decision.FAIL);
    }
  }

  @Nested
  class MalformedBodies {
    @ParameterizedTest
    @ValueSource(strings = {"", "   \n", "<html><body>Bad gateway</body></html>", "{\"meta\":{\"sta",
        "{\"meta\": {\"status\": }}", "null", "[1,2", "\"just a string\"", "{{{{", "\u0000\u0001garbage"})
    void twoHundredWithoutTheSuccessSignalIsNeverSuccess(String body) {
      Classification c = classify("POST", CLICKPOST_CREATE, 200, body);
      assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
      assertThat(c.reason()).isNotBlank();
    }

    @Test
    void byteOrderMarkAndWhitespaceAreTolerated() {
      byte[] json = "  \n{\"meta\":{\"status\":323}}".getBytes(StandardCharsets.UTF_8);
      byte[] withBom = new byte[json.length + 3];
      withBom[0] = (byte) 0xEF;
      withBom[1] = (byte) 0xBB;
      withBom[2] = (byte) 0xBF;
      System.arraycopy(json, 0, withBom, 3, json.length);
      Classification c = classify("POST", CLICKPOST_CREATE, 200, HeaderValues.empty(), withBom);
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.duplicate()).isTrue();
    }

    @Test
    void metaAfterALargeResultIsFound() {
      StringBuilder big = new StringBuilder("{\"result\":{\"scans\":[");
      for (int i = 0; i < 1500; i++) {
        big.append(i == 0 ? "" : ",").append("{\"location\":\"Hub ").append(i).append("\",\"status\":\"x\"}");
      }
      big.append("]},\"meta\":{\"status\":102}}");
      assertThat(big.length()).isBetween(50_000, ResponseSnapshot.DEFAULT_PEEK_LIMIT);
      Classification c = classify("POST", CLICKPOST_CREATE, 200, big.toString());
      assertThat(c.decision()).isEqualTo(Decision.POLL);
    }

    @Test
    void codeBeyondThePeekLimitLetsTheStatusDecideAndSaysSo() {
      ResponseClassifier small = ResponseClassifier.builder().peekLimit(1024).build();
      StringBuilder big = new StringBuilder("{\"result\":{\"label\":\"");
      big.append("x".repeat(5000)).append("\"},\"meta\":{\"status\":200}}");
      Classification c = small.classify(RequestSnapshot.of("POST", CLICKPOST_CREATE),
          ResponseSnapshot.of(200, HeaderValues.empty(), big.toString().getBytes(StandardCharsets.UTF_8), false));
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.reason()).contains("peek limit");
    }

    @Test
    void deeplyNestedBodyDoesNotThrow() {
      String deep = "[".repeat(5000) + "]".repeat(5000);
      Classification c = classify("POST", CLICKPOST_CREATE, 200, deep);
      assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
    }

    @Test
    void nonPlainCodeIsNotEchoed() {
      Classification c = classify("POST", CLICKPOST_CREATE, 500,
          "{\"meta\":{\"status\":\"key=SECRETKEY and a long story about it\"}}");
      assertThat(c.code()).isNull();
      assertThat(c.reason()).doesNotContain("SECRETKEY");
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
    }
  }

  @Nested
  class GenericHttp {
    @Test
    void unknownHostUsesRfc9110Rules() {
      assertThat(classify("GET", "https://example.org/x", 200, "").decision()).isEqualTo(Decision.SUCCEED);
      assertThat(classify("GET", "https://example.org/x", 202, "").decision()).isEqualTo(Decision.POLL);
      assertThat(classify("GET", "https://example.org/x", 408, "").decision()).isEqualTo(Decision.RETRY);
      assertThat(classify("GET", "https://example.org/x", 429, "").decision()).isEqualTo(Decision.RETRY);
      assertThat(classify("GET", "https://example.org/x", 404, "").decision()).isEqualTo(Decision.FAIL);
      assertThat(classify("GET", "https://example.org/x", 503, "").decision()).isEqualTo(Decision.BREAK);
      assertThat(classify("GET", "https://example.org/x", 501, "").decision()).isEqualTo(Decision.FAIL);
      assertThat(classify("GET", "https://example.org/x", 503, "").provider()).isEqualTo("generic-http");
    }

    @Test
    void retryAfterAsHttpDateBecomesAWait() {
      Classification c = classify("GET", "https://example.org/x", 503,
          HeaderValues.of("Retry-After", "Sun, 22 Nov 2026 10:00:30 GMT"), new byte[0]);
      assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void userOverrideOfOneCodeWins() {
    ProviderProfile custom = ProviderProfiles.builtIn().require("clickpost")
        .withCode("777", Decision.RETRY, "our account manager says 777 is transient");
    ResponseClassifier c = ResponseClassifier.builder()
        .profiles(ProviderProfiles.builtIn().with(custom)).build();
    Classification result = c.classify(RequestSnapshot.of("POST", CLICKPOST_CREATE),
        ResponseSnapshot.of(200, HeaderValues.empty(), "{\"meta\":{\"status\":777}}"));
    assertThat(result.decision()).isEqualTo(Decision.RETRY);
    assertThat(result.reason()).contains("account manager");
  }
}
