package dev.shippingresilience.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A retry budget in the spirit of gRPC retry throttling: a token bucket of {@code maxTokens}; every failed
 * attempt (RETRY, BREAK, I/O failure; the engine exempts throttling answers that name their reset) takes one token,
 * every success gives back {@code tokenRatio}; retries are allowed only while more than half the tokens remain. First
 * attempts never ask the budget. The policy keeps one per rate-limit account (per host for the generic fallback, so
 * one host's outage does not stop retries to another). Lock-free and thread-safe.
 */
public final class RetryBudget {
  private static final long SCALE = 1000;

  private final long max;
  private final long ratio;
  private final AtomicLong tokens;

  /**
   * Creates a full budget.
   *
   * @param maxTokens the bucket size, at least 1
   * @param tokenRatio the tokens a success gives back, in (0, 1]
   */
  public RetryBudget(int maxTokens, double tokenRatio) {
    this.max = maxTokens * SCALE;
    this.ratio = Math.max(1, Math.round(tokenRatio * SCALE));
    this.tokens = new AtomicLong(max);
  }

  /** Records a failed attempt. */
  public void onFailure() {
    tokens.updateAndGet(t -> Math.max(0, t - SCALE));
  }

  /** Records a successful attempt. */
  public void onSuccess() {
    if (tokens.get() >= max) {
      return; // full, as it is while calls succeed: a read, not a contended write
    }
    tokens.updateAndGet(t -> Math.min(max, t + ratio));
  }

  /** Returns {@code true} while a retry is allowed (more than half the tokens remain). */
  public boolean allowsRetry() {
    return tokens.get() > max / 2;
  }

  /** Returns the current tokens (for metrics and tests). */
  public double tokens() {
    return tokens.get() / (double) SCALE;
  }
}
