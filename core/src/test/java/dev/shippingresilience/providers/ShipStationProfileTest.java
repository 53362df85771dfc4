package dev.shippingresilience.providers;

import static dev.shippingresilience.providers.ProviderFixtures.classify;
import static dev.shippingresilience.providers.ProviderFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The built-in {@code shipstation} profile (ShipStation API, formerly ShipEngine) on its fixtures. */
class ShipStationProfileTest {
  private static final String HOST = "https://api.shipengine.com";
  private static final String LABELS = HOST + "/v1/labels";
  private static final String LABEL_REQUEST = "{\"shipment\":{\"carrier_id\":\"se-123890\",\"service_code\":\"ups_ground\"}}";

  private static Classification label(String name, int status, String... headers) {
    return fixture("shipstation", name, "POST", LABELS, LABEL_REQUEST, status, headers);
  }

  @Test
  void aCompletedLabelSucceeds() {
    Classification c = label("label-completed.json", 200);
    assertThat(c.provider()).isEqualTo("shipstation");
    assertThat(c.operation()).isEqualTo("create-label");
    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
  }

  @Test
  void aProcessingLabelIsPolled() {
    Classification c = label("label-processing.json", 200);
    assertThat(c.decision()).isEqualTo(Decision.POLL);
    assertThat(c.reason()).contains("still processing");
  }

  @Test
  void aCarrierSystemErrorBreaksThatCarrierWhateverItsCode() {
    Classification c = label("carrier-system-error.json", 500);
    assertThat(c.decision()).isEqualTo(Decision.BREAK);
    assertThat(c.code()).isEqualTo("unspecified");
    assertThat(c.scope()).isEqualTo("shipstation/carrier:se-123890");
    assertThat(c.reason()).contains("error_source = carrier").contains("error_type = system");
  }

  @Test
  void anUnspecifiedSystemErrorOfShipStationItselfIsRetriedNotBroken() {
    String body = "{\"request_id\":\"r\",\"errors\":[{\"error_source\":\"shipengine\",\"error_type\":\"system\","
        + "\"error_code\":\"unspecified\",\"message\":\"An unexpected error occurred.\"}]}";
    Classification c = classify("POST", LABELS, LABEL_REQUEST, 500, body);
    assertThat(c.decision()).isEqualTo(Decision.RETRY);
    assertThat(c.reason()).contains("error_type = system").doesNotContain("carrier's own system");
  }

  @Test
  void validationErrorsFailAndTheReasonNamesTheDecidingElement() {
    Classification c = label("validation-errors.json", 400);
    assertThat(c.decision()).isEqualTo(Decision.FAIL);
    assertThat(c.code()).isEqualTo("field_value_required");
    assertThat(c.reason()).startsWith("errors[0] code field_value_required").contains("the worst of 2");
  }

  @Test
  void rateLimitExceededIsRetriedEvenForAPostAndHonoursRetryAfter() {
    Classification c = label("rate-limited.json", 429, "Retry-After", "7");
    assertThat(c.decision()).isEqualTo(Decision.RETRY);
    assertThat(c.notProcessed()).isTrue();
    assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void aCarrierRateLimitIsRetriedNotCountedAsAnOutage() {
    String body = "{\"request_id\":\"r\",\"errors\":[{\"error_source\":\"carrier\",\"error_type\":\"system\","
        + "\"error_code\":\"rate_limit_exceeded\",\"message\":\"UPS rate limit\",\"carrier_id\":\"se-1\"}]}";
    Classification c = classify("POST", LABELS, LABEL_REQUEST, 429, body);
    assertThat(c.decision()).isEqualTo(Decision.RETRY);
    assertThat(c.notProcessed()).isTrue();
  }

  @Test
  void aProcessingBatchIsPolledAndItsIntegerErrorsCountIsNotReadAsCodes() {
    Classification c = fixture("shipstation", "batch-processing.json", "GET", HOST + "/v1/batches/se-1013790", null,
        200);
    assertThat(c.operation()).isEqualTo("get-batch");
    assertThat(c.decision()).isEqualTo(Decision.POLL);
    assertThat(c.code()).isNull();
  }

  @Test
  void aCompletedBatchSucceedsAndOneWithErrorsFails() {
    String url = HOST + "/v1/batches/se-1013790";
    assertThat(fixture("shipstation", "batch-completed.json", "GET", url, null, 200).decision())
        .isEqualTo(Decision.SUCCEED);
    assertThat(fixture("shipstation", "batch-completed-with-errors.json", "GET", url, null, 200).decision())
        .isEqualTo(Decision.FAIL);
  }

  @Test
  void aReusedExternalShipmentIdIsADuplicateOfAnEarlierCreate() {
    String body = "{\"request_id\":\"r\",\"errors\":[{\"error_source\":\"shipengine\",\"error_type\":\"validation\","
        + "\"error_code\":\"identifier_conflict\",\"message\":\"external_shipment_id already exists\"}]}";
    Classification c = classify("POST", HOST + "/v1/shipments",
        "{\"shipments\":[{\"external_shipment_id\":\"order-17\"}]}", 409, body);
    assertThat(c.operation()).isEqualTo("create-shipments");
    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
    assertThat(c.duplicate()).isTrue();
  }

  @Test
  void aGatewayPageBreaksTheProvider() {
    Classification c = classify("POST", LABELS, LABEL_REQUEST, 503, "<html><body>503 Service Unavailable</body></html>");
    assertThat(c.decision()).isEqualTo(Decision.BREAK);
    assertThat(c.scope()).isEqualTo("shipstation");
  }
}
