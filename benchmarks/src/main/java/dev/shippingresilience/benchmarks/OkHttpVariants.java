package dev.shippingresilience.benchmarks;

import dev.failsafe.FailsafeExecutor;
import dev.failsafe.okhttp.FailsafeCall;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The four OkHttp clients compared on one successful Clickpost call, whatever answers it: bare OkHttp, with
 * {@link ShippingInterceptor}, Failsafe's {@code FailsafeCall} (RetryPolicy + CircuitBreaker), and Resilience4j
 * Retry + CircuitBreaker around {@code call.execute()} (both {@link PeerPolicies}, status-only). Every variant reads
 * the whole body, as a caller does. A subclass names the transport and calls {@link #use} in its setup.
 */
public abstract class OkHttpVariants extends ClientBenchmark {
  private OkHttpClient bare;
  private OkHttpClient intercepted;
  private Request request;
  private FailsafeExecutor<Response> failsafe;
  private Retry retry;
  private CircuitBreaker breaker;

  /**
   * Sets the clients up on {@code base} (whose last application interceptor, if any, stays last) and checks that
   * every variant gets the successful answer.
   */
  protected void use(OkHttpClient base, Request request) throws IOException {
    this.bare = base;
    OkHttpClient.Builder b = base.newBuilder();
    // Application interceptors run in the order added: the library's goes first, before any the base has.
    b.interceptors().add(0, BenchmarkCalls.shippingInterceptor());
    this.intercepted = b.build();
    this.request = request;
    this.failsafe = PeerPolicies.failsafe(Response::code);
    this.retry = PeerPolicies.resilience4jRetry(Response::code, Response::close);
    this.breaker = PeerPolicies.resilience4jBreaker(Response::code, Response.class);
    BenchmarkCalls.check("bare", bare());
    BenchmarkCalls.check("withInterceptor", withInterceptor());
    BenchmarkCalls.check("failsafe", failsafe());
    BenchmarkCalls.check("resilience4j", resilience4j());
  }

  /** Closes the pooled connections of both clients. */
  protected void release() {
    bare.connectionPool().evictAll();
    intercepted.connectionPool().evictAll();
  }

  /** The baseline: the same call with plain OkHttp. */
  @Benchmark
  public String bare() throws IOException {
    return BenchmarkCalls.execute(bare, request);
  }

  /** The call through {@code ShippingInterceptor.of(ShippingPolicies)}: snapshot, peek, classify, metrics. */
  @Benchmark
  public String withInterceptor() throws IOException {
    return BenchmarkCalls.execute(intercepted, request);
  }

  /** The call through {@code FailsafeCall.with(retryPolicy, circuitBreaker).compose(call).execute()}. */
  @Benchmark
  public String failsafe() throws IOException {
    return readBody(FailsafeCall.with(failsafe).compose(bare.newCall(request)).execute());
  }

  /** The call as {@code Retry.decorateCheckedSupplier(retry, breaker(() -> call.execute()))}. */
  @Benchmark
  public String resilience4j() throws IOException {
    return readBody(PeerPolicies.resilience4j(retry, breaker, () -> bare.newCall(request).execute()));
  }

  private static String readBody(Response response) throws IOException {
    try (response) {
      return response.body().string();
    }
  }
}
