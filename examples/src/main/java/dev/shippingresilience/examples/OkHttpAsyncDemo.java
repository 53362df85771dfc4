package dev.shippingresilience.examples;

import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingCallFactory;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The demo's {@code --async} client: OkHttp's {@code enqueue} through {@link ShippingCallFactory}, every host resolved
 * to the simulator. Each attempt is a plain OkHttp async call and each wait is scheduled, so no dispatcher slot or
 * thread is held while a call backs off or polls; a demo worker only waits for its call's callback.
 */
final class OkHttpAsyncDemo implements DemoClient {
  private static final long CALL_LIMIT_SECONDS = 120;

  private final OkHttpClient client;
  private final Call.Factory calls;

  OkHttpAsyncDemo(ShippingPolicies policies) {
    this.client = new OkHttpClient.Builder()
        .dns(SimulatedProvider::loopback)
        .readTimeout(Duration.ofSeconds(5))
        .build();
    this.calls = ShippingCallFactory.wrap(client, policies);
  }

  @Override
  public String description() {
    return "OkHttp " + okhttp3.OkHttp.VERSION + " enqueue (ShippingCallFactory)";
  }

  @Override
  public FinalResponse send(DemoWorkload.HttpCall call) throws IOException {
    CompletableFuture<FinalResponse> answer = new CompletableFuture<>();
    calls.newCall(OkHttpDemo.request(call)).enqueue(new Callback() {
      @Override
      public void onResponse(Call c, Response response) {
        try (response) {
          answer.complete(OkHttpDemo.read(response));
        } catch (IOException e) {
          answer.completeExceptionally(e);
        }
      }

      @Override
      public void onFailure(Call c, IOException e) {
        answer.completeExceptionally(e);
      }
    });
    try {
      return answer.orTimeout(CALL_LIMIT_SECONDS, TimeUnit.SECONDS).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io; // the engine's ShippingCallExceptions, or the transport's failure
      }
      throw e;
    }
  }

  @Override
  public boolean leaked() {
    return OkHttpDemo.leaked(client);
  }

  @Override
  public void close() {
    OkHttpDemo.close(client);
  }
}
