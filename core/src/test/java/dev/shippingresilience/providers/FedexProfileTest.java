package dev.shippingresilience.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FedEx's documented answers (fixtures/fedex, sources in docs/providers/fedex.md), classified. */
class FedexProfileTest {
  static final String API = "https://apis.fedex.com";

  @ParameterizedTest(name = "{0} ({2} {3} {4}) is {5}")
  @CsvSource(delimiter = '|', textBlock = """
      ship-200.json               | create-shipment | POST | /ship/v1/shipments        | 200 | SUCCEED | false
      ship-async-job.json         | create-shipment | POST | /ship/v1/shipments        | 200 | SUCCEED | false
      ship-400.json               | create-shipment | POST | /ship/v1/shipments        | 400 | FAIL    | false
      ship-400-invalid-account.json | create-shipment | POST | /ship/v1/shipments      | 400 | FAIL    | false
      ship-401.json               | create-shipment | POST | /ship/v1/shipments        | 401 | FAIL    | true
      ship-403.json               | create-shipment | POST | /ship/v1/shipments        | 403 | FAIL    | false
      ship-404.json               | create-shipment | POST | /ship/v1/shipments        | 404 | FAIL    | false
      ship-500.json               | create-shipment | POST | /ship/v1/shipments        | 500 | BREAK   | false
      ship-503.json               | create-shipment | POST | /ship/v1/shipments        | 503 | BREAK   | false
      cancel-reauthenticate.json  | cancel-shipment | PUT  | /ship/v1/shipments/cancel | 401 | FAIL    | true
      oauth-200.json              | oauth-token     | POST | /oauth/token              | 200 | SUCCEED | false
      oauth-401.json              | oauth-token     | POST | /oauth/token              | 401 | FAIL    | false
      throttled-429.json          | rate-quotes     | POST | /rate/v1/rates/quotes     | 429 | RETRY   | false
      daily-quota-429.json        | rate-quotes     | POST | /rate/v1/rates/quotes     | 429 | RETRY   | false
      """)
  void eachDocumentedAnswerIsClassified(String fixture, String operation, String method, String path, int status,
      Decision decision, boolean credentialsExpired) {
    Classification c = ProviderSamples.fixture("fedex", fixture, method, API + path, status, "{}");

    assertThat(c.provider()).isEqualTo("fedex");
    assertThat(c.operation()).isEqualTo(operation);
    assertThat(c.decision()).as(c.reason()).isEqualTo(decision);
    assertThat(c.scope()).isEqualTo("fedex");
    assertThat(c.credentialsExpired()).as(c.reason()).isEqualTo(credentialsExpired);
  }

  @Test
  void fortyThreeCharacterCodeIsReadFromTheTableNotRefusedAsNoCode() {
    // ACCOUNTNUMBER.REGISTRATION.REQUIRED.INVALID has 43 characters; codes were read up to 40
    Classification c = ProviderSamples.fixture("fedex", "ship-400-invalid-account.json", "POST",
        API + "/ship/v1/shipments", 400, "{}");

    assertThat(c.code()).isEqualTo("ACCOUNTNUMBER.REGISTRATION.REQUIRED.INVALID");
    assertThat(c.reason()).contains("the account number is invalid or not registered");
  }

  @Test
  void theDailyQuotaPausesUntilMidnightGmtWhileTheTenSecondThrottleDoesNot() {
    // the policy clock of the tests (Fixtures.fixedClock) is a fixed instant; the reset is strictly after it
    Classification quota = ProviderSamples.fixture("fedex", "daily-quota-429.json", "POST",
        API + "/rate/v1/rates/quotes", 429, "{}");
    Classification throttle = ProviderSamples.fixture("fedex", "throttled-429.json", "POST",
        API + "/rate/v1/rates/quotes", 429, "{}");

    assertThat(quota.notProcessed()).isTrue();
    assertThat(quota.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofDays(1));
    assertThat(quota.reason()).contains("resets at 00:00 GMT");
    assertThat(throttle.notProcessed()).isTrue();
    assertThat(throttle.retryAfter()).as(throttle.reason()).isNull();
  }

  @Test
  void aTrackAnswerReportsEachNumberAndAnUnknownNumberIsAFailItem() {
    Classification c = ProviderSamples.fixture("fedex", "track-mixed.json", "POST",
        API + "/track/v1/trackingnumbers", 200, "{}");

    assertThat(c.items()).extracting(i -> i.id() + " " + i.decision())
        .containsExactly("123456789012 SUCCEED", "999999999999 FAIL");
  }

  @Test
  void anUnknownCodeOnA5xxIsAnOutageAndOnA400AFailure() {
    String body = "{\"errors\":[{\"code\":\"SOME.NEW.ERROR\",\"message\":\"new\"}]}";

    Classification server = ProviderSamples.body("POST", API + "/ship/v1/shipments", 502, body, "{}");
    Classification client = ProviderSamples.body("POST", API + "/ship/v1/shipments", 400, body, "{}");

    assertThat(server.decision()).isEqualTo(Decision.BREAK);
    assertThat(client.decision()).isEqualTo(Decision.FAIL);
  }

  @Test
  void theSandboxHostUsesTheSameProfile() {
    Classification c = ProviderSamples.fixture("fedex", "ship-401.json", "POST",
        "https://apis-sandbox.fedex.com/ship/v1/shipments", 401, "{}");

    assertThat(c.provider()).isEqualTo("fedex");
    assertThat(c.credentialsExpired()).isTrue();
  }
}
