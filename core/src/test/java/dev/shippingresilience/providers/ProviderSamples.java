package dev.shippingresilience.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Classifies a provider's fixture with the built-in profiles, on both readers: as written (the byte reader) and
 * with a member name spelled with an escape, which sends the body to the Jackson reader. Both must agree.
 */
final class ProviderSamples {
  private static final ResponseClassifier CLASSIFIER =
      ResponseClassifier.builder().profiles(ProviderProfiles.builtIn()).clock(Fixtures.fixedClock()).build();

  private ProviderSamples() {}

  /** Classifies fixture {@code provider/name} as the answer to {@code method url} with {@code requestBody}. */
  static Classification fixture(String provider, String name, String method, String url, int status,
      String requestBody, String... headers) {
    return body(method, url, status, new String(Fixtures.body(provider, name), StandardCharsets.UTF_8), requestBody,
        headers);
  }

  /** Classifies {@code body} (a JSON object) on both readers and returns the classification. */
  static Classification body(String method, String url, int status, String body, String requestBody,
      String... headers) {
    Classification fast = classify(method, url, status, body, requestBody, headers);
    String escaped = "{\"\\u0078\":0," + body.stripLeading().substring(1);
    Classification jackson = classify(method, url, status, escaped, requestBody, headers);
    assertThat(jackson).as("the Jackson reader's classification of %s", body).isEqualTo(fast);
    return fast;
  }

  private static Classification classify(String method, String url, int status, String body, String requestBody,
      String... headers) {
    RequestSnapshot request = RequestSnapshot.of(method, URI.create(url), HeaderValues.empty(),
        requestBody == null ? null : requestBody.getBytes(StandardCharsets.UTF_8));
    return CLASSIFIER.classify(request,
        ResponseSnapshot.of(status, HeaderValues.of(headers), body.getBytes(StandardCharsets.UTF_8), false));
  }
}
