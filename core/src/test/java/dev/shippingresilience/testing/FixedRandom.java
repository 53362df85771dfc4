package dev.shippingresilience.testing;

import java.util.random.RandomGenerator;

/** A random source that always draws the same value, so jittered waits are predictable in tests. */
public final class FixedRandom implements RandomGenerator {
  private final double value;

  /** Draws 0.5: jitter at half its range. */
  public FixedRandom() {
    this(0.5);
  }

  /** Draws {@code value}, in [0, 1). */
  public FixedRandom(double value) {
    this.value = value;
  }

  @Override
  public long nextLong() {
    return 0;
  }

  @Override
  public double nextDouble() {
    return value;
  }
}
