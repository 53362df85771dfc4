package dev.shippingresilience;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Lets a caller (or a transport, e.g. OkHttp's {@code Call.cancel()}) stop a logical call's waits and polls.
 * Thread-safe.
 */
public final class CancellationToken {
  private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  private volatile boolean cancelled;
  /** What waits block on; made by the first wait or cancel (most calls do neither). */
  private volatile @Nullable CountDownLatch latch;
  private final BooleanSupplier externalSignal;

  private CancellationToken(BooleanSupplier externalSignal) {
    this.externalSignal = externalSignal;
  }

  /** {@return a token cancelled only by {@link #cancel()}} */
  public static CancellationToken create() {
    return new CancellationToken(() -> false);
  }

  /**
   * {@return a token that also counts as cancelled when {@code externalSignal} answers {@code true} (checked at
   * least every 25 ms while waiting), for transports that can be asked but not notified}
   *
   * @param externalSignal answers {@code true} once the transport's own call is cancelled; fast and never throwing
   */
  public static CancellationToken watching(BooleanSupplier externalSignal) {
    return new CancellationToken(externalSignal);
  }

  /** Cancels: waits in progress return promptly and the call ends with {@link CallCancelledException}. */
  public void cancel() {
    cancelled = true;
    latch().countDown();
  }

  private CountDownLatch latch() {
    CountDownLatch l = latch;
    if (l == null) {
      synchronized (this) {
        l = latch;
        if (l == null) {
          l = new CountDownLatch(1);
          latch = l;
        }
      }
    }
    return l;
  }

  /** {@return {@code true} once cancelled} */
  public boolean isCancelled() {
    return cancelled || externalSignal.getAsBoolean();
  }

  /**
   * Waits up to {@code duration}, returning early when cancelled.
   *
   * @param duration the longest wait
   * @return {@code true} if cancelled
   * @throws InterruptedException if the thread is interrupted
   */
  public boolean await(Duration duration) throws InterruptedException {
    long remaining = duration.toNanos();
    long deadline = System.nanoTime() + remaining;
    CountDownLatch cancelled = latch();
    while (remaining > 0) {
      if (isCancelled()) {
        return true;
      }
      if (cancelled.await(Math.min(remaining, POLL_SLICE_NANOS), TimeUnit.NANOSECONDS)) {
        return true;
      }
      remaining = deadline - System.nanoTime();
    }
    return isCancelled();
  }
}
