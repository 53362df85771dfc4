package dev.shippingresilience.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call CPU and allocation of each client of {@link OkHttpVariants} without any network: the client's last
 * application interceptor ({@link BenchmarkCalls#CANNED}) answers every call with a prebuilt Clickpost 200 (the
 * loopback server's body and headers). What the bare client costs here is OkHttp's call machinery plus building
 * that answer; every other variant's difference to it is its own overhead, free of loopback and scheduling noise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NoNetworkBenchmark extends OkHttpVariants {
  /** Sets the clients up on a client that answers every call itself. */
  @Setup
  public void setUp() throws IOException {
    use(BenchmarkCalls.client().newBuilder().addInterceptor(BenchmarkCalls.CANNED).build(),
        BenchmarkCalls.request(method, 80));
  }
}
