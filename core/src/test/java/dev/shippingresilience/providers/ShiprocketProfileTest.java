package dev.shippingresilience.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Shiprocket's answers (fixtures/shiprocket, sources in docs/providers/shiprocket.md), classified. */
class ShiprocketProfileTest {
  static final String API = "https://apiv2.shiprocket.in/v1/external";
  static final String AWB_REQUEST = "{\"shipment_id\":160169474,\"courier_id\":10}";

  @ParameterizedTest(name = "{0} ({2} {3} {4}) is {5}")
  @CsvSource(delimiter = '|', textBlock = """
      login-ok.json            | login           | POST | /auth/login           | 200 | SUCCEED | shiprocket            | false | false
      login-refused.json       | login           | POST | /auth/login           | 400 | FAIL    | shiprocket            | false | false
      create-order-new.json    | create-order    | POST | /orders/create/adhoc  | 200 | SUCCEED | shiprocket            | false | false
      validation-error.json    | create-order    | POST | /orders/create/adhoc  | 422 | FAIL    | shiprocket            | false | false
      token-expired.json       | create-order    | POST | /orders/create/adhoc  | 401 | FAIL    | shiprocket            | false | true
      forbidden.json           | serviceability  | GET  | /courier/serviceability/ | 403 | FAIL | shiprocket            | false | false
      server-error.json        | create-order    | POST | /orders/create/adhoc  | 500 | BREAK   | shiprocket            | false | false
      assign-awb-ok.json       | assign-awb      | POST | /courier/assign/awb   | 200 | SUCCEED | shiprocket/carrier:10 | false | false
      assign-awb-failed.json   | assign-awb      | POST | /courier/assign/awb   | 200 | FAIL    | shiprocket/carrier:10 | false | false
      assign-awb-already.json  | assign-awb      | POST | /courier/assign/awb   | 400 | SUCCEED | shiprocket/carrier:10 | true  | false
      """)
  void eachAnswerIsClassified(String fixture, String operation, String method, String path, int status,
      Decision decision, String scope, boolean duplicate, boolean credentialsExpired) {
    String request = path.startsWith("/courier/assign") ? AWB_REQUEST : null;

    Classification c = ProviderSamples.fixture("shiprocket", fixture, method, API + path, status, request);

    assertThat(c.provider()).isEqualTo("shiprocket");
    assertThat(c.operation()).isEqualTo(operation);
    assertThat(c.decision()).as(c.reason()).isEqualTo(decision);
    assertThat(c.scope()).isEqualTo(scope);
    assertThat(c.duplicate()).as(c.reason()).isEqualTo(duplicate);
    assertThat(c.credentialsExpired()).as(c.reason()).isEqualTo(credentialsExpired);
  }

  @Test
  void aBare401WithoutABodyCodeIsAnExpiredTokenSoARefreshedTokenMaySucceed() {
    Classification c = ProviderSamples.body("GET", API + "/courier/track/awb/1091208940593", 401,
        "{\"message\":\"Unauthenticated.\"}", null);

    assertThat(c.decision()).isEqualTo(Decision.FAIL);
    assertThat(c.credentialsExpired()).isTrue();
    assertThat(c.reason()).contains("refreshed credentials may succeed");
  }

  @Test
  void aRefusedLoginIsAWrongPasswordNotAnExpiredToken() {
    Classification c = ProviderSamples.body("POST", API + "/auth/login", 401,
        "{\"message\":\"Invalid email and password combination\",\"status_code\":401}", null);

    assertThat(c.decision()).isEqualTo(Decision.FAIL);
    assertThat(c.credentialsExpired()).as(c.reason()).isFalse();
  }

  @Test
  void aRateLimitAnswerIsRetriedEvenForAPostBecauseNothingWasProcessed() {
    Classification c = ProviderSamples.body("POST", API + "/orders/create/adhoc", 429,
        "{\"message\":\"Too Many Attempts.\",\"status_code\":429}", null, "Retry-After", "3");

    assertThat(c.decision()).isEqualTo(Decision.RETRY);
    assertThat(c.notProcessed()).isTrue();
    assertThat(c.retryAfter()).hasSeconds(3);
  }

  @Test
  void anAssignedAwbNamesItsCourierFromTheAnswerWhenTheRequestDoesNot() {
    Classification c = ProviderSamples.fixture("shiprocket", "assign-awb-ok.json", "POST",
        API + "/courier/assign/awb", 200, "{\"shipment_id\":160169474}");

    assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
    assertThat(c.scope()).as("response.data.courier_company_id names the courier").isEqualTo("shiprocket/carrier:10");
  }
}
