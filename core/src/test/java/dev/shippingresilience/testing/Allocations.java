package dev.shippingresilience.testing;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

/** Measures the bytes the current thread allocates, for tests that bound work without timing it. */
public final class Allocations {
  private Allocations() {}

  /**
   * Returns the bytes the current thread allocated while running {@code work}. Skips the calling test (an assumption)
   * where the JVM does not count allocation per thread.
   */
  public static long bytesAllocatedBy(Runnable work) {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()).isTrue();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    work.run();
    return threads.getThreadAllocatedBytes(id) - before;
  }
}
