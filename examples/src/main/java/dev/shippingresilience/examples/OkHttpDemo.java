package dev.shippingresilience.examples;

import dev.shippingresilience.CallOptions;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.io.IOException;
import java.time.Duration;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The demo's default client: OkHttp with {@link ShippingInterceptor}, every host resolved to the simulator. */
final class OkHttpDemo implements DemoClient {
  private static final MediaType JSON = MediaType.get(DemoWorkload.JSON);

  private final OkHttpClient client;

  OkHttpDemo(ShippingPolicies policies) {
    this.client = new OkHttpClient.Builder()
        .dns(SimulatedProvider::loopback)
        .readTimeout(Duration.ofSeconds(5))
        .addInterceptor(ShippingInterceptor.of(policies))
        .build();
  }

  @Override
  public String description() {
    return "OkHttp " + okhttp3.OkHttp.VERSION;
  }

  @Override
  public FinalResponse send(DemoWorkload.HttpCall call) throws IOException {
    try (Response response = client.newCall(request(call)).execute()) {
      return read(response);
    }
  }

  /** Returns {@code call} as an OkHttp request, its {@code CallOptions} as the request's tag. */
  static Request request(DemoWorkload.HttpCall call) {
    Request.Builder request = new Request.Builder()
        .url(call.url())
        .headers(Headers.of(call.headers()))
        .method(call.method(), RequestBody.create(call.body(), JSON));
    if (call.options() != null) {
      request.tag(CallOptions.class, call.options());
    }
    return request.build();
  }

  /** Reads {@code response}'s body to the end and returns the library's headers; the caller closes it. */
  static FinalResponse read(Response response) throws IOException {
    response.body().bytes();
    return new FinalResponse(response.header(ShippingInterceptor.DECISION_HEADER),
        "true".equals(response.header(ShippingInterceptor.DUPLICATE_HEADER)));
  }

  @Override
  public boolean leaked() {
    return leaked(client);
  }

  @Override
  public void close() {
    close(client);
  }

  /** Returns whether a connection of {@code client} is still leased, i.e. some response was never closed. */
  static boolean leaked(OkHttpClient client) {
    return client.connectionPool().connectionCount() != client.connectionPool().idleConnectionCount();
  }

  /** Releases {@code client}'s connections and dispatcher threads. */
  static void close(OkHttpClient client) {
    client.connectionPool().evictAll();
    client.dispatcher().executorService().shutdown();
  }
}
