package dev.shippingresilience.okhttp;

import dev.shippingresilience.Attempt;
import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CancellationToken;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResultHeaders;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.okhttp.internal.DeadlineWatcher;
import dev.shippingresilience.okhttp.internal.OkHttpRequests;
import dev.shippingresilience.okhttp.internal.OkHttpResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * An OkHttp <em>application</em> interceptor that applies the shipping-resilience engine to every call: it picks
 * the provider's policy (by request host, or a {@link ProviderTag}), classifies each response from a bounded peek
 * of its body, and lets the core engine retry, poll, break or fail. The caller receives the final response with its
 * full body unread.
 *
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder()
 *     .addInterceptor(ShippingInterceptor.of(ShippingPolicies.builder().build()))
 *     .build();
 * }</pre>
 *
 * <p>Per-request overrides travel as request tags: {@code .tag(CallOptions.class, CallOptions.builder()
 * .operation("create-order").carrier("5").idempotencyKey(key).deadline(Duration.ofSeconds(30)).build())} and
 * {@code .tag(ProviderTag.class, new ProviderTag("clickpost"))}.
 *
 * <p>Duties, per OkHttp's interceptor contract: every intermediate response is closed before the next attempt;
 * only {@link IOException}s escape (the engine's are {@link dev.shippingresilience.ShippingCallException}s); a
 * one-shot or duplex request body is never sent twice; for non-idempotent requests OkHttp's own
 * {@code retryOnConnectionFailure} is switched off for the call, so a POST is never re-sent silently behind the
 * engine's back; {@code Call.cancel()} and the call timeout stop waits and polls promptly.
 *
 * <p>The call's deadline ({@link CallOptions#deadline()}, the policy's, or the call timeout, whichever ends first)
 * covers the request in flight: each attempt gets only the time left, as its connect, write and read timeouts
 * (each the shorter of the client's and the time left; OkHttp applies the read timeout to each read) and as a
 * limit on the whole exchange up to the classified peek of the body, after which the call is cancelled. The call
 * then ends with {@link dev.shippingresilience.DeadlineExceededException} carrying the last classification. The
 * caller's own read of the final body is bounded per read only. With a call timeout, the engine's deadline ends
 * 10 ms (at most a tenth) before it, so that the engine, not OkHttp's timer, ends the call.
 *
 * <p>The final response carries four added headers so callers can see the decision: {@value #DECISION_HEADER},
 * {@value #DUPLICATE_HEADER}, {@value #ATTEMPTS_HEADER} and, when the provider sent a code, {@value #CODE_HEADER}.
 *
 * <p>Thread-safe; add one instance to a client and share it.
 */
public final class ShippingInterceptor implements Interceptor {
  /** Response header added with the final decision, e.g. {@code SUCCEED}. */
  public static final String DECISION_HEADER = ResultHeaders.DECISION;
  /** Response header added with {@code true} when an earlier attempt already reached the goal (Clickpost 323). */
  public static final String DUPLICATE_HEADER = ResultHeaders.DUPLICATE;
  /** Response header added with the number of sends, polls included. */
  public static final String ATTEMPTS_HEADER = ResultHeaders.ATTEMPTS;
  /** Response header added with the provider code of the final response, when it had one. */
  public static final String CODE_HEADER = ResultHeaders.CODE;

  /** Request bodies larger than this are not read to find the carrier scope: {@value} bytes. */
  public static final long MAX_SNAPSHOT_REQUEST_BODY = OkHttpRequests.MAX_SNAPSHOT_REQUEST_BODY;

  /**
   * How much earlier than the call timeout the engine's deadline ends (at most a tenth of the timeout). OkHttp starts
   * the call timeout before this interceptor runs; ending a little earlier lets the engine end the call with
   * {@link dev.shippingresilience.DeadlineExceededException} instead of being cancelled by OkHttp's timer.
   */
  private static final long CALL_TIMEOUT_MARGIN_MILLIS = 10;

  private final @Nullable ShippingPolicies policies;
  private final @Nullable ShippingPolicy policy;

  private ShippingInterceptor(@Nullable ShippingPolicies policies, @Nullable ShippingPolicy policy) {
    this.policies = policies;
    this.policy = policy;
  }

  /**
   * {@return an interceptor that picks each request's policy from {@code policies} by host or tag}
   *
   * @param policies the policies, one per provider
   */
  public static ShippingInterceptor of(ShippingPolicies policies) {
    return new ShippingInterceptor(Objects.requireNonNull(policies, "policies"), null);
  }

  /**
   * {@return an interceptor that applies {@code policy} to every request}
   *
   * @param policy the policy
   */
  public static ShippingInterceptor of(ShippingPolicy policy) {
    return new ShippingInterceptor(null, Objects.requireNonNull(policy, "policy"));
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    long enteredNanos = System.nanoTime();
    Request request = chain.request();
    boolean bodyRepeatable = OkHttpRequests.repeatable(request.body());
    RequestSnapshot snapshot = OkHttpRequests.snapshot(request, bodyRepeatable);
    ShippingPolicy selected = OkHttpRequests.select(policies, policy, request, snapshot);
    int peekLimit = selected.classifier().peekLimit();
    CallOptions tagged = request.tag(CallOptions.class);
    InterceptedCall intercepted = new InterceptedCall(chain, request, snapshot.idempotentMethod(), peekLimit,
        tagged == null ? null : tagged.cancellation());
    // Last, so that a deadline taken from the call timeout counts the time already spent here.
    CallOptions options = options(tagged, chain, bodyRepeatable, enteredNanos, intercepted);
    try {
      return OkHttpRequests.withResultHeaders(selected.execute(snapshot, options, intercepted));
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      // Anything but an IOException would crash OkHttp's async dispatcher.
      throw OkHttpRequests.unexpected(e);
    }
  }

  private static CallOptions options(@Nullable CallOptions tagged, Chain chain, boolean bodyRepeatable,
      long enteredNanos, InterceptedCall intercepted) {
    Duration callTimeout = null;
    long callTimeoutNanos = chain.call().timeout().timeoutNanos();
    if (callTimeoutNanos > 0) {
      // OkHttp's timer started just before this interceptor: end the engine's deadline a little earlier than it
      long margin = Math.min(TimeUnit.MILLISECONDS.toNanos(CALL_TIMEOUT_MARGIN_MILLIS), callTimeoutNanos / 10);
      long spent = System.nanoTime() - enteredNanos;
      callTimeout = Duration.ofNanos(Math.max(1, callTimeoutNanos - margin - spent));
    }
    CallOptions.Builder b = OkHttpRequests.options(tagged, bodyRepeatable, callTimeout);
    return b.cancellation(CancellationToken.watching(intercepted)).build();
  }

  /**
   * One intercepted call's state, and each thing the engine and the deadline watcher call back: the attempt, the
   * cancellation signal and the action at an attempt's deadline. One object instead of a flag and three lambdas.
   */
  private static final class InterceptedCall implements Attempt<Response>, BooleanSupplier, Runnable {
    private final Chain chain;
    private final Request request;
    private final boolean idempotent;
    private final int peekLimit;
    /** The caller's own token, when its {@link CallOptions} tag has one. */
    private final @Nullable CancellationToken callerToken;
    /**
     * Set when an attempt ran out of the call's time and this interceptor cancelled the call: not the caller's
     * cancel.
     */
    private volatile boolean ranOut;

    InterceptedCall(Chain chain, Request request, boolean idempotent, int peekLimit,
        @Nullable CancellationToken callerToken) {
      this.chain = chain;
      this.request = request;
      this.idempotent = idempotent;
      this.peekLimit = peekLimit;
      this.callerToken = callerToken;
    }

    /** Sends one attempt. */
    @Override
    public OkHttpResponse send(AttemptRequest attemptRequest) throws IOException {
      Request toSend = OkHttpRequests.build(request, attemptRequest);
      // OkHttp must not re-send a non-idempotent request on its own: the engine decides every repeat.
      Chain sendChain = idempotent || !attemptRequest.original() ? chain : chain.withRetryOnConnectionFailure(false);
      return ShippingInterceptor.send(sendChain, toSend, attemptRequest.timeLeftMillis(), peekLimit, this);
    }

    /**
     * Whether the call counts as cancelled: OkHttp's call was cancelled by someone else than this interceptor (a
     * call it cancelled because an attempt ran out of time ends with the deadline), or the caller's token was.
     */
    @Override
    public boolean getAsBoolean() {
      return (chain.call().isCanceled() && !ranOut) || (callerToken != null && callerToken.isCancelled());
    }

    /** At an attempt's deadline, on the watcher's thread: cancels the call, as OkHttp's call timeout does. */
    @Override
    public void run() {
      ranOut = true;
      chain.call().cancel();
    }
  }

  /**
   * Sends one attempt with no more than {@code budgetMillis}: as connect, write and read timeouts (the shorter of the
   * client's and the time left), and as a limit on the whole exchange up to the peeked body, after which the call
   * is cancelled (a body dripping in slowly passes every per-read timeout).
   *
   * @throws InterruptedIOException when the time ran out (the engine then ends the call at its deadline)
   */
  private static OkHttpResponse send(Chain chain, Request toSend, long budgetMillis, int peekLimit,
      Runnable onDeadline) throws IOException {
    // each with... copies the chain: only where the time left is shorter than the client's own timeout
    Chain bounded = chain;
    int connect = bounded(chain.connectTimeoutMillis(), budgetMillis);
    if (connect != chain.connectTimeoutMillis()) {
      bounded = bounded.withConnectTimeout(connect, TimeUnit.MILLISECONDS);
    }
    int write = bounded(chain.writeTimeoutMillis(), budgetMillis);
    if (write != chain.writeTimeoutMillis()) {
      bounded = bounded.withWriteTimeout(write, TimeUnit.MILLISECONDS);
    }
    int read = bounded(chain.readTimeoutMillis(), budgetMillis);
    if (read != chain.readTimeoutMillis()) {
      bounded = bounded.withReadTimeout(read, TimeUnit.MILLISECONDS);
    }
    long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
    // Cancels the call when the attempt runs out of time, on the watcher's thread, as OkHttp's call timeout does.
    DeadlineWatcher.Watch limit = DeadlineWatcher.shared().watch(deadlineNanos, onDeadline);
    OkHttpResponse response;
    try {
      response = new OkHttpResponse(bounded.proceed(toSend), peekLimit);
    } catch (IOException e) {
      throw limit.end() ? OkHttpRequests.ranOutOfTime(e) : e;
    } catch (RuntimeException e) {
      limit.end();
      throw e;
    }
    // A body cut off by the read timeout at the deadline is no answer either: end the call at its deadline.
    if (limit.end() || (response.peekBroken() && System.nanoTime() - deadlineNanos >= 0)) {
      response.close();
      throw OkHttpRequests.ranOutOfTime(null);
    }
    return response;
  }

  /** Returns the shorter of a client timeout ({@code 0}: none) and {@code budgetMillis}, as OkHttp takes it. */
  private static int bounded(int clientMillis, long budgetMillis) {
    if (budgetMillis > Integer.MAX_VALUE) {
      return clientMillis;
    }
    return clientMillis == 0 ? (int) budgetMillis : (int) Math.min(clientMillis, budgetMillis);
  }

  @Override
  public String toString() {
    return "ShippingInterceptor{" + (policy != null ? policy.provider() : "by host") + "}";
  }
}
