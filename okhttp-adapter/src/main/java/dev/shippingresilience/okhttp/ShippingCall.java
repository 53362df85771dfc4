package dev.shippingresilience.okhttp;

import dev.shippingresilience.AsyncAttempt;
import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.CallCancelledException;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.okhttp.internal.DeadlineWatcher;
import dev.shippingresilience.okhttp.internal.OkHttpRequests;
import dev.shippingresilience.okhttp.internal.OkHttpResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.jvm.functions.Function0;
import kotlin.reflect.KClass;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * One logical call of a {@link ShippingCallFactory}: {@code enqueue} drives the engine's asynchronous path with each
 * attempt an OkHttp async call (this object is the {@link AsyncAttempt}, and the consumer of the engine's result);
 * {@code execute} runs the factory's intercepted client.
 */
final class ShippingCall implements Call, AsyncAttempt<Response>, BiConsumer<CallResult<Response>, Throwable> {
  private final ShippingCallFactory factory;
  private final Request request;
  private final Timeout timeout;
  private final AtomicBoolean executed = new AtomicBoolean();
  private volatile boolean canceled;
  /** The engine's call, once enqueued: what {@link #cancel()} cancels. */
  private volatile @Nullable CompletableFuture<CallResult<Response>> running;
  /** The intercepted call, once executed: what {@link #cancel()} cancels. */
  private volatile @Nullable Call blocking;
  private volatile @Nullable Map<Class<?>, Object> computedTags;
  private volatile @Nullable List<EventListener> listeners;

  // Set by enqueue before the engine starts; read by the attempts (the engine orders them after it).
  private @Nullable Callback callback;
  private @Nullable ShippingPolicy selected;
  private int peekLimit;
  private boolean idempotent;
  /** When the logical call's timeout ends, by {@link System#nanoTime()}; meaningful only if {@link #timed}. */
  private long endNanos;
  private boolean timed;
  /** The attempts sent, for the exception of a cancelled call. */
  private volatile int sends;
  /** The thread completing an attempt's stage right now: the engine's result met there is delivered in place. */
  private volatile @Nullable Thread answering;
  /** The attempt sent last. */
  private volatile @Nullable Exchange inFlight;

  ShippingCall(ShippingCallFactory factory, Request request) {
    this.factory = factory;
    this.request = request;
    this.timeout = new Timeout().timeout(factory.client.callTimeoutMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public Response execute() throws IOException {
    markExecuted();
    Call call = factory.blocking.newCall(request);
    Timeout inner = call.timeout();
    inner.timeout(timeout.timeoutNanos(), TimeUnit.NANOSECONDS);
    if (timeout.hasDeadline()) {
      inner.deadlineNanoTime(timeout.deadlineNanoTime());
    }
    addListenersTo(call);
    blocking = call;
    if (canceled) {
      call.cancel();
    }
    return call.execute();
  }

  @Override
  public void enqueue(Callback responseCallback) {
    Objects.requireNonNull(responseCallback, "responseCallback");
    markExecuted();
    callback = responseCallback;
    long startNanos = System.nanoTime();
    CompletableFuture<CallResult<Response>> call;
    try {
      boolean bodyRepeatable = OkHttpRequests.repeatable(request.body());
      RequestSnapshot snapshot = OkHttpRequests.snapshot(request, bodyRepeatable);
      ShippingPolicy policy = OkHttpRequests.select(factory.policies, factory.policy, request, snapshot);
      selected = policy;
      peekLimit = policy.classifier().peekLimit();
      idempotent = snapshot.idempotentMethod();
      Duration callTimeout = callTimeout(startNanos);
      CallOptions options = OkHttpRequests.options(request.tag(CallOptions.class), bodyRepeatable, callTimeout)
          .build();
      call = canceled
          ? CompletableFuture.failedFuture(new CancellationException())
          : policy.executeAsync(snapshot, options, this);
    } catch (IOException | RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    running = call;
    if (canceled) {
      call.cancel(true);
    }
    call.whenComplete(this);
  }

  private void markExecuted() {
    if (!executed.compareAndSet(false, true)) {
      throw new IllegalStateException("Already Executed");
    }
  }

  /**
   * Returns the time left of the logical call's timeout ({@link #timeout()}: a duration from the start, a deadline,
   * or both), {@code null} when it has none, and notes when it ends.
   */
  private @Nullable Duration callTimeout(long startNanos) {
    long leftNanos = timeout.timeoutNanos();
    if (timeout.hasDeadline()) {
      long untilDeadline = Math.max(1, timeout.deadlineNanoTime() - startNanos);
      leftNanos = leftNanos == 0 ? untilDeadline : Math.min(leftNanos, untilDeadline);
    }
    if (leftNanos == 0) {
      return null;
    }
    timed = true;
    endNanos = startNanos + leftNanos;
    return Duration.ofNanos(Math.max(1, endNanos - System.nanoTime()));
  }

  /** Sends one attempt as an OkHttp async call; see {@link AsyncAttempt#send}. */
  @Override
  public CompletionStage<ProviderResponse<Response>> send(AttemptRequest attempt) {
    Request toSend = OkHttpRequests.build(request, attempt);
    // OkHttp must not re-send a non-idempotent request on its own: the engine decides every repeat.
    OkHttpClient client = idempotent || !attempt.original() ? factory.client : factory.noSilentRetry;
    Call call = client.newCall(toSend);
    // The attempt's own call timeout is what is left of the logical call's: it bounds the caller's read of the body.
    call.timeout().timeout(timed ? Math.max(1, endNanos - System.nanoTime()) : 0, TimeUnit.NANOSECONDS);
    addListenersTo(call);
    sends++;
    long budgetMillis = attempt.timeLeftMillis();
    Exchange exchange = new Exchange(this, call, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis));
    inFlight = exchange;
    exchange.start();
    return exchange;
  }

  /** Completes an attempt's stage, marking this thread as the one it is completed on. */
  private void answer(Exchange exchange, @Nullable OkHttpResponse response, @Nullable Throwable failure) {
    answering = Thread.currentThread();
    try {
      if (failure != null) {
        exchange.completeExceptionally(failure);
      } else if (!exchange.complete(response)) {
        response.close(); // cancelled meanwhile: nobody reads it
      }
    } finally {
      answering = null;
    }
  }

  /**
   * The engine's call ended: hands its outcome to the callback, in place on the OkHttp thread an attempt's answer
   * came in on, or on the dispatcher's executor (after a wait the scheduler's thread ended the call, or a cancel the
   * caller's: neither may run the caller's callback).
   */
  @Override
  public void accept(@Nullable CallResult<Response> result, @Nullable Throwable failure) {
    if (Thread.currentThread() == answering) {
      deliver(result, failure);
      return;
    }
    Runnable delivery = () -> deliver(result, failure);
    Exchange attempt = inFlight;
    // Cancelled with an attempt on the wire: the caller hears of it once OkHttp has ended that attempt (promptly,
    // the call being cancelled), so that, as with OkHttp's own calls, its connection is free by then.
    if (!(failure instanceof CancellationException) || attempt == null || !attempt.deliverWhenCalledBack(delivery)) {
      onDispatcher(delivery);
    }
  }

  /** Runs {@code task} on the dispatcher's executor: a thread that may run the caller's code, and block. */
  private void onDispatcher(Runnable task) {
    try {
      factory.client.dispatcher().executorService().execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // the dispatcher is shut down: the callback still hears how the call ended
    }
  }

  private void deliver(@Nullable CallResult<Response> result, @Nullable Throwable failure) {
    Callback to = callback;
    try {
      if (failure == null) {
        Response response = OkHttpRequests.withResultHeaders(result);
        try {
          to.onResponse(this, response);
        } catch (IOException e) {
          // as OkHttp: a callback that fails after it got its response is not told again
        }
      } else {
        to.onFailure(this, failure(failure));
      }
    } catch (RuntimeException | Error e) {
      // As on OkHttp's dispatcher, the callback's own crash reaches the thread's handler, not the engine's future.
      Thread t = Thread.currentThread();
      t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }
  }

  /** Returns how the engine's call failed as the {@link IOException} an OkHttp callback receives. */
  private IOException failure(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof IOException e) {
      return e;
    }
    if (cause instanceof CancellationException) {
      ShippingPolicy policy = selected;
      return new CallCancelledException(policy != null ? policy.provider() : "unknown", null, sends, false);
    }
    return OkHttpRequests.unexpected(cause);
  }

  @Override
  public void cancel() {
    canceled = true;
    CompletableFuture<CallResult<Response>> call = running;
    if (call != null) {
      call.cancel(true);
    }
    Call intercepted = blocking;
    if (intercepted != null) {
      intercepted.cancel();
    }
  }

  @Override
  public boolean isExecuted() {
    return executed.get();
  }

  @Override
  public boolean isCanceled() {
    return canceled;
  }

  /**
   * {@inheritDoc} Seeded from the client's call timeout; the logical call's: every attempt, wait and poll, and the
   * caller's read of the final body.
   */
  @Override
  public Timeout timeout() {
    return timeout;
  }

  /** Adds {@code eventListener} to the attempts started from now on (each attempt is a call of its own). */
  @Override
  public void addEventListener(EventListener eventListener) {
    Objects.requireNonNull(eventListener, "eventListener");
    synchronized (this) {
      List<EventListener> all = listeners;
      if (all == null) {
        all = new CopyOnWriteArrayList<>();
        listeners = all;
      }
      all.add(eventListener);
    }
    Call intercepted = blocking;
    if (intercepted != null) {
      intercepted.addEventListener(eventListener);
    }
  }

  private void addListenersTo(Call call) {
    List<EventListener> all = listeners;
    if (all != null) {
      for (EventListener l : all) {
        call.addEventListener(l);
      }
    }
  }

  @Override
  public <T> @Nullable T tag(KClass<T> type) {
    return tag(JvmClassMappingKt.getJavaClass(type));
  }

  /** {@inheritDoc} Seeded from the request's tags. */
  @Override
  public <T> @Nullable T tag(Class<? extends T> type) {
    Map<Class<?>, Object> computed = computedTags;
    Object value = computed != null ? computed.get(type) : null;
    return value != null ? type.cast(value) : request.tag(type);
  }

  @Override
  public <T> T tag(KClass<T> type, Function0<? extends T> computeIfAbsent) {
    return tag(JvmClassMappingKt.getJavaClass(type), computeIfAbsent);
  }

  @Override
  public <T> T tag(Class<T> type, Function0<? extends T> computeIfAbsent) {
    T existing = tag(type);
    if (existing != null) {
      return existing;
    }
    T computed = Objects.requireNonNull(computeIfAbsent.invoke(), "computeIfAbsent returned null");
    Map<Class<?>, Object> all = computedTags;
    if (all == null) {
      synchronized (this) {
        all = computedTags;
        if (all == null) {
          all = new ConcurrentHashMap<>();
          computedTags = all;
        }
      }
    }
    Object raced = all.putIfAbsent(type, computed);
    return raced != null ? type.cast(raced) : computed;
  }

  /** A new call of the same request, not yet started; computed tags and event listeners are not copied. */
  @Override
  public Call clone() {
    return new ShippingCall(factory, request);
  }

  /**
   * One attempt in flight: its OkHttp call, the stage the engine waits on, the callback OkHttp answers, and the
   * action when the attempt outlives the time it was given. The body is peeked at in {@link #onResponse}, on the
   * dispatcher thread the answer came in on.
   */
  private static final class Exchange extends CompletableFuture<ProviderResponse<Response>>
      implements Callback, Runnable {
    private final ShippingCall owner;
    private final Call call;
    /** When the attempt's time runs out, by {@link System#nanoTime()}. */
    private final long deadlineNanos;
    private DeadlineWatcher.@Nullable Watch limit;
    // guarded by this
    private boolean calledBack;
    private @Nullable Runnable afterCallback;

    Exchange(ShippingCall owner, Call call, long deadlineNanos) {
      this.owner = owner;
      this.call = call;
      this.deadlineNanos = deadlineNanos;
    }

    /** Starts the attempt: the time it waits in the dispatcher's queue counts, as the rest of the exchange does. */
    void start() {
      limit = DeadlineWatcher.shared().watch(deadlineNanos, this);
      call.enqueue(this);
    }

    /**
     * The attempt ran out of time (on the watcher's thread): cancels its call. A call already running fails at once
     * on its own thread ({@link #onFailure}); one still waiting in the dispatcher's queue would hear of its cancel
     * only once a slot frees, so that attempt ends now, on the dispatcher's executor.
     */
    @Override
    public void run() {
      call.cancel();
      if (owner.factory.client.dispatcher().queuedCalls().contains(call)) {
        owner.onDispatcher(() -> owner.answer(this, null, OkHttpRequests.ranOutOfTime(null)));
      }
    }

    /**
     * Runs {@code delivery} once OkHttp has called this attempt back, and returns {@code true}; {@code false} (the
     * caller delivers) when it has already, or when the call still waits in the dispatcher's queue, where its
     * callback comes only once a slot frees.
     */
    boolean deliverWhenCalledBack(Runnable delivery) {
      if (owner.factory.client.dispatcher().queuedCalls().contains(call)) {
        return false;
      }
      synchronized (this) {
        if (calledBack) {
          return false;
        }
        afterCallback = delivery;
        return true;
      }
    }

    @Override
    public void onFailure(Call c, IOException e) {
      owner.answer(this, null, limit.end() ? OkHttpRequests.ranOutOfTime(e) : e);
      calledBack();
    }

    @Override
    public void onResponse(Call c, Response response) {
      answered(response);
      calledBack();
    }

    /** OkHttp called this attempt back, and it is answered (a response nobody waits for is closed): runs what waits. */
    private void calledBack() {
      Runnable after;
      synchronized (this) {
        calledBack = true;
        after = afterCallback;
        afterCallback = null;
      }
      if (after != null) {
        after.run();
      }
    }

    private void answered(Response response) {
      OkHttpResponse answer;
      try {
        answer = new OkHttpResponse(response, owner.peekLimit);
      } catch (RuntimeException e) {
        limit.end();
        response.close();
        owner.answer(this, null, e);
        return;
      }
      // A body cut off by the time limit while peeking is no answer either: the engine ends the call at its deadline.
      if (limit.end() || (answer.peekBroken() && System.nanoTime() - deadlineNanos >= 0)) {
        answer.close();
        owner.answer(this, null, OkHttpRequests.ranOutOfTime(null));
        return;
      }
      owner.answer(this, answer, null);
    }

    /** The engine cancels the attempt when the logical call is cancelled: stop the request and its time limit. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      call.cancel();
      DeadlineWatcher.Watch watch = limit;
      if (watch != null) {
        watch.end();
      }
      return cancelled;
    }
  }
}
