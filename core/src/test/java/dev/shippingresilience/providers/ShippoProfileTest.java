package dev.shippingresilience.providers;

import static dev.shippingresilience.providers.ProviderFixtures.classify;
import static dev.shippingresilience.providers.ProviderFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import org.junit.jupiter.api.Test;

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
  void anAcceptedAutomationIsItsOwnOperation() {
    Classification c = classify("POST", "https://api.goshippo.com/automations", "{}", 202, "{}");
    assertThat(c.operation()).isEqualTo("create-automation");
    // 202 Accepted (generic table): the same POST is asked again, carrying the same Idempotency-Key
    assertThat(c.decision()).isEqualTo(Decision.POLL);
  }
}
