package dev.shippingresilience.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link ScheduledExecutorService} on a {@link FakeClock}: scheduling only queues the task; {@link #runUntilIdle()}
 * then runs the tasks in time order on the calling thread, moving the clock to each task's time (ties in the order
 * they were scheduled). So asynchronous code follows the fake clock, whatever the real scheduling, and no test sleeps.
 * A cancelled task is dropped without moving the clock.
 *
 * <p>Work that runs on other threads and may schedule more (a transport answering on its own pool) goes through
 * {@link #tracking(Executor)}: {@code runUntilIdle} waits for it before it moves the clock. A test that would hang
 * fails after ten real seconds. Thread-safe.
 */
public final class VirtualTimeScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final FakeClock clock;
  private final Object lock = new Object();
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private final List<Duration> delays = new CopyOnWriteArrayList<>();
  private volatile Consumer<Duration> beforeEachWait = d -> { };
  private long order;
  private int outside;
  private boolean shutdown;

  /** Creates a scheduler that moves {@code clock}. */
  public VirtualTimeScheduler(FakeClock clock) {
    this.clock = clock;
  }

  /** Runs {@code hook} with each scheduled task's delay just before the clock moves to it: "while the call waits". */
  public void beforeEachWait(Consumer<Duration> hook) {
    this.beforeEachWait = hook;
  }

  /** Returns the delay of every task scheduled with a positive delay, in the order they were scheduled. */
  public List<Duration> delays() {
    return List.copyOf(delays);
  }

  /** Returns the number of tasks queued and not cancelled. */
  public int queued() {
    synchronized (lock) {
      return (int) queue.stream().filter(t -> !t.isCancelled()).count();
    }
  }

  /** Returns an executor that runs on {@code pool} and counts its tasks as work {@link #runUntilIdle()} waits for. */
  public Executor tracking(Executor pool) {
    return task -> {
      synchronized (lock) {
        outside++;
      }
      try {
        pool.execute(() -> {
          try {
            task.run();
          } finally {
            done();
          }
        });
      } catch (RuntimeException e) {
        done();
        throw e;
      }
    };
  }

  private void done() {
    synchronized (lock) {
      outside--;
      lock.notifyAll();
    }
  }

  /**
   * Runs every task, earliest first, moving the clock to each, until no task is queued and no tracked work runs.
   * Tasks due now run at once; the clock moves only once no tracked work runs (it might schedule something earlier).
   *
   * @return the number of tasks run
   */
  public int runUntilIdle() {
    int ran = 0;
    while (true) {
      Task<?> task = next();
      if (task == null) {
        return ran;
      }
      if (task.isCancelled()) {
        continue;
      }
      Duration ahead = Duration.between(clock.instant(), task.at);
      if (!ahead.isNegative() && !ahead.isZero()) {
        beforeEachWait.accept(task.delay);
        // the hook may have moved the clock itself (time spent elsewhere): never move it back
        Duration left = Duration.between(clock.instant(), task.at);
        if (!left.isNegative() && !left.isZero()) {
          clock.advance(left);
        }
      }
      task.run();
      ran++;
    }
  }

  /** Returns the next task to run: one due now, else the earliest once no tracked work runs; null when idle. */
  private Task<?> next() {
    synchronized (lock) {
      long stuckAt = System.nanoTime() + STUCK_NANOS;
      while (true) {
        Task<?> head = queue.peek();
        if (outside == 0 || (head != null && !head.at.isAfter(clock.instant()))) {
          return queue.poll();
        }
        long left = stuckAt - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("virtual time stuck: " + outside + " tracked tasks still running");
        }
        try {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for tracked work", e);
        }
      }
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(new Task<>(command, null, Duration.ofNanos(unit.toNanos(Math.max(0, delay)))));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(new Task<>(callable, Duration.ofNanos(unit.toNanos(Math.max(0, delay)))));
  }

  private <V> Task<V> enqueue(Task<V> task) {
    synchronized (lock) {
      if (shutdown) {
        throw new java.util.concurrent.RejectedExecutionException("shut down");
      }
      task.order = order++;
      queue.add(task);
      lock.notifyAll();
    }
    if (!task.delay.isZero()) {
      delays.add(task.delay);
    }
    return task;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  /** Not supported: the engine schedules one wait at a time. */
  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("scheduleAtFixedRate");
  }

  /** Not supported: the engine schedules one wait at a time. */
  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("scheduleWithFixedDelay");
  }

  @Override
  public void shutdown() {
    synchronized (lock) {
      shutdown = true;
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    synchronized (lock) {
      shutdown = true;
      List<Runnable> left = new ArrayList<>(queue);
      queue.clear();
      return left;
    }
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  @Override
  public boolean isTerminated() {
    synchronized (lock) {
      return shutdown && queue.isEmpty();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    private final Instant at;
    private final Duration delay;
    private long order;

    Task(Runnable command, V result, Duration delay) {
      super(command, result);
      this.delay = delay;
      this.at = clock.instant().plus(delay);
    }

    Task(Callable<V> callable, Duration delay) {
      super(callable);
      this.delay = delay;
      this.at = clock.instant().plus(delay);
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), at));
    }

    @Override
    public int compareTo(Delayed other) {
      Task<?> o = (Task<?>) other;
      int byTime = at.compareTo(o.at);
      return byTime != 0 ? byTime : Long.compare(order, o.order);
    }
  }
}
