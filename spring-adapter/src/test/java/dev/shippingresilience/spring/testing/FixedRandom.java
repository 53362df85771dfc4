package dev.shippingresilience.spring.testing;

import java.util.random.RandomGenerator;

/** Jitter at half the ceiling, so backoff waits are predictable. */
public final class FixedRandom implements RandomGenerator {
  @Override
  public long nextLong() {
    return 0;
  }

  @Override
  public double nextDouble() {
    return 0.5;
  }
}
