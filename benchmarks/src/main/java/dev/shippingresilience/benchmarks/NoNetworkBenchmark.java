package dev.shippingresilience.benchmarks;

import java.io.IOException;
import org.openjdk.jmh.annotations.Setup;

/**
 * The per-call CPU and allocation of each client of {@link OkHttpVariants} without any network: the client's last
 * application interceptor ({@link BenchmarkCalls#CANNED}) answers every call with a prebuilt Clickpost 200 (the
 * loopback server's body and headers). What the bare client costs here is OkHttp's call machinery plus building
 * that answer; every other variant's difference to it is its own overhead, free of loopback and scheduling noise.
 * Iteration settings and the method parameter: {@link ClientBenchmark}.
 */
public class NoNetworkBenchmark extends OkHttpVariants {
  /** Sets the clients up on a client that answers every call itself. */
  @Setup
  public void setUp() throws IOException {
    use(BenchmarkCalls.client().newBuilder().addInterceptor(BenchmarkCalls.CANNED).build(),
        BenchmarkCalls.request(method, 80));
  }
}
