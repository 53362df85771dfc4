package dev.shippingresilience.providers;

import static dev.shippingresilience.providers.ProviderFixtures.classify;
import static dev.shippingresilience.providers.ProviderFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.ItemClassification;
import org.junit.jupiter.api.Test;

/** The built-in {@code easypost} profile on its fixtures. */
class EasyPostProfileTest {
  private static final String HOST = "https://api.easypost.com";
  private static final String SHIPMENTS = HOST + "/v2/shipments";

  @Test
  void aRateErrorInsideA200IsReportedPerCarrierWithoutFailingTheRates() {
    Classification c = fixture("easypost", "shipment-rates-with-messages.json", "POST", SHIPMENTS, "{}", 201);
    assertThat(c.provider()).isEqualTo("easypost");
    assertThat(c.operation()).isEqualTo("create-shipment");
    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
    assertThat(c.items()).extracting(ItemClassification::id, ItemClassification::decision)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("FedEx", Decision.BREAK));
  }

  @Test
  void anAddressThatCannotBeVerifiedFails() {
    Classification c = fixture("easypost", "address-verify-failure.json", "POST", HOST + "/v2/addresses", "{}", 422);
    assertThat(c.decision()).isEqualTo(Decision.FAIL);
    assertThat(c.code()).isEqualTo("ADDRESS.VERIFY.FAILURE");
  }

  @Test
  void paymentRequiredIsAConfigurationFailureNeverARetry() {
    Classification c = fixture("easypost", "payment-required.json", "POST", SHIPMENTS + "/shp_1/buy", "{}", 402);
    assertThat(c.operation()).isEqualTo("buy-shipment");
    assertThat(c.decision()).isEqualTo(Decision.FAIL);
    assertThat(classify("POST", SHIPMENTS + "/shp_1/buy", "{}", 402, "").decision()).isEqualTo(Decision.FAIL);
  }

  @Test
  void buyingAShipmentThatAlreadyHasPostageIsADuplicate() {
    Classification c = fixture("easypost", "postage-exists.json", "POST", SHIPMENTS + "/shp_1/buy", "{}", 422);
    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
    assertThat(c.duplicate()).isTrue();
  }

  @Test
  void aBatchBeingCreatedIsPolledAndAFailedPurchaseFails() {
    String url = HOST + "/v2/batches/batch_c3a4d6f2b8e94a1c9d7e5f3b1a2c4d6e";
    assertThat(fixture("easypost", "batch-creating.json", "GET", url, null, 200).decision()).isEqualTo(Decision.POLL);
    assertThat(fixture("easypost", "batch-purchase-failed.json", "GET", url, null, 200).decision())
        .isEqualTo(Decision.FAIL);
  }

  @Test
  void tooManyRequestsIsRetriedAsNotProcessed() {
    Classification c = classify("POST", SHIPMENTS, "{}", 429, "{\"error\":{\"code\":\"RATE_LIMITED\",\"message\":\"slow down\",\"errors\":[]}}");
    assertThat(c.decision()).isEqualTo(Decision.RETRY);
    assertThat(c.notProcessed()).isTrue();
  }

  @Test
  void serviceUnavailableBreaksEasyPost() {
    Classification c = classify("POST", SHIPMENTS, "{}", 503, "<html>503</html>");
    assertThat(c.decision()).isEqualTo(Decision.BREAK);
    assertThat(c.scope()).isEqualTo("easypost");
  }
}
