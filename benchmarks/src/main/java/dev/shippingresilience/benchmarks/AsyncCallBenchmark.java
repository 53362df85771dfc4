package dev.shippingresilience.benchmarks;

import dev.failsafe.FailsafeExecutor;
import dev.failsafe.okhttp.FailsafeCall;
import dev.shippingresilience.okhttp.ShippingCallFactory;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue 14: the cost of one successful asynchronous call over loopback, against the same {@link LoopbackServer} as
 * {@link InterceptorBenchmark}: a bare OkHttp {@code enqueue}, {@link ShippingCallFactory}'s {@code enqueue} (the
 * engine's asynchronous path, each attempt an OkHttp async call), and Failsafe's {@code FailsafeCall.executeAsync}
 * (RetryPolicy + CircuitBreaker, status-only). Each variant reads the whole body in its callback, as a caller does;
 * the benchmark thread waits for it. Run with {@code -prof gc} and {@code -prof}
 * {@link CpuTimeProfiler}: both count every thread, so the dispatcher's and the scheduler's work is in the figures.
 * Iteration settings and the method parameter: {@link ClientBenchmark}.
 */
public class AsyncCallBenchmark extends ClientBenchmark {
  private LoopbackServer server;
  private OkHttpClient client;
  private ShippingCallFactory factory;
  private FailsafeExecutor<Response> failsafe;
  private Request request;

  /** Starts the server, sets the clients up against it and checks that every variant gets the successful answer. */
  @Setup(Level.Trial)
  public void start() throws IOException {
    server = LoopbackServer.start(2);
    client = BenchmarkCalls.client();
    factory = ShippingCallFactory.wrap(client, BenchmarkCalls.policies());
    failsafe = PeerPolicies.failsafe(Response::code);
    request = BenchmarkCalls.request(method, server.port());
    BenchmarkCalls.check("bare", bare());
    BenchmarkCalls.check("callFactory", callFactory());
    BenchmarkCalls.check("failsafe", failsafe());
  }

  /** Closes the connections and stops the server. */
  @TearDown(Level.Trial)
  public void stop() {
    client.connectionPool().evictAll();
    server.close();
  }

  /** The baseline: {@code client.newCall(request).enqueue(callback)}. */
  @Benchmark
  public String bare() {
    return enqueue(client.newCall(request));
  }

  /** The same through {@code ShippingCallFactory.wrap(client, policies).newCall(request).enqueue(callback)}. */
  @Benchmark
  public String callFactory() {
    return enqueue(factory.newCall(request));
  }

  /** The call as {@code FailsafeCall.with(retryPolicy, circuitBreaker).compose(call).executeAsync()}. */
  @Benchmark
  public String failsafe() {
    return FailsafeCall.with(failsafe).compose(client.newCall(request)).executeAsync().thenApply(response -> {
      try (response) {
        return response.body().string();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).join();
  }

  private static String enqueue(Call call) {
    BodyCallback callback = new BodyCallback();
    call.enqueue(callback);
    return callback.join();
  }

  /** Reads the whole body in {@code onResponse}, on the dispatcher's thread, and hands it to the waiting caller. */
  private static final class BodyCallback extends CompletableFuture<String> implements Callback {
    @Override
    public void onFailure(Call call, IOException e) {
      completeExceptionally(e);
    }

    @Override
    public void onResponse(Call call, Response response) {
      try (response) {
        complete(response.body().string());
      } catch (IOException e) {
        completeExceptionally(e);
      }
    }
  }
}
