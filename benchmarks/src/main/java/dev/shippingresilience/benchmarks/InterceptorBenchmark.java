package dev.shippingresilience.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of each client of {@link OkHttpVariants} on a successful call over loopback: a Clickpost fetch-order GET
 * or create-order POST against a {@link LoopbackServer} in the same JVM, one server, one request and one
 * keep-alive connection pool for all. Run with {@code -prof gc} for allocation and
 * {@code -prof dev.shippingresilience.benchmarks.CpuTimeProfiler} for CPU per call; both include the server's
 * share, the same for every variant. {@link NoNetworkBenchmark} measures the same clients without the network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// The intercepted path (engine, Resilience4j, Micrometer) needs ~10 s of warm-up on 2 cores to settle.
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
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
