package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.testing.Allocations;
import dev.shippingresilience.testing.Compression;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ScriptedTransport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for issue 11 items 1 to 5 and the echo part of item 8: each defect was reproduced on main through
 * {@link ResponseClassifier} (or the engine) with the body shown.
 */
class ClassifierHardeningTest {
  private static final String CLICKPOST_CREATE = "https://www.clickpost.in/api/v3/create-order/?username=u&key=SECRETKEY";
  private static final String AFTERSHIP_LABELS = "https://api.aftership.com/postmen/v3/labels";
  private static final String TRACK17_REGISTER = "https://api.17track.net/track/v2.2/register";
  private static final String ABICART = "https://admin.abicart.se/backend/jsonrpc/v1/?auth=TOKEN123";

  private final ResponseClassifier classifier = ResponseClassifier.builder().clock(Fixtures.fixedClock()).build();

  private Classification classify(String method, String url, int status, String body) {
    return classifier.classify(RequestSnapshot.of(method, url),
        ResponseSnapshot.of(status, HeaderValues.empty(), body.getBytes(StandardCharsets.UTF_8), false));
  }

  // ---- item 1 ---------------------------------------------------------------------------------------------

  @Test
  void thirtyTwoByteBodyWithAHugeExponentIsNoUsableCodeInBoundedMemory() {
    String body = "{\"meta\":{\"status\":1e1000000000}}";
    assertThat(body).hasSize(32);
    Classification[] c = new Classification[1];
    long bytes = Allocations.bytesAllocatedBy(() -> c[0] = classify("POST", CLICKPOST_CREATE, 200, body));
    assertThat(c[0].decision()).isNotEqualTo(Decision.SUCCEED);
    assertThat(c[0].code()).isNull();
    assertThat(c[0].reason()).contains("cannot be a code");
    assertThat(bytes).isLessThan(2L << 20);
    for (String n : new String[] {"1e100000000", "-1E+999999999", "9".repeat(999), "0." + "0".repeat(990) + "1"}) {
      long b = Allocations.bytesAllocatedBy(() -> classify("POST", CLICKPOST_CREATE, 200, "{\"meta\":{\"status\":" + n + "}}"));
      assertThat(b).as(n.substring(0, 10)).isLessThan(2L << 20);
    }
  }

  @Test
  void cutOffJsonBodyIsNoSuccessWhereTheHttpStatusDecides() {
    // generic-http lets the status decide (no code in the body): a created resource whose answer was cut off, or
    // broken JSON, is still an answer the caller cannot read
    String url = "https://api.example.com/v1/labels";
    assertThat(classify("POST", url, 200, "{\"status\":\"completed_with_errors\"").decision()).isEqualTo(Decision.BREAK);
    assertThat(classify("POST", url, 201, "{\"id\":\"L1\",}").decision()).isEqualTo(Decision.BREAK);
    assertThat(classify("POST", url, 200, "{\"status\":\"completed\"}").decision()).isEqualTo(Decision.SUCCEED);
    assertThat(classify("POST", url, 200, "<html>ok</html>").decision()).as("not JSON: the status decides")
        .isEqualTo(Decision.SUCCEED);
  }

  @Test
  void hugeNumberInARequestBodyCarrierIsNoCarrier() {
    RequestSnapshot request = RequestSnapshot.of("POST", URI.create(CLICKPOST_CREATE), HeaderValues.empty(),
        "{\"courier_partner\":1e1000000000}".getBytes(StandardCharsets.UTF_8));
    Classification c = classifier.classify(request, ResponseSnapshot.of(200, HeaderValues.empty(),
        "{\"meta\":{\"status\":200}}"));
    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
    assertThat(c.scope()).isEqualTo("clickpost");
  }

  @Test
  void hugeNumberInAPollVariableIsNoPollRequest() {
    FakeClock clock = new FakeClock(Fixtures.NOW);
    ShippingPolicy policy = ShippingPolicy.builder(ProviderProfiles.builtIn().require("aftership-shipping"))
        .clock(clock).sleeper(new FakeSleeper(clock)).random(new FixedRandom()).build();
    ScriptedTransport transport = new ScriptedTransport()
        .then(200, "{\"meta\":{\"code\":200},\"data\":{\"id\":1e1000000000,\"status\":\"creating\"}}")
        .then(200, "{\"meta\":{\"code\":200},\"data\":{\"id\":\"L1\",\"status\":\"created\"}}");
    RequestSnapshot create = RequestSnapshot.of("POST", URI.create(AFTERSHIP_LABELS), HeaderValues.empty(),
        "{\"order_number\":\"A\"}".getBytes(StandardCharsets.UTF_8));
    // no usable id: the poll request cannot be built from it, and the call says so instead of dying
    assertThatThrownBy(() -> policy.execute(create, CallOptions.none(), transport))
        .isInstanceOf(PollTimeoutException.class).hasMessageContaining("could not be built");
    assertThat(transport.sends()).isEqualTo(1);
  }

  @Test
  void pollVariableIsReadFromAGzipBodyLikeTheCode() throws Exception {
    FakeClock clock = new FakeClock(Fixtures.NOW);
    ShippingPolicy policy = ShippingPolicy.builder(ProviderProfiles.builtIn().require("aftership-shipping"))
        .clock(clock).sleeper(new FakeSleeper(clock)).random(new FixedRandom()).build();
    byte[] creating = Compression.gzip("{\"meta\":{\"code\":200},\"data\":{\"id\":\"L77\",\"status\":\"creating\"}}"
        .getBytes(StandardCharsets.UTF_8));
    ScriptedTransport transport = new ScriptedTransport()
        .thenAnswer(r -> ResponseSnapshot.of(200, HeaderValues.of("Content-Encoding", "gzip"), creating, false))
        .then(200, "{\"meta\":{\"code\":200},\"data\":{\"id\":\"L77\",\"status\":\"created\"}}");
    CallResult<String> result = policy.execute(RequestSnapshot.of("POST", URI.create(AFTERSHIP_LABELS),
        HeaderValues.empty(), "{}".getBytes(StandardCharsets.UTF_8)), CallOptions.none(), transport);
    assertThat(result.succeeded()).isTrue();
    assertThat(transport.requests().get(1).uri().getPath()).isEqualTo("/postmen/v3/labels/L77");
  }

  // ---- item 2 ---------------------------------------------------------------------------------------------

  @Test
  void truncatedAbicartResultIsNotSuccess() {
    Classification c = classify("POST", ABICART, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{");
    assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
    assertThat(c.reason()).contains("truncated");
  }

  @Test
  void malformedAbicartResultIsNotSuccess() {
    Classification c = classify("POST", ABICART, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}}");
    assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
  }

  @Test
  void seventeenTrackItemsWithoutATopLevelCodeAreNotSuccess() {
    String items = "\"data\":{\"accepted\":[{\"number\":\"A\"}],\"rejected\":[]}";
    assertThat(classify("POST", TRACK17_REGISTER, 200, "{" + items + "}").decision())
        .isNotEqualTo(Decision.SUCCEED);
    assertThat(classify("POST", TRACK17_REGISTER, 200, "{\"code\":\"zero!\"," + items + "}").decision())
        .isNotEqualTo(Decision.SUCCEED);
    assertThat(classify("POST", TRACK17_REGISTER, 200, "{\"code\":{\"v\":0}," + items + "}").decision())
        .isNotEqualTo(Decision.SUCCEED);
    assertThat(classify("POST", TRACK17_REGISTER, 200, "{\"code\":0," + items + "}").decision())
        .isEqualTo(Decision.SUCCEED);
  }

  @Test
  void seventeenTrackBodyTruncatedAfterTheItemsIsNotSuccess() {
    Classification c = classify("POST", TRACK17_REGISTER, 200,
        "{\"code\":0,\"data\":{\"accepted\":[{\"number\":\"A\"}],\"rejected\":[");
    assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
  }

  @Test
  void bodyCutByThePeekLimitAfterASuccessCodeMaySucceed() {
    // the documented case: the peek limit, not the provider, cut the body, and nothing so far was an error
    byte[] body = ("{\"meta\":{\"status\":200},\"result\":{\"label\":\"" + "x".repeat(200) + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
    Classification c = ResponseClassifier.builder().peekLimit(64).build().classify(
        RequestSnapshot.of("POST", CLICKPOST_CREATE), ResponseSnapshot.of(200, HeaderValues.empty(), body, false));
    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
  }

  @Test
  void peekLimitInsideAMultiByteCharacterStillReadsAsCut() {
    byte[] body = ("{\"meta\":{\"status\":200},\"result\":{\"name\":\"" + "é".repeat(100) + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
    for (int limit = 64; limit < 80; limit++) {
      Classification c = ResponseClassifier.builder().peekLimit(limit).build().classify(
          RequestSnapshot.of("POST", CLICKPOST_CREATE),
          ResponseSnapshot.of(200, HeaderValues.empty(), Arrays.copyOf(body, limit), true));
      assertThat(c.decision()).as("limit %d", limit).isEqualTo(Decision.SUCCEED);
    }
  }

  // ---- item 3 ---------------------------------------------------------------------------------------------

  @Test
  void duplicateStatusWithDifferentValuesIsNeverSuccess() {
    Classification c = classify("POST", CLICKPOST_CREATE, 200, "{\"meta\":{\"status\":200,\"status\":322}}");
    assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
    assertThat(c.reason()).contains("/meta/status").contains("200, 322");
    Classification reversed = classify("POST", CLICKPOST_CREATE, 200,
        "{\"meta\":{\"status\":322},\"meta\":{\"status\":200}}");
    assertThat(reversed.decision()).isNotEqualTo(Decision.SUCCEED);
    Classification result = classify("POST", ABICART, 200,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":9003},\"error\":null}");
    assertThat(result.decision()).isNotEqualTo(Decision.SUCCEED);
  }

  @Test
  void duplicateStatusWithTheSameValueIsRead() {
    Classification c = classify("POST", CLICKPOST_CREATE, 200, "{\"meta\":{\"status\":200,\"status\":200}}");
    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
  }

  // ---- item 4 ---------------------------------------------------------------------------------------------

  @Test
  void repeatedItemArrayDoesNotStopReadingBeforeTheCode() {
    Classification c = classify("POST", TRACK17_REGISTER, 200, "{\"data\":{\"accepted\":[],\"accepted\":[],"
        + "\"accepted\":[],\"accepted\":[{\"number\":\"A\"}]},\"code\":-18019909}");
    assertThat(c.decision()).isEqualTo(Decision.POLL);
    assertThat(c.code()).isEqualTo("-18019909");
  }

  // ---- item 5 ---------------------------------------------------------------------------------------------

  @Test
  void refineValueBeyondThePeekLimitIsNotAPlainSuccess() {
    byte[] body = ("{\"meta\":{\"code\":200},\"data\":{\"files\":\"" + "x".repeat(300)
        + "\",\"status\":\"failed\"}}").getBytes(StandardCharsets.UTF_8);
    Classification c = ResponseClassifier.builder().peekLimit(128).build().classify(
        RequestSnapshot.of("POST", AFTERSHIP_LABELS), ResponseSnapshot.of(200, HeaderValues.empty(), body, false));
    assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
    assertThat(c.reason()).contains("/data/status was not read");
  }

  @Test
  void refineValueAfterATruncationIsNotAPlainSuccess() {
    Classification c = classify("POST", AFTERSHIP_LABELS, 200, "{\"meta\":{\"code\":200},\"data\":{\"id\":\"L");
    assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
  }

  @Test
  void absentRefineValueInACompleteBodyStillSucceeds() {
    Classification c = classify("POST", AFTERSHIP_LABELS, 200, "{\"meta\":{\"code\":200},\"data\":{\"id\":\"L\"}}");
    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
  }

  // ---- item 8, the echo part ------------------------------------------------------------------------------

  @Test
  void codeEchoingTheApiKeyIsNotShown() {
    Classification c = classify("POST", CLICKPOST_CREATE + "XYZ", 200, "{\"meta\":{\"status\":\"SECRETKEYXYZ\"}}");
    assertThat(c.code()).isNull();
    assertThat(c.reason()).doesNotContain("SECRETKEY");
    assertThat(c.summary()).doesNotContain("SECRETKEY");
  }

  @Test
  void randomLookingCodeIsNotShown() {
    Classification c = classify("POST", CLICKPOST_CREATE, 200, "{\"meta\":{\"status\":\"sk_live_9fA3kQ7zLm2Xw8Rt\"}}");
    assertThat(c.code()).isNull();
    assertThat(c.reason()).doesNotContain("9fA3kQ7zLm2Xw8Rt");
    Classification plain = classify("POST", CLICKPOST_CREATE, 200, "{\"meta\":{\"status\":\"RATE_LIMITED\"}}");
    assertThat(plain.code()).isEqualTo("RATE_LIMITED");
  }

  @Test
  void itemIdEchoingTheApiKeyIsNotShown() {
    RequestSnapshot request = RequestSnapshot.of("POST", URI.create(TRACK17_REGISTER),
        HeaderValues.of("17token", "TOKEN0123456789"), null);
    Classification c = classifier.classify(request, ResponseSnapshot.of(200, HeaderValues.empty(),
        "{\"code\":0,\"data\":{\"accepted\":[{\"number\":\"TOKEN0123456789\"},{\"number\":\"RR123\"}],"
            + "\"rejected\":[{\"number\":\"a b\",\"error\":{\"code\":-18019901}}]}}"));
    assertThat(c.items()).extracting(ItemClassification::id).containsExactly(null, "RR123", null);
  }

  @Test
  void conflictingValuesEchoingTheApiKeyAreMasked() {
    Classification c = classify("POST", CLICKPOST_CREATE, 200,
        "{\"meta\":{\"status\":200,\"status\":\"SECRETKEY\"}}");
    assertThat(c.reason()).doesNotContain("SECRETKEY").contains("***");
  }
}
