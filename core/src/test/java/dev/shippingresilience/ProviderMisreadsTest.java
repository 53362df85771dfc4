package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real provider answers the built-in profiles used to misread (issue 11, item 7). Each test names the misread it
 * pins; the wire shapes and the sources behind each rule are in {@code docs/providers/<id>.md}.
 */
class ProviderMisreadsTest {
  private static final String ABICART = "https://admin.abicart.se/backend/jsonrpc/v1/?auth=TOKEN123";
  private static final String CLICKPOST_CANCEL =
      "https://www.clickpost.in/api/v1/cancel-order/?username=u&key=k&waybill=785578015860&cp_id=3";
  private static final String CLICKPOST_NDR_FEEDBACK =
      "https://www.clickpost.in/api/v1/ndr_user_feedback/?username=u&key=k&start_date=1509529561&end_date=1509533161";
  private static final String TRACK17_REALTIME = "https://api.17track.net/track/v2.4/getRealTimeTrackInfo";
  private static final String AFTERSHIP_LABELS = "https://api.aftership.com/postmen/v3/labels";

  private final ResponseClassifier classifier = ResponseClassifier.builder().clock(Fixtures.fixedClock()).build();

  private Classification classify(String method, String url, String requestBody, int status, byte[] body) {
    byte[] request = requestBody == null ? null : requestBody.getBytes(StandardCharsets.UTF_8);
    return classifier.classify(RequestSnapshot.of(method, URI.create(url), HeaderValues.empty(), request),
        ResponseSnapshot.of(status, HeaderValues.empty(), body, false));
  }

  private Classification classify(String method, String url, String requestBody, int status, String body) {
    return classify(method, url, requestBody, status, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The three facts every misread is about: what to do, whether an earlier attempt did it, which breaker. */
  private static void assertOutcome(Classification c, Decision decision, boolean duplicate, String scope) {
    assertThat(c.decision()).as("decision (%s)", c.reason()).isEqualTo(decision);
    assertThat(c.duplicate()).as("duplicate (%s)", c.reason()).isEqualTo(duplicate);
    assertThat(c.scope()).as("scope (%s)", c.reason()).isEqualTo(scope);
  }

  @Nested
  class Abicart {
    // needs lead: empty-body status rule
    @Test
    void notificationAnsweredWith204AndNoBodyIsASuccessNotABreak() {
      Classification c = classify("POST", ABICART,
          "{\"jsonrpc\":\"2.0\",\"method\":\"Session.setLanguage\",\"params\":[\"sv\"]}", 204, new byte[0]);

      assertThat(c.provider()).isEqualTo("abicart");
      assertOutcome(c, Decision.SUCCEED, false, "abicart");
      assertThat(c.reason()).contains("204");
    }

    @Test
    void emptyHttp200IsStillNotASuccessBecauseOnly204IsListed() {
      Classification c = classify("POST", ABICART,
          "{\"jsonrpc\":\"2.0\",\"method\":\"Order.get\",\"id\":1,\"params\":[\"1234\"]}", 200, new byte[0]);

      assertOutcome(c, Decision.BREAK, false, "abicart");
    }
  }

  @Nested
  class Clickpost {
    @Test
    void ndrFeedbackWithTheMetaNestedInMetaIsReadAsSuccess() {
      Classification c = classify("GET", CLICKPOST_NDR_FEEDBACK, null, 200,
          Fixtures.body("clickpost", "ndr-feedback-success.json"));

      assertThat(c.operation()).isEqualTo("ndr-feedback");
      assertThat(c.code()).isEqualTo("200");
      assertOutcome(c, Decision.SUCCEED, false, "clickpost");
    }

    @Test
    void ndrFeedbackErrorWithTheMetaNestedInMetaFailsOnItsOwnCode() {
      Classification c = classify("GET", CLICKPOST_NDR_FEEDBACK, null, 200,
          Fixtures.body("clickpost", "ndr-feedback-bad-request.json"));

      assertThat(c.code()).isEqualTo("400");
      assertOutcome(c, Decision.FAIL, false, "clickpost");
    }

    @Test
    void cancellationAnswered600WithSuccessIsAFreshSuccessNotADuplicate() {
      Classification c = classify("GET", CLICKPOST_CANCEL, null, 200,
          Fixtures.body("clickpost", "cancel-success.json"));

      assertThat(c.operation()).isEqualTo("cancel-order");
      assertThat(c.code()).isEqualTo("600");
      assertOutcome(c, Decision.SUCCEED, false, "clickpost/carrier:3");
    }

    @Test
    void cancellationAnswered600OrderAlreadyCancelledIsADuplicateSuccess() {
      Classification c = classify("GET", CLICKPOST_CANCEL, null, 200,
          Fixtures.body("clickpost", "cancel-already-cancelled.json"));

      assertThat(c.code()).isEqualTo("600");
      assertOutcome(c, Decision.SUCCEED, true, "clickpost/carrier:3");
      assertThat(c.reason()).contains("override");
    }

    @Test
    void v3CreateOrderCarrierOutageUsesTheCourierPartnerInsideShipmentDetails() {
      Classification c = classify("POST", "https://www.clickpost.in/api/v3/create-order/?username=u&key=k",
          "{\"pickup_info\":{},\"drop_info\":{},\"shipment_details\":{\"reference_number\":\"Order-1232\","
              + "\"courier_partner\":24}}",
          200, "{\"meta\":{\"status\":322,\"message\":\"Internal Server Error In Courier Partners Server\","
              + "\"success\":false}}");

      assertOutcome(c, Decision.BREAK, false, "clickpost/carrier:24");
    }
  }

  @Nested
  class SeventeenTrack {
    private static final String ONE_NUMBER = "[{\"number\":\"RR123456789CN\",\"carrier\":3011}]";

    @Test
    void realTimeCarrierTimeoutOpensThatCarriersBreakerInsteadOfFailing() {
      Classification c = classify("POST", TRACK17_REALTIME, ONE_NUMBER, 200,
          Fixtures.body("17track", "realtime-carrier-timeout.json"));

      assertThat(c.operation()).isEqualTo("getrealtimetrackinfo");
      assertOutcome(c, Decision.BREAK, false, "17track/carrier:3011");
      assertThat(c.items()).singleElement().satisfies(item -> {
        assertThat(item.code()).isEqualTo("-18019815");
        assertThat(item.decision()).isEqualTo(Decision.BREAK);
        assertThat(item.duplicate()).isFalse();
      });
    }

    @ParameterizedTest(name = "{0} -> {1} in {2}")
    @CsvSource({
        "-18010022, FAIL,  17track/carrier:3011",
        "-18019815, BREAK, 17track/carrier:3011",
        "-18019816, BREAK, 17track/carrier:3011",
        "-18019817, BREAK, 17track",
        "-18019818, FAIL,  17track/carrier:3011",
        "-18019912, FAIL,  17track/carrier:3011"
    })
    void codesMissingFromTheTableAreNoLongerUnrecognised(String code, Decision decision, String scope) {
      Classification c = classify("POST", TRACK17_REALTIME, ONE_NUMBER, 200,
          "{\"code\":" + code + ",\"data\":{\"errors\":[{\"code\":" + code + ",\"message\":\"m\"}]}}");

      assertThat(c.code()).isEqualTo(code);
      assertOutcome(c, decision, false, scope);
      assertThat(c.reason()).doesNotContain("unrecognised");
    }
  }

  @Nested
  class AftershipShipping {
    @Test
    void metaCode201MirroringHttp201IsASuccessNotAnUnknownCodeFailure() {
      Classification c = classify("POST", "https://api.aftership.com/tracking/2024-04/trackings",
          "{\"tracking_number\":\"1234567890\",\"slug\":\"dhl\"}", 201,
          "{\"meta\":{\"code\":201,\"message\":\"Created\",\"type\":\"Created\"},"
              + "\"data\":{\"tracking\":{\"tracking_number\":\"1234567890\",\"slug\":\"dhl\"}}}");

      assertThat(c.code()).isEqualTo("201");
      assertOutcome(c, Decision.SUCCEED, false, "aftership-shipping");
    }

    @Test
    void metaCode202WithALabelStillCreatingPollsThroughTheLabelStatus() {
      Classification c = classify("POST", AFTERSHIP_LABELS, "{\"service_type\":\"dhl_express_0900\"}", 202,
          "{\"meta\":{\"code\":202,\"message\":\"Accepted\",\"details\":[]},"
              + "\"data\":{\"id\":\"a1b2c3d4\",\"status\":\"creating\"}}");

      assertThat(c.code()).isEqualTo("202");
      assertOutcome(c, Decision.POLL, false, "aftership-shipping/carrier:dhl");
    }

    @Test
    void unknownBusinessCodeOutside2xxStillFails() {
      Classification c = classify("POST", AFTERSHIP_LABELS, null, 200,
          "{\"meta\":{\"code\":4999,\"message\":\"new error\",\"retryable\":false,\"details\":[]},\"data\":{}}");

      assertOutcome(c, Decision.FAIL, false, "aftership-shipping");
      assertThat(c.reason()).contains("unrecognised");
    }
  }
}
