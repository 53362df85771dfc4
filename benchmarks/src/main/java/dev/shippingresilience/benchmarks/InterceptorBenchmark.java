package dev.shippingresilience.benchmarks;

import java.io.IOException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of each client of {@link OkHttpVariants} on a successful call over loopback: a Clickpost fetch-order GET
 * or create-order POST against a {@link LoopbackServer} in the same JVM, one server, one request and one
 * keep-alive connection pool for all. Run with {@code -prof gc} for allocation and
 * {@code -prof dev.shippingresilience.benchmarks.CpuTimeProfiler} for CPU per call; both include the server's
 * share, the same for every variant. {@link NoNetworkBenchmark} measures the same clients without the network.
 * Iteration settings and the method parameter: {@link ClientBenchmark}.
 */
public class InterceptorBenchmark extends OkHttpVariants {
  private LoopbackServer server;

  /** Starts the server and sets the clients up against it. */
  @Setup(Level.Trial)
  public void start() throws IOException {
    server = LoopbackServer.start(2);
    use(BenchmarkCalls.client(), BenchmarkCalls.request(method, server.port()));
  }

  /** Closes the connections and stops the server. */
  @TearDown(Level.Trial)
  public void stop() {
    release();
    server.close();
  }
}
