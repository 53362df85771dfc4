package dev.shippingresilience.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every benchmark of one successful Clickpost call shares ({@link BenchmarkCalls}): the method parameter and
 * the iteration settings, inherited by the subclasses (a subclass's own annotations win, as
 * {@link ScalingBenchmark}'s do). Average time per call in microseconds, one fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// The library's path (engine, Resilience4j, Micrometer) needs ~10 s of warm-up on 2 cores to settle.
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class ClientBenchmark {
  /** The call: {@code GET} (fetch-order) or {@code POST} (create-order, whose body names the carrier). */
  @Param({"GET", "POST"})
  public String method;
}
