package dev.shippingresilience.testing;

import dev.shippingresilience.CancellationToken;
import dev.shippingresilience.Sleeper;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A sleeper that, at its first sleep, runs something on another thread and waits for it (at most ten real seconds)
 * before sleeping on its delegate: another caller's work placed inside one call's wait. Thread-safe.
 */
public final class HookedSleeper implements Sleeper {
  private final Sleeper delegate;
  private final Runnable meanwhile;
  private final AtomicBoolean ran = new AtomicBoolean();

  /** Runs {@code meanwhile} during the first sleep, then sleeps on {@code delegate}. */
  public HookedSleeper(Sleeper delegate, Runnable meanwhile) {
    this.delegate = delegate;
    this.meanwhile = meanwhile;
  }

  @Override
  public void sleep(Duration duration, CancellationToken token) throws InterruptedException {
    if (ran.compareAndSet(false, true)) {
      Thread other = new Thread(meanwhile, "hooked-sleeper");
      other.start();
      other.join(TimeUnit.SECONDS.toMillis(10));
    }
    delegate.sleep(duration, token);
  }
}
