package dev.shippingresilience.testing;

import dev.shippingresilience.CancellationToken;
import dev.shippingresilience.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A sleeper for tests in which several threads share one {@link FakeClock}: the clock moves only once every
 * participant sleeps (or has {@linkplain #leave() left}), and then straight to the earliest wake-up, waking that one
 * thread (ties in the order they went to sleep). So what the threads do follows the fake clock, whatever the real
 * scheduling, and no test sleeps for real. A test that would otherwise hang fails after ten real seconds.
 * Thread-safe; ignores the cancellation token.
 */
public final class VirtualTimeSleeper implements Sleeper {
  private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final FakeClock clock;
  private final Object lock = new Object();
  private final PriorityQueue<Wakeup> sleeping =
      new PriorityQueue<>(Comparator.comparing(Wakeup::at).thenComparingLong(Wakeup::order));
  private int running;
  private long order;

  /** Creates a sleeper that moves {@code clock} for {@code participants} threads, all counted as running. */
  public VirtualTimeSleeper(FakeClock clock, int participants) {
    this.clock = clock;
    this.running = participants;
  }

  @Override
  public void sleep(Duration duration, CancellationToken token) throws InterruptedException {
    synchronized (lock) {
      Wakeup me = new Wakeup(clock.instant().plus(duration), order++);
      sleeping.add(me);
      running--;
      advanceIfIdle();
      long stuckAt = System.nanoTime() + STUCK_NANOS;
      try {
        while (!me.woken) {
          long left = stuckAt - System.nanoTime();
          if (left <= 0) {
            throw new IllegalStateException("virtual time stuck: " + running + " running, " + sleeping.size()
                + " sleeping");
          }
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      } finally {
        if (!me.woken) {
          sleeping.remove(me);
          running++;
        }
      }
    }
  }

  /** A participant has finished: time may move without it. */
  public void leave() {
    synchronized (lock) {
      running--;
      advanceIfIdle();
    }
  }

  /** Blocks until {@code count} threads sleep; fails after ten real seconds. */
  public void awaitSleepers(int count) throws InterruptedException {
    synchronized (lock) {
      long stuckAt = System.nanoTime() + STUCK_NANOS;
      while (sleeping.size() < count) {
        long left = stuckAt - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("expected " + count + " sleeping threads, saw " + sleeping.size());
        }
        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  private void advanceIfIdle() {
    if (running == 0 && !sleeping.isEmpty()) {
      Wakeup next = sleeping.poll();
      Duration ahead = Duration.between(clock.instant(), next.at);
      if (!ahead.isNegative() && !ahead.isZero()) {
        clock.advance(ahead);
      }
      next.woken = true;
      running++;
    }
    lock.notifyAll();
  }

  private static final class Wakeup {
    private final Instant at;
    private final long order;
    private boolean woken;

    Wakeup(Instant at, long order) {
      this.at = at;
      this.order = order;
    }

    Instant at() {
      return at;
    }

    long order() {
      return order;
    }
  }
}
