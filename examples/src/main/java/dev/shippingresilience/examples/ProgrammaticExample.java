package dev.shippingresilience.examples;

import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The README's programmatic-API example: the engine wrapped around the JDK's own HttpClient, no framework needed.
 * Compiled with the build so the README cannot drift from the API.
 */
public final class ProgrammaticExample {
  private ProgrammaticExample() {}

  // readme:start
  /** Build once and share: breakers, rate limiters and retry budgets live in the policies. */
  static final ShippingPolicies POLICIES = ShippingPolicies.builder()    // the built-in profiles
      .configure("clickpost", b -> b.maxAttempts(3).pollInterval(Duration.ofSeconds(10)))
      .build();

  /** Creates a Clickpost order; polls, retries and breaks as Clickpost's codes require. */
  public static String createOrder(HttpClient http, String url, String orderJson) throws IOException {
    ShippingPolicy clickpost = POLICIES.forUri(URI.create(url));         // picked by host: clickpost
    byte[] body = orderJson.getBytes(StandardCharsets.UTF_8);
    RequestSnapshot request = RequestSnapshot.of("POST", URI.create(url), HeaderValues.empty(), body);

    CallResult<String> result = clickpost.execute(request, CallOptions.none(), attempt -> {
      HttpRequest.Builder send = HttpRequest.newBuilder(attempt.uri());
      send.timeout(attempt.timeLeft());                              // never past the call's deadline
      attempt.extraHeaders().forEach(send::header);                  // e.g. an idempotency key
      send.method(attempt.method(), attempt.original()
          ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody());
      try {
        HttpResponse<byte[]> response = http.send(send.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new ProviderResponse<String>() {
          @Override public ResponseSnapshot snapshot() {
            return ResponseSnapshot.of(response.statusCode(), HeaderValues.of(response.headers().map()),
                response.body(), false);
          }
          @Override public String unwrap() {
            return new String(response.body(), StandardCharsets.UTF_8);
          }
          @Override public void close() {}
        };
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
    });
    // SUCCEED includes Clickpost 323 "already placed": result.duplicate() tells you so.
    System.out.println(result.classification().summary() + ", duplicate=" + result.duplicate());
    return result.response();
  }
  // readme:end
}
