package dev.shippingresilience.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Classifies a provider's fixture with the built-in profiles on both readers: as written (the byte reader) and with
 * a first member whose name is spelled with an escape (which sends the body to the Jackson reader). Both readings
 * must give the same classification.
 */
final class ProviderFixtures {
  private static final ResponseClassifier CLASSIFIER =
      ResponseClassifier.builder().clock(Fixtures.fixedClock()).build();

  private ProviderFixtures() {}

  /** Classifies {@code body} as the answer to {@code method url} (with {@code requestBody}, may be null). */
  static Classification classify(String method, String url, String requestBody, int status, String body,
      String... headers) {
    byte[] request = requestBody == null ? new byte[0] : requestBody.getBytes(StandardCharsets.UTF_8);
    RequestSnapshot snapshot = RequestSnapshot.of(method, URI.create(url), HeaderValues.empty(), request);
    Classification fast = CLASSIFIER.classify(snapshot,
        ResponseSnapshot.of(status, HeaderValues.of(headers), body.getBytes(StandardCharsets.UTF_8), false));
    String trimmed = body.strip();
    if (trimmed.startsWith("{") && !trimmed.startsWith("{}")) {
      String escaped = "{\"\\u0078\":0," + trimmed.substring(1);
      Classification jackson = CLASSIFIER.classify(snapshot,
          ResponseSnapshot.of(status, HeaderValues.of(headers), escaped.getBytes(StandardCharsets.UTF_8), false));
      assertThat(jackson).as("the Jackson reader's classification").isEqualTo(fast);
    }
    return fast;
  }

  /** Classifies fixture {@code provider/name}. */
  static Classification fixture(String provider, String name, String method, String url, String requestBody,
      int status, String... headers) {
    return classify(method, url, requestBody, status,
        new String(Fixtures.body(provider, name), StandardCharsets.UTF_8), headers);
  }
}
