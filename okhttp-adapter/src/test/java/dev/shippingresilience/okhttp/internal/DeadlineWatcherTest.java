package dev.shippingresilience.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlineWatcherTest {
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);
  private final DeadlineWatcher watcher = new DeadlineWatcher("test-deadlines");

  @Test
  void aWatchEndedBeforeItsDeadlineNeverRuns() {
    AtomicInteger runs = new AtomicInteger();
    DeadlineWatcher.Watch watch = watcher.watch(System.nanoTime() + HOUR, runs::incrementAndGet);
    assertThat(watcher.pending()).isEqualTo(1);

    assertThat(watch.end()).isFalse();
    assertThat(watch.end()).isFalse();
    assertThat(watcher.pending()).isZero();
    assertThat(runs).hasValue(0);
  }

  @Test
  void aWatchPastItsDeadlineRunsOnceAndSaysSoWhenEnded() throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
    long[] ranAt = new long[1];
    DeadlineWatcher.Watch watch = watcher.watch(deadline, () -> {
      ranAt[0] = System.nanoTime();
      ran.countDown();
    });

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ranAt[0] - deadline).as("never before the deadline").isNotNegative();
    assertThat(watch.end()).isTrue();
    assertThat(watcher.pending()).isZero();
  }

  @Test
  void anEarlierDeadlineWatchedLaterWakesTheSleepingWatcher() throws InterruptedException {
    AtomicInteger farRuns = new AtomicInteger();
    DeadlineWatcher.Watch far = watcher.watch(System.nanoTime() + HOUR, farRuns::incrementAndGet);
    CountDownLatch near = new CountDownLatch(1);
    watcher.watch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2), near::countDown);

    assertThat(near.await(10, TimeUnit.SECONDS)).as("the watcher slept until the far deadline").isTrue();
    assertThat(far.end()).isFalse();
    assertThat(farRuns).hasValue(0);
  }

  @Test
  void watchesRunInTheOrderOfTheirDeadlinesWhateverTheOrderTheyCameIn() throws InterruptedException {
    Random random = new Random(42);
    long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    List<Long> ran = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch all = new CountDownLatch(200);
    for (int i = 0; i < 200; i++) {
      long deadline = base + random.nextInt(30_000) * 1_000L;
      watcher.watch(deadline, () -> {
        ran.add(deadline);
        all.countDown();
      });
    }
    assertThat(watcher.consistent()).isTrue();

    assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).hasSize(200).isSorted();
  }

  @Test
  void theHeapStaysOrderedWhenWatchesEndInAnyOrder() {
    Random random = new Random(7);
    List<DeadlineWatcher.Watch> open = new ArrayList<>();
    long now = System.nanoTime();
    for (int step = 0; step < 5_000; step++) {
      if (open.isEmpty() || random.nextInt(3) > 0) {
        open.add(watcher.watch(now + HOUR + random.nextInt(1_000_000), () -> {}));
      } else {
        assertThat(open.remove(random.nextInt(open.size())).end()).isFalse();
      }
      if (step % 97 == 0) {
        assertThat(watcher.consistent()).as("after step %d", step).isTrue();
      }
    }
    assertThat(watcher.pending()).isEqualTo(open.size());
    open.forEach(DeadlineWatcher.Watch::end);
    assertThat(watcher.pending()).isZero();
  }

  @Test
  void callersOnEightThreadsLeaveNothingBehind() throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          watcher.watch(System.nanoTime() + HOUR, runs::incrementAndGet).end();
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(watcher.pending()).isZero();
    assertThat(watcher.consistent()).isTrue();
    assertThat(runs).hasValue(0);
  }

  @Test
  void anActionThatThrowsDoesNotStopLaterOnes() throws InterruptedException {
    watcher.watch(System.nanoTime(), () -> {
      throw new IllegalStateException("boom");
    });
    CountDownLatch later = new CountDownLatch(1);
    watcher.watch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3), later::countDown);

    assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
  }
}
