package dev.shippingresilience.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the CPU time the benchmark's JVM spent per operation ({@code cpu.time.norm}, in
 * us/op): the process's CPU time over an iteration divided by the operations of that iteration, as {@code -prof gc}
 * does for allocation. It counts every thread of the fork: the calling threads, an in-process server (the same for
 * every variant, so a difference between variants is the client's own), GC and the JIT. Unlike the time per
 * operation it does not count time spent waiting (loopback round trips, or other processes on a busy machine), so
 * it is the figure to compare between variants of one run. Use with
 * {@code -prof dev.shippingresilience.benchmarks.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  /** The name of the secondary metric in JMH's results. */
  public static final String METRIC = "cpu.time.norm";

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long startNanos;

  /** Created by JMH for {@code -prof}. */
  public CpuTimeProfiler() {}

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads of the fork), us/op";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    startNanos = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long cpuNanos = os.getProcessCpuTime() - startNanos;
    long ops = result.getMetadata().getAllOps();
    if (ops <= 0 || cpuNanos < 0) {
      return List.of();
    }
    return List.of(new ScalarResult(METRIC, cpuNanos / 1000.0 / ops, "us/op", AggregationPolicy.AVG));
  }
}
