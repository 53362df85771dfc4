package dev.shippingresilience;

import dev.shippingresilience.CallRules.Next;
import io.micrometer.observation.Observation;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous driver, and the future {@link ShippingPolicy#executeAsync} returns: carries out the steps of
 * {@link CallRules} without holding a thread, sending through an {@link AsyncAttempt} and scheduling every wait on
 * a {@link ScheduledExecutorService}. Each step runs on the thread that caused it: the caller's for the first, then
 * the attempt's callback thread or the scheduler's.
 *
 * <p>The rules take one event at a time, under a lock on them; the caller's dependent stages run outside it. Only
 * a cancellation (or a completion from outside, such as {@code orTimeout}) can arrive while a step runs: it waits
 * for the step, then cancels what the call waits for (the attempt's stage or the scheduled wait) and ends the call.
 * The callbacks are one object per call, made at its first wait or attempt in flight: none per step.
 */
final class AsyncCall<R> extends CompletableFuture<CallResult<R>> {
  private final CallRules<R> rules;
  private final AsyncAttempt<R> attempt;
  private final @Nullable ScheduledExecutorService scheduler;

  // guarded by rules
  /** The attempt in flight or the wait scheduled: what ending the call from outside cancels. */
  private @Nullable Future<?> pending;
  private boolean ended;
  /** Whether a thread took on completing this future with {@link #value} or {@link #error}: one does, once. */
  private boolean settled;
  private @Nullable CallResult<R> value;
  private @Nullable Throwable error;
  /** The callbacks of the scheduler and of the attempts' stages; made at the first wait or attempt in flight. */
  private @Nullable Callbacks callbacks;

  private AsyncCall(CallRules<R> rules, AsyncAttempt<R> attempt, @Nullable ScheduledExecutorService scheduler) {
    this.rules = rules;
    this.attempt = attempt;
    this.scheduler = scheduler;
  }

  /** Starts one logical call; see {@link ShippingPolicy#executeAsync}. */
  static <R> CompletableFuture<CallResult<R>> start(CallSettings settings, RequestSnapshot request,
      CallOptions options, AsyncAttempt<R> attempt) {
    CallRules<R> rules;
    try {
      rules = new CallRules<>(settings, request, options, false);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    AsyncCall<R> call = new AsyncCall<>(rules, attempt, settings.scheduler);
    boolean endedHere;
    synchronized (rules) {
      try {
        call.carryOut(rules.start());
      } catch (RuntimeException | Error e) {
        call.crash(e);
      }
      endedHere = call.settleHere();
    }
    if (endedHere) {
      call.settle();
    }
    return call;
  }

  /** A scheduled wait ended. */
  private void waitEnded() {
    boolean endedHere;
    synchronized (rules) {
      if (ended) {
        return;
      }
      pending = null;
      try {
        carryOut(rules.waited());
      } catch (RuntimeException | Error e) {
        crash(e);
      }
      endedHere = settleHere();
    }
    if (endedHere) {
      settle();
    }
  }

  /** The attempt in flight completed. */
  private void attemptEnded(@Nullable ProviderResponse<R> response, @Nullable Throwable failure) {
    boolean endedHere;
    synchronized (rules) {
      if (ended) {
        // the call was cancelled meanwhile: an answer that still came is discarded
        if (response != null) {
          response.close();
        }
        return;
      }
      pending = null;
      try {
        carryOut(answer(response, failure));
      } catch (RuntimeException | Error e) {
        crash(e);
      }
      endedHere = settleHere();
    }
    if (endedHere) {
      settle();
    }
  }

  /** Carries out steps until the call waits, has an attempt in flight, or ends. Under the lock. */
  private void carryOut(@Nullable Next next) {
    while (next != null && !ended) {
      switch (next) {
        case SEND -> next = send();
        case WAIT -> {
          pending = scheduler().schedule(callbacks(), rules.delay().toNanos(), TimeUnit.NANOSECONDS);
          return;
        }
        case RETURN -> {
          end(rules.result(), null);
          return;
        }
        default -> {
          end(null, rules.failure());
          return;
        }
      }
    }
  }

  /** Sends the attempt; returns the next step when the answer is already there, {@code null} while in flight. */
  private @Nullable Next send() {
    CompletableFuture<ProviderResponse<R>> answer = null;
    IOException failed = null;
    // the attempt's observation is current while the transport starts the request (its own observation, if it has
    // one, nests under the attempt); it ends when the stage completes
    CallObservation observation = rules.observation();
    Observation.Scope scope = observation == null ? null : observation.openAttemptScope();
    try {
      answer = attempt.send(rules.request()).toCompletableFuture();
    } catch (IOException e) {
      failed = e;
    } finally {
      if (scope != null) {
        scope.close();
      }
    }
    if (failed != null) {
      return rules.failed(failed);
    }
    if (answer.isDone()) {
      // answered at once: go on here, in this loop, rather than in a callback nested in this step
      try {
        return answer(answer.join(), null);
      } catch (CompletionException | CancellationException e) {
        return answer(null, e);
      }
    }
    pending = answer;
    answer.whenComplete(callbacks());
    return null;
  }

  /** Hands the attempt's outcome to the rules; {@code null} when it ended the call as a crash. */
  private @Nullable Next answer(@Nullable ProviderResponse<R> response, @Nullable Throwable failure) {
    if (failure == null) {
      if (response == null) {
        crash(new NullPointerException("the attempt completed without a response"));
        return null;
      }
      return rules.answered(response);
    }
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof IOException e) {
      return rules.failed(e);
    }
    if (cause instanceof CancellationException) {
      // the transport's request was cancelled by someone else than this call: the call is cancelled
      return rules.cancelled(false);
    }
    crash(cause);
    return null;
  }

  private void end(@Nullable CallResult<R> result, @Nullable Throwable failure) {
    ended = true;
    pending = null;
    value = result;
    error = failure;
  }

  /** Ends the call on an exception that is not the rules' (out of the transport, the classifier, the scheduler). */
  private void crash(Throwable failure) {
    if (!ended) {
      rules.abandon(failure);
      end(null, failure);
    }
  }

  /**
   * Returns whether this thread completes the future: the call ended, and no other step (such as an answer that came
   * in a callback nested in this step) took it on. Under the lock.
   */
  private boolean settleHere() {
    if (!ended || settled) {
      return false;
    }
    settled = true;
    return true;
  }

  /** Completes this future as the call ended, outside the lock (the caller's dependent stages run here). */
  private void settle() {
    if (error != null) {
      super.completeExceptionally(error);
    } else if (value != null && !super.complete(value)) {
      // cancelled from outside just as the call ended: nobody will read the response
      rules.discardResult();
    }
  }

  /** Ends the call from outside: cancels what it waits for, returns its permits, closes what it holds. */
  private void stop() {
    Future<?> waitingFor;
    synchronized (rules) {
      if (ended) {
        return;
      }
      ended = true;
      settled = true;
      waitingFor = pending;
      pending = null;
      rules.cancelled(false);
    }
    if (waitingFor != null) {
      waitingFor.cancel(true);
    }
  }

  /**
   * Cancels the call: the attempt in flight is cancelled ({@code toCompletableFuture().cancel(true)} on its stage)
   * and no later wait or attempt happens.
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return stopIf(super.cancel(mayInterruptIfRunning));
  }

  /** Completing the future from outside ends the call as a cancellation does. */
  @Override
  public boolean complete(CallResult<R> result) {
    return stopIf(super.complete(result));
  }

  /** Completing the future from outside (e.g. {@code orTimeout}) ends the call as a cancellation does. */
  @Override
  public boolean completeExceptionally(Throwable failure) {
    return stopIf(super.completeExceptionally(failure));
  }

  /** Stops the call when the future was just completed from outside; returns {@code completedFromOutside}. */
  private boolean stopIf(boolean completedFromOutside) {
    if (completedFromOutside) {
      stop();
    }
    return completedFromOutside;
  }

  private Callbacks callbacks() {
    if (callbacks == null) {
      callbacks = new Callbacks();
    }
    return callbacks;
  }

  /** Hands the scheduler's and the stages' callbacks to this call, so that the future itself exposes neither. */
  private final class Callbacks implements Runnable, BiConsumer<ProviderResponse<R>, Throwable> {
    @Override
    public void run() {
      waitEnded();
    }

    @Override
    public void accept(@Nullable ProviderResponse<R> response, @Nullable Throwable failure) {
      attemptEnded(response, failure);
    }
  }

  private ScheduledExecutorService scheduler() {
    return scheduler != null ? scheduler : DefaultScheduler.INSTANCE;
  }

  /** Returns the scheduler of policies that name none, creating it. */
  static ScheduledExecutorService defaultScheduler() {
    return DefaultScheduler.INSTANCE;
  }

  /**
   * The scheduler of the policies that name none, made at the first wait of any asynchronous call:
   * {@value ShippingPolicy#DEFAULT_SCHEDULER_THREADS} daemon threads named {@code shipping-resilience-scheduler-N},
   * which end after a minute without work. A cancelled wait leaves its queue at once.
   */
  private static final class DefaultScheduler {
    static final ScheduledThreadPoolExecutor INSTANCE = create();

    private static ScheduledThreadPoolExecutor create() {
      AtomicInteger threads = new AtomicInteger();
      ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(
          ShippingPolicy.DEFAULT_SCHEDULER_THREADS, task -> {
            Thread t = new Thread(task, "shipping-resilience-scheduler-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      scheduler.setRemoveOnCancelPolicy(true);
      scheduler.setKeepAliveTime(1, TimeUnit.MINUTES);
      scheduler.allowCoreThreadTimeOut(true);
      return scheduler;
    }
  }
}
