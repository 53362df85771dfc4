package dev.shippingresilience.examples.providers;

import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import dev.shippingresilience.simulator.SimulatedProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * An OkHttp client with {@link ShippingInterceptor} over the built-in profiles, every host resolved to the
 * simulator, and a sleeper that records each wait instead of sleeping.
 */
final class SimulatedCalls {
  /** The final answer of one call, as the caller sees it. */
  record Answer(int status, String decision, String attempts, boolean duplicate, String body) {}

  final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final OkHttpClient client;

  SimulatedCalls(Consumer<ShippingPolicy.Builder> settings) {
    ShippingPolicies policies = ShippingPolicies.builder().profiles(ProviderProfiles.builtIn())
        .configureAll(b -> {
          b.meterRegistry(new SimpleMeterRegistry()).noRateLimit().sleeper((d, token) -> waits.add(d));
          settings.accept(b);
        })
        .build();
    this.client = new OkHttpClient.Builder().dns(SimulatedProvider::loopback)
        .addInterceptor(ShippingInterceptor.of(policies)).build();
  }

  Answer post(String url, String json, String... headers) throws IOException {
    Request.Builder b = new Request.Builder().url(url).post(RequestBody.create(json, MediaType.get("application/json")));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return call(b.build());
  }

  Answer get(String url, String... headers) throws IOException {
    Request.Builder b = new Request.Builder().url(url).get();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return call(b.build());
  }

  private Answer call(Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      return new Answer(response.code(), response.header(ShippingInterceptor.DECISION_HEADER),
          response.header(ShippingInterceptor.ATTEMPTS_HEADER),
          "true".equals(response.header(ShippingInterceptor.DUPLICATE_HEADER)), response.body().string());
    }
  }
}
