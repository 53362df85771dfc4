package dev.shippingresilience.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sendcloud's documented answers (fixtures/sendcloud, sources in docs/providers/sendcloud.md), classified. */
class SendcloudProfileTest {
  static final String V3 = "https://panel.sendcloud.sc/api/v3";
  static final String V2 = "https://panel.sendcloud.sc/api/v2";
  static final String POSTNL = "{\"external_reference_id\":\"R-1\",\"ship_with\":{\"type\":\"shipping_option_code\","
      + "\"properties\":{\"shipping_option_code\":\"postnl:standard\"}}}";

  @ParameterizedTest(name = "{0} ({2} {3} {4}) is {5}")
  @CsvSource(delimiter = '|', textBlock = """
      v3-announce-ready.json          | announce-shipment      | POST | /v3/shipments/announce | 201 | SUCCEED | sendcloud/carrier:postnl | false
      v3-announce-carrier-error.json  | announce-shipment      | POST | /v3/shipments/announce | 201 | BREAK   | sendcloud/carrier:postnl | false
      v3-create-announcing.json       | create-shipment        | POST | /v3/shipments          | 201 | POLL    | sendcloud/carrier:postnl | false
      v3-validation-required.json     | create-shipment        | POST | /v3/shipments          | 400 | FAIL    | sendcloud/carrier:postnl | false
      v3-not-found.json               | get-shipment           | GET  | /v3/shipments/S1       | 404 | FAIL    | sendcloud/carrier:postnl | false
      v3-cancel-queued.json           | cancel-shipment        | POST | /v3/shipments/S1/cancel| 202 | SUCCEED | sendcloud/carrier:postnl | false
      v3-cancel-already.json          | cancel-shipment        | POST | /v3/shipments/S1/cancel| 409 | SUCCEED | sendcloud/carrier:postnl | true
      v3-duplicate-reference.json     | announce-shipment      | POST | /v3/shipments/announce | 409 | SUCCEED | sendcloud/carrier:postnl | true
      v2-validation-error.json        | create-parcels         | POST | /v2/parcels            | 400 | FAIL    | sendcloud/carrier:postnl | false
      v2-carrier-error.json           | create-parcels         | POST | /v2/parcels            | 400 | FAIL    | sendcloud/carrier:postnl | false
      v2-verbose-failed.json          | create-parcels         | POST | /v2/parcels            | 200 | FAIL    | sendcloud/carrier:postnl | false
      """)
  void eachDocumentedAnswerIsClassified(String fixture, String operation, String method, String path, int status,
      Decision decision, String scope, boolean duplicate) {
    String url = "https://panel.sendcloud.sc/api" + path;

    Classification c = ProviderSamples.fixture("sendcloud", fixture, method, url, status, POSTNL);

    assertThat(c.provider()).isEqualTo("sendcloud");
    assertThat(c.operation()).isEqualTo(operation);
    assertThat(c.decision()).as(c.reason()).isEqualTo(decision);
    assertThat(c.scope()).isEqualTo(scope);
    assertThat(c.duplicate()).as(c.reason()).isEqualTo(duplicate);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      Service error: An error occurred while connecting to the carrier. | BREAK | sendcloud/carrier:dhl_parcel
      The postal code does not exist for this country.                  | FAIL  | sendcloud/carrier:dhl_parcel
      """)
  void anAnnouncementErrorIsAnOutageOfTheRequestedCarrierOnlyWhenItCouldNotBeReached(String detail,
      Decision decision, String scope) {
    // given: the request picks DHL, the answer names no carrier
    String body = "{\"data\":{\"id\":\"S1\",\"errors\":[{\"status\":\"500\",\"code\":\"parcel_announcement_error\","
        + "\"detail\":\"" + detail + "\"}]}}";
    String request = "{\"ship_with\":{\"type\":\"shipping_option_code\",\"properties\":"
        + "{\"shipping_option_code\":\"dhl_parcel:standard\"}}}";

    // when
    Classification c = ProviderSamples.body("POST", V3 + "/shipments/announce", 201, body, request);

    // then
    assertThat(c.decision()).as(c.reason()).isEqualTo(decision);
    assertThat(c.scope()).isEqualTo(scope);
    assertThat(c.reason()).contains("parcel_announcement_error");
  }

  @Test
  void theVerboseAnswerReportsEachFailedParcelAsAFailItem() {
    Classification c = ProviderSamples.fixture("sendcloud", "v2-verbose-failed.json", "POST",
        V2 + "/parcels?errors=verbose", 200, null);

    assertThat(c.decision()).as("every parcel failed").isEqualTo(Decision.FAIL);
    assertThat(c.items()).hasSize(1);
    assertThat(c.items().get(0).id()).isEqualTo("ORDER-1");
    assertThat(c.items().get(0).decision()).isEqualTo(Decision.FAIL);
  }

  @Test
  void aVerboseAnswerWithOneParcelCreatedSucceedsAndReportsTheOtherAsAFailItem() {
    String body = "{\"parcels\":[{\"id\":1,\"order_number\":\"ORDER-2\"}],\"failed_parcels\":[{\"parcel\":"
        + "{\"order_number\":\"ORDER-1\"},\"errors\":{\"name\":[\"This field is required.\"]}}]}";

    Classification c = ProviderSamples.body("POST", V2 + "/parcels?errors=verbose", 200, body, null);

    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
    assertThat(c.items()).extracting(i -> i.id() + " " + i.decision()).containsExactly("ORDER-2 SUCCEED", "ORDER-1 FAIL");
  }

  @Test
  void anAsyncShipmentIsPolledByItsIdUntilItIsReadyToSend() {
    Classification pending = ProviderSamples.body("GET", V3 + "/shipments/S1", 200,
        "{\"data\":{\"id\":\"S1\",\"parcels\":[{\"status\":{\"code\":\"ANNOUNCING\"}}],\"errors\":[]}}", null);
    Classification ready = ProviderSamples.body("GET", V3 + "/shipments/S1", 200,
        "{\"data\":{\"id\":\"S1\",\"parcels\":[{\"status\":{\"code\":\"READY_TO_SEND\"}}],\"errors\":[]}}", null);

    assertThat(pending.decision()).isEqualTo(Decision.POLL);
    assertThat(ready.decision()).isEqualTo(Decision.SUCCEED);
  }

  @Test
  void aRateLimitAnswerIsRetriedEvenForAPostBecauseNothingWasProcessed() {
    Classification c = ProviderSamples.body("POST", V3 + "/shipments", 429, "{\"errors\":[]}", POSTNL,
        "Retry-After", "2");

    assertThat(c.decision()).isEqualTo(Decision.RETRY);
    assertThat(c.notProcessed()).isTrue();
    assertThat(c.retryAfter()).hasSeconds(2);
  }

  @Test
  void aServiceUnavailableAnswerIsAnOutageOfSendcloud() {
    Classification c = ProviderSamples.body("POST", V3 + "/shipments", 503, "{}", POSTNL);

    assertThat(c.decision()).isEqualTo(Decision.BREAK);
    assertThat(c.scope()).isEqualTo("sendcloud");
  }
}
