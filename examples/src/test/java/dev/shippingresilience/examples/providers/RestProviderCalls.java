package dev.shippingresilience.examples.providers;

import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.io.IOException;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** OkHttp through {@link ShippingInterceptor} against the simulator, with short waits so the tests stay quick. */
final class RestProviderCalls {
  private static final MediaType JSON = MediaType.get("application/json");

  /** What the interceptor handed back: its decision, the attempts it made and the body. */
  record Answer(String decision, int attempts, int status, String body) {}

  private final OkHttpClient client;

  RestProviderCalls() {
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.pollInterval(Duration.ofMillis(5)).backoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .noRateLimit().maxRetryAfter(Duration.ofMillis(50)))
        .build();
    client = new OkHttpClient.Builder().dns(SimulatedProvider::loopback)
        .addInterceptor(ShippingInterceptor.of(policies)).build();
  }

  /** Sends {@code method url} with a JSON {@code body} (null: none) and optional header name/value pairs. */
  Answer call(String method, String url, String body, String... headers) throws IOException {
    Request.Builder request = new Request.Builder().url(url)
        .method(method, body == null ? null : RequestBody.create(body, JSON));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try (Response response = client.newCall(request.build()).execute()) {
      String attempts = response.header(ShippingInterceptor.ATTEMPTS_HEADER);
      return new Answer(response.header(ShippingInterceptor.DECISION_HEADER),
          attempts == null ? 0 : Integer.parseInt(attempts), response.code(), response.body().string());
    }
  }
}
