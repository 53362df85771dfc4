package dev.shippingresilience.examples;

import dev.shippingresilience.CallResult;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.ShippingPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The example of docs/async.md: {@link ShippingPolicy#executeAsync} around the JDK HttpClient's {@code sendAsync}.
 * Compiled with the build, and quoted verbatim by the guide (a test checks), so the guide cannot drift from the API.
 */
public final class AsyncExample {
  private AsyncExample() {}

  // docs:start
  /** Creates a Clickpost order; no thread is held while Clickpost answers "processing" (102/202) and is polled. */
  static CompletableFuture<String> createOrder(HttpClient http, ShippingPolicy clickpost, URI url, byte[] order) {
    RequestSnapshot request = RequestSnapshot.of("POST", url, HeaderValues.empty(), order);
    return clickpost.executeAsync(request, attempt -> {
      HttpRequest.Builder send = HttpRequest.newBuilder(attempt.uri()).timeout(attempt.timeLeft());
      attempt.extraHeaders().forEach(send::header);
      send.method(attempt.method(), attempt.original() ? BodyPublishers.ofByteArray(order) : BodyPublishers.noBody());
      return http.sendAsync(send.build(), BodyHandlers.ofByteArray()).thenApply(JdkResponse::of);
    }).thenApply(CallResult::response);
  }
  // docs:end

  /** A JDK response as the engine sees it: the whole body was read, so the snapshot is its prefix. */
  static final class JdkResponse {
    private JdkResponse() {}

    static ProviderResponse<String> of(HttpResponse<byte[]> response) {
      return new ProviderResponse<>() {
        @Override
        public ResponseSnapshot snapshot() {
          return ResponseSnapshot.of(response.statusCode(), HeaderValues.of(response.headers().map()),
              response.body(), false);
        }

        @Override
        public String unwrap() {
          return new String(response.body(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() {}
      };
    }
  }
}
