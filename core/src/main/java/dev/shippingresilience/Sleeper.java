package dev.shippingresilience;

import java.time.Duration;

/**
 * Waits between attempts. Injectable so tests never sleep: a test sleeper advances a fake clock instead.
 * Implementations must return early when the token is cancelled and throw {@link InterruptedException} when the
 * thread is interrupted.
 */
@FunctionalInterface
public interface Sleeper {
  /** The real sleeper: waits on the cancellation token. */
  Sleeper SYSTEM = (duration, token) -> token.await(duration);

  /**
   * Waits for {@code duration} or until {@code token} is cancelled.
   *
   * @param duration the longest wait
   * @param token the call's cancellation token
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void sleep(Duration duration, CancellationToken token) throws InterruptedException;
}
