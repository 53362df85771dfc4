package dev.shippingresilience.spring.testing;

import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.VirtualTimeScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * Virtual time for calls whose attempts go over real HTTP: the engine's waits queue on core's
 * {@link VirtualTimeScheduler} (moving a {@link FakeClock}); {@link #await(Mono)} runs them as soon as the call waits,
 * and otherwise waits for the transport's answer, which arrives on its own threads. No test sleeps, and a call that
 * neither answers nor waits fails after ten real seconds. Give {@link #scheduler()} and {@link #clock()} to the
 * policies. Thread-safe.
 */
public final class VirtualTime {
  private final FakeClock clock;
  private final VirtualTimeScheduler virtual;
  private final AtomicReference<CompletableFuture<Void>> scheduled = new AtomicReference<>(new CompletableFuture<>());
  private final ScheduledExecutorService scheduler = new Signalling();

  /** Creates virtual time on {@code clock}. */
  public VirtualTime(FakeClock clock) {
    this.clock = clock;
    this.virtual = new VirtualTimeScheduler(clock);
  }

  /** Returns the clock the waits move. */
  public FakeClock clock() {
    return clock;
  }

  /** Returns the scheduler for the policies' waits. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Returns the delay of every wait scheduled, in order. */
  public List<Duration> waits() {
    return virtual.delays();
  }

  /** Returns the waits queued and not cancelled. */
  public int queued() {
    return virtual.queued();
  }

  /** Runs the waits queued now (and those they queue), moving the clock. */
  public void runUntilIdle() {
    virtual.runUntilIdle();
  }

  /**
   * Subscribes to {@code call} and returns its value, running each wait as soon as the call waits.
   *
   * @throws Throwable what the Mono ended with, unwrapped
   */
  public <T> T await(Mono<T> call) throws Throwable {
    CompletableFuture<T> result = call.toFuture();
    awaitEnd(result);
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }

  /** Runs waits until {@code result} is done: each as soon as it is queued, else waits for the transport. */
  public void awaitEnd(CompletableFuture<?> result) throws InterruptedException, TimeoutException {
    while (true) {
      CompletableFuture<Void> next = new CompletableFuture<>();
      scheduled.set(next);
      if (result.isDone()) {
        return;
      }
      if (virtual.queued() > 0) {
        virtual.runUntilIdle();
        continue;
      }
      try {
        CompletableFuture.anyOf(result, next).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        return; // the call failed: the caller reads it
      }
    }
  }

  /** Returns a future that completes when the next wait is queued. */
  public CompletableFuture<Void> nextWait() {
    CompletableFuture<Void> next = new CompletableFuture<>();
    scheduled.set(next);
    if (virtual.queued() > 0) {
      next.complete(null);
    }
    return next;
  }

  /** The virtual scheduler, telling {@link VirtualTime} of every wait queued. */
  private final class Signalling extends AbstractExecutorService implements ScheduledExecutorService {
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      ScheduledFuture<?> task = virtual.schedule(command, delay, unit);
      scheduled.get().complete(null);
      return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      ScheduledFuture<V> task = virtual.schedule(callable, delay, unit);
      scheduled.get().complete(null);
      return task;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
      return virtual.scheduleAtFixedRate(command, initialDelay, period, unit); // not supported: the engine waits once
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      return virtual.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
      schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
      virtual.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return virtual.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return virtual.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return virtual.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return virtual.awaitTermination(timeout, unit);
    }
  }
}
