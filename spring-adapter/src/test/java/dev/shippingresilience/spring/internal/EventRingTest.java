package dev.shippingresilience.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EventRingTest {
  /** A value whose parts must stay together: {@code check} is derived from the other two. */
  record Entry(int writer, int n, long check) {
    static Entry of(int writer, int n) {
      return new Entry(writer, n, writer * 1_000_003L + n);
    }

    boolean whole() {
      return check == writer * 1_000_003L + n;
    }
  }

  @Test
  void keepsTheLastValuesInOrderOnceFull() {
    EventRing<Integer> ring = new EventRing<>(3);
    assertThat(ring.snapshot()).isEmpty();
    for (int i = 1; i <= 5; i++) {
      ring.add(i);
    }
    assertThat(ring.snapshot()).containsExactly(3, 4, 5);
    assertThat(ring.added()).isEqualTo(5);
  }

  @Test
  void aCapacityBelowOneIsRefused() {
    assertThatThrownBy(() -> new EventRing<>(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid capacity (0): must be >= 1");
  }

  @Test
  void concurrentWritersLoseNoneOfTheLastValuesAndNeverTearOrReorderOne() throws Exception {
    // given 4 writers adding 20 000 values each into a ring of 64, and a reader snapshotting all along
    int writers = 4;
    int each = 20_000;
    int capacity = 64;
    EventRing<Entry> ring = new EventRing<>(capacity);
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<String> readerProblems = new ArrayList<>();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(pool.submit(() -> {
          start.await();
          for (int n = 0; n < each; n++) {
            ring.add(Entry.of(writer, n));
          }
          return null;
        }));
      }
      Future<?> reader = pool.submit(() -> {
        start.await();
        while (writing.get()) {
          String problem = problem(ring.snapshot(), capacity);
          if (problem != null) {
            readerProblems.add(problem);
            return null;
          }
        }
        return null;
      });

      // when
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      reader.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    // then every snapshot taken while writing was bounded, whole and in each writer's order
    assertThat(readerProblems).isEmpty();
    // and once the writers are done, the ring holds exactly the last 64 values, each writer's last ones among them
    List<Entry> last = ring.snapshot();
    assertThat(last).hasSize(capacity);
    assertThat(problem(last, capacity)).isNull();
    assertThat(ring.added()).isEqualTo((long) writers * each);
    assertThat(last).anySatisfy(e -> assertThat(e.n()).isEqualTo(each - 1));
  }

  /** What is wrong with a snapshot: too long, a torn value, or a writer's values out of order; else null. */
  private static String problem(List<Entry> snapshot, int capacity) {
    if (snapshot.size() > capacity) {
      return "snapshot of " + snapshot.size();
    }
    Map<Integer, Integer> lastByWriter = new HashMap<>();
    for (Entry e : snapshot) {
      if (!e.whole()) {
        return "torn " + e;
      }
      Integer before = lastByWriter.put(e.writer(), e.n());
      if (before != null && before >= e.n()) {
        return "writer " + e.writer() + " out of order: " + before + " then " + e.n();
      }
    }
    return null;
  }
}
