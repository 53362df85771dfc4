package dev.shippingresilience.providers;

import static dev.shippingresilience.providers.ProviderFixtures.classify;
import static dev.shippingresilience.providers.ProviderFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The built-in {@code shippo} profile on its fixtures. */
class ShippoProfileTest {
  private static final String TRANSACTIONS = "https://api.goshippo.com/transactions";

  @Test
  void aQueuedLabelPurchaseIsPolled() {
    Classification c = fixture("shippo", "transaction-queued.json", "POST", TRANSACTIONS, "{}", 201);
    assertThat(c.provider()).isEqualTo("shippo");
    assertThat(c.operation()).isEqualTo("create-transaction");
    assertThat(c.decision()).isEqualTo(Decision.POLL);
  }

  @Test
  void aSuccessfulTransactionSucceedsAndAFailedOneFails() {
    String url = TRANSACTIONS + "/70ae8117ee1749e393f249d5b77c45e0";
    assertThat(fixture("shippo", "transaction-success.json", "GET", url, null, 200).decision())
        .isEqualTo(Decision.SUCCEED);
    Classification failed = fixture("shippo", "transaction-error.json", "GET", url, null, 200);
    assertThat(failed.decision()).isEqualTo(Decision.FAIL);
    assertThat(failed.reason()).contains("messages[]");
  }

  @Test
  void aMissingFieldFails() {
    assertThat(fixture("shippo", "bad-request.json", "POST", "https://api.goshippo.com/shipments", "{}", 400)
        .decision()).isEqualTo(Decision.FAIL);
  }

  @Test
  void tooManyConcurrentCallsAndRateLimitsAreRetriedAsNotProcessed() {
    for (int status : new int[] {409, 429}) {
      Classification c = classify("POST", TRANSACTIONS, "{}", status, "{\"detail\":\"Too many requests\"}");
      assertThat(c.decision()).as("HTTP %d", status).isEqualTo(Decision.RETRY);
      assertThat(c.notProcessed()).as("HTTP %d", status).isTrue();
    }
  }

  @Test
  void aServerErrorBreaksShippo() {
    Classification c = classify("POST", TRANSACTIONS, "{}", 502, "<html>Bad gateway</html>");
    assertThat(c.decision()).isEqualTo(Decision.BREAK);
    assertThat(c.scope()).isEqualTo("shippo");
  }

  @Test
  void anAcceptedAutomationIsPolledAtTheDocumentedPath() {
    // POST /automations/labels answers 202 with request_id and poll_url (buy-a-label-using-your-automation-rules)
    Classification c = classify("POST", "https://api.goshippo.com/automations/labels", "{}", 202,
        "{\"request_id\":\"req_4f1c\",\"poll_url\":\"https://api.goshippo.com/automations/labels/req_4f1c\"}");
    assertThat(c.operation()).isEqualTo("create-automation");
    assertThat(c.decision()).isEqualTo(Decision.POLL);
  }

  @ParameterizedTest(name = "status {0} is {1}")
  @CsvSource({"processing, POLL", "purchased, SUCCEED", "dry_run_completed, SUCCEED", "no_match, FAIL", "failed, FAIL"})
  void theRequestStatusDecidesTheAutomationPoll(String status, Decision decision) {
    // get-request-status: poll while processing; purchased, dry_run_completed, no_match and failed are terminal
    Classification c = classify("GET", "https://api.goshippo.com/automations/labels/req_4f1c", null, 200,
        "{\"request_id\":\"req_4f1c\",\"status\":\"" + status + "\",\"dry_run\":false}");
    assertThat(c.operation()).isEqualTo("get-automation");
    assertThat(c.decision()).as(c.reason()).isEqualTo(decision);
  }
}
