package dev.shippingresilience.benchmarks;

import dev.failsafe.FailsafeExecutor;
import dev.shippingresilience.Attempt;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.ShippingPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The programmatic path without any transport: {@link ShippingPolicy#execute} (Clickpost's policy as
 * {@link BenchmarkCalls#policies()} builds it) with an attempt that returns a prebuilt response, against Failsafe's
 * {@code get} and a Resilience4j decorated supplier ({@link PeerPolicies}, status-only) around a supplier that
 * returns the same prebuilt response. {@link #bare} calls that supplier alone. The response is the Clickpost 200
 * of {@link BenchmarkCalls} as a {@link ResponseSnapshot}; the transport allocates nothing, so every byte and
 * microsecond over {@code bare} is the policy's own.
 * Iteration settings and the method parameter: {@link ClientBenchmark}.
 */
public class PolicyBenchmark extends ClientBenchmark {
  private ShippingPolicy policy;
  private RequestSnapshot request;
  private ResponseSnapshot snapshot;
  private Attempt<ResponseSnapshot> attempt;
  private FailsafeExecutor<ResponseSnapshot> failsafe;
  private Retry retry;
  private CircuitBreaker breaker;

  /** Builds the policies and the prebuilt response, and checks that each variant returns it. */
  @Setup
  public void setUp() throws IOException {
    policy = BenchmarkCalls.policies().require("clickpost");
    byte[] body = "POST".equals(method) ? BenchmarkCalls.ORDER.getBytes(StandardCharsets.UTF_8) : null;
    request = RequestSnapshot.of(method, URI.create("https://www.clickpost.in" + BenchmarkCalls.pathAndQuery(method)),
        HeaderValues.of("Content-Type", "application/json"), body);
    List<String> headers = new ArrayList<>();
    for (String[] h : BenchmarkCalls.HEADERS) {
      headers.add(h[0]);
      headers.add(h[1]);
    }
    snapshot = ResponseSnapshot.of(200, HeaderValues.of(headers.toArray(String[]::new)), BenchmarkCalls.CLICKPOST_200,
        false);
    ProviderResponse<ResponseSnapshot> prebuilt = new Prebuilt(snapshot);
    attempt = a -> prebuilt;
    failsafe = PeerPolicies.failsafe(ResponseSnapshot::status);
    retry = PeerPolicies.resilience4jRetry(ResponseSnapshot::status, r -> { });
    breaker = PeerPolicies.resilience4jBreaker(ResponseSnapshot::status, ResponseSnapshot.class);
    CallResult<ResponseSnapshot> result = shippingPolicy();
    if (!result.succeeded() || result.response() != snapshot) {
      throw new IllegalStateException("the policy did not succeed: " + result.classification().summary());
    }
    if (failsafe() != snapshot || resilience4j() != snapshot) {
      throw new IllegalStateException("a peer did not return the prebuilt response");
    }
  }

  /** The transport doing nothing: returns the prebuilt response. */
  @Benchmark
  public ResponseSnapshot bare() {
    return snapshot;
  }

  /** {@code policy.execute(request, CallOptions.none(), attempt)}: gate, attempt, classify, metrics, result. */
  @Benchmark
  public CallResult<ResponseSnapshot> shippingPolicy() throws IOException {
    return policy.execute(request, CallOptions.none(), attempt);
  }

  /** {@code Failsafe.with(retryPolicy, circuitBreaker).get(supplier)}. */
  @Benchmark
  public ResponseSnapshot failsafe() {
    return failsafe.get(this::bare);
  }

  /** {@code Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(breaker, supplier))}. */
  @Benchmark
  public ResponseSnapshot resilience4j() throws IOException {
    return PeerPolicies.resilience4j(retry, breaker, this::bare);
  }

  /** A response that is already there: nothing to read, nothing to close. */
  private record Prebuilt(ResponseSnapshot snapshot) implements ProviderResponse<ResponseSnapshot> {
    @Override
    public ResponseSnapshot unwrap() {
      return snapshot;
    }

    @Override
    public void close() {}
  }
}
