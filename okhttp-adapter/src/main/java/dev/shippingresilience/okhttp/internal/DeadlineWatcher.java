package dev.shippingresilience.okhttp.internal;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Runs an action when an attempt outlives its deadline, on one daemon thread shared by every call
 * ({@code shipping-resilience-deadlines}). It does what okio's {@code AsyncTimeout} does for OkHttp's call timeout,
 * without its cost on the path of a successful call: {@code AsyncTimeout} wakes its watchdog whenever a timeout
 * becomes the earliest one, which for calls made one after another is every call (a thread wake-up and two context
 * switches each). Here the watcher sleeps until the earliest deadline it knows of, and is woken only by a deadline
 * earlier than that; a watch ended in time is just taken out of the heap. Calls with the same timeout, made one after
 * another, wake it about once per timeout instead of once per call.
 *
 * <p>Thread-safe. The thread starts with the first watch and ends after a minute without any.
 */
public final class DeadlineWatcher {
  private static final DeadlineWatcher SHARED = new DeadlineWatcher("shipping-resilience-deadlines");
  private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String threadName;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** A binary min-heap of the pending watches by deadline; {@link Watch#index} is each one's place in it. */
  private Watch[] heap = new Watch[16];
  private int size;
  private @Nullable Thread thread;
  /** When the watcher thread will next wake on its own ({@link System#nanoTime()}); meaningful while it runs. */
  private long wakeAtNanos;

  /**
   * Creates a watcher with its own thread.
   *
   * @param threadName the thread's name
   */
  public DeadlineWatcher(String threadName) {
    this.threadName = threadName;
  }

  /** {@return the watcher every adapter shares} */
  public static DeadlineWatcher shared() {
    return SHARED;
  }

  /**
   * Runs {@code onExpiry} on the watcher's thread at {@code deadlineNanos}, unless {@link Watch#end()} comes first.
   *
   * @param deadlineNanos when, on the {@link System#nanoTime()} scale
   * @param onExpiry what to do then; must be quick and must not throw
   * @return the watch, to end when the watched work ends
   */
  public Watch watch(long deadlineNanos, Runnable onExpiry) {
    Watch watch = new Watch(this, deadlineNanos, onExpiry);
    lock.lock();
    try {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size * 2);
      }
      watch.index = size;
      heap[size++] = watch;
      siftUp(watch.index);
      if (thread == null) {
        wakeAtNanos = deadlineNanos;
        Thread t = new Thread(this::run, threadName);
        t.setDaemon(true);
        thread = t;
        t.start();
      } else if (deadlineNanos - wakeAtNanos < 0) {
        wakeAtNanos = deadlineNanos;
        changed.signal(); // the only wake-up a new watch causes: it ends before the watcher would look again
      }
    } finally {
      lock.unlock();
    }
    return watch;
  }

  /** Returns the number of pending watches (for tests). */
  int pending() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Returns whether every watch in the heap ends no earlier than its parent and knows its place (for tests). */
  boolean consistent() {
    lock.lock();
    try {
      for (int i = 0; i < size; i++) {
        if (heap[i].index != i || (i > 0 && heap[i].deadlineNanos - heap[(i - 1) >>> 1].deadlineNanos < 0)) {
          return false;
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      Watch due;
      lock.lock();
      try {
        while (true) {
          long now = System.nanoTime();
          if (size > 0 && heap[0].deadlineNanos - now <= 0) {
            break;
          }
          boolean idle = size == 0;
          long sleep = idle ? IDLE_NANOS : heap[0].deadlineNanos - now;
          wakeAtNanos = now + sleep;
          long left;
          try {
            left = changed.awaitNanos(sleep);
          } catch (InterruptedException e) {
            left = 1; // nobody else holds this thread: look again
          }
          if (idle && size == 0 && left <= 0) {
            thread = null; // a minute without work: end; the next watch starts a new thread
            return;
          }
        }
        due = heap[0];
        removeAt(0);
        due.fired = true;
      } finally {
        lock.unlock();
      }
      try {
        due.onExpiry.run();
      } catch (RuntimeException e) {
        // an action's failure must not stop the watcher: every later deadline still needs it
      }
    }
  }

  /** Ends {@code watch}; returns {@code true} when its action already ran (or is running). */
  boolean end(Watch watch) {
    lock.lock();
    try {
      if (watch.fired) {
        return true;
      }
      if (watch.index >= 0) {
        removeAt(watch.index);
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void removeAt(int index) {
    Watch removed = heap[index];
    removed.index = -1;
    Watch last = heap[--size];
    heap[size] = null;
    if (index < size) {
      heap[index] = last;
      last.index = index;
      siftDown(index);
      siftUp(last.index);
    }
  }

  private void siftUp(int index) {
    Watch moving = heap[index];
    while (index > 0) {
      int parent = (index - 1) >>> 1;
      Watch above = heap[parent];
      if (moving.deadlineNanos - above.deadlineNanos >= 0) {
        break;
      }
      heap[index] = above;
      above.index = index;
      index = parent;
    }
    heap[index] = moving;
    moving.index = index;
  }

  private void siftDown(int index) {
    Watch moving = heap[index];
    int half = size >>> 1;
    while (index < half) {
      int child = 2 * index + 1;
      int right = child + 1;
      if (right < size && heap[right].deadlineNanos - heap[child].deadlineNanos < 0) {
        child = right;
      }
      if (moving.deadlineNanos - heap[child].deadlineNanos <= 0) {
        break;
      }
      heap[index] = heap[child];
      heap[index].index = index;
      index = child;
    }
    heap[index] = moving;
    moving.index = index;
  }

  /** One watched deadline. */
  public static final class Watch {
    private final DeadlineWatcher watcher;
    final long deadlineNanos;
    final Runnable onExpiry;
    /** Place in the heap; {@code -1} once out of it. Guarded by the watcher's lock. */
    int index = -1;
    /** Whether the action ran. Guarded by the watcher's lock. */
    boolean fired;

    Watch(DeadlineWatcher watcher, long deadlineNanos, Runnable onExpiry) {
      this.watcher = watcher;
      this.deadlineNanos = deadlineNanos;
      this.onExpiry = onExpiry;
    }

    /**
     * Ends the watch: its action will not run if it has not yet.
     *
     * @return {@code true} when the deadline was reached first and the action ran (or is running)
     */
    public boolean end() {
      return watcher.end(this);
    }
  }
}
