package dev.shippingresilience.okhttp;

import dev.shippingresilience.Attempt;
import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.CancellationToken;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.ResultHeaders;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.okhttp.internal.DeadlineWatcher;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
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
  public static final long MAX_SNAPSHOT_REQUEST_BODY = 256 * 1024;

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
    URI uri = uri(request.url());
    ShippingPolicy selected = select(request, uri);
    RequestBody body = request.body();
    boolean bodyRepeatable = body == null || (!body.isOneShot() && !body.isDuplex());
    RequestSnapshot snapshot = RequestSnapshot.of(request.method(), uri, headers(request.headers()),
        bodyRepeatable ? bodyBytes(body) : null);
    int peekLimit = selected.classifier().peekLimit();
    boolean idempotent = snapshot.idempotentMethod();
    // Set when an attempt ran out of the call's time and this interceptor cancelled the call: not the caller's cancel.
    AtomicBoolean ranOut = new AtomicBoolean();
    // Last, so that a deadline taken from the call timeout counts the time already spent here.
    CallOptions options = options(request, chain, bodyRepeatable, enteredNanos, ranOut);
    Attempt<Response> attempt = attemptRequest -> {
      Request toSend = build(request, attemptRequest);
      // OkHttp must not re-send a non-idempotent request on its own: the engine decides every repeat.
      Chain sendChain = idempotent || !attemptRequest.original() ? chain : chain.withRetryOnConnectionFailure(false);
      return send(sendChain, toSend, attemptRequest.timeLeft(), peekLimit, ranOut);
    };
    try {
      CallResult<Response> result = selected.execute(snapshot, options, attempt);
      Response.Builder out = result.response().newBuilder();
      result.resultHeaders().forEach(out::header);
      return out.build();
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      // Anything but an IOException would crash OkHttp's async dispatcher.
      throw new IOException("shipping-resilience: unexpected " + e.getClass().getName(), e);
    }
  }

  private ShippingPolicy select(Request request, URI uri) {
    if (policy != null) {
      return policy;
    }
    ProviderTag tag = request.tag(ProviderTag.class);
    if (tag != null) {
      return policies.require(tag.providerId());
    }
    return policies.forUri(uri);
  }

  private static CallOptions options(Request request, Chain chain, boolean bodyRepeatable, long enteredNanos,
      AtomicBoolean ranOut) {
    CallOptions tagged = request.tag(CallOptions.class);
    CallOptions.Builder b = tagged != null ? tagged.toBuilder() : CallOptions.builder();
    if (!bodyRepeatable) {
      b.bodyRepeatable(false);
    }
    long callTimeoutNanos = chain.call().timeout().timeoutNanos();
    if (callTimeoutNanos > 0) {
      // OkHttp's timer started just before this interceptor: end the engine's deadline a little earlier than it
      long margin = Math.min(TimeUnit.MILLISECONDS.toNanos(CALL_TIMEOUT_MARGIN_MILLIS), callTimeoutNanos / 10);
      long spent = System.nanoTime() - enteredNanos;
      Duration callTimeout = Duration.ofNanos(Math.max(1, callTimeoutNanos - margin - spent));
      if (tagged == null || tagged.deadline() == null || tagged.deadline().compareTo(callTimeout) > 0) {
        b.deadline(callTimeout);
      }
    }
    Call call = chain.call();
    CancellationToken callerToken = tagged == null ? null : tagged.cancellation();
    // A call this interceptor cancelled because an attempt ran out of time ends with the deadline, not as cancelled.
    b.cancellation(CancellationToken.watching(() -> (call.isCanceled() && !ranOut.get())
        || (callerToken != null && callerToken.isCancelled())));
    return b.build();
  }

  /**
   * Sends one attempt with no more than {@code timeLeft}: as connect, write and read timeouts (the shorter of the
   * client's and the time left), and as a limit on the whole exchange up to the peeked body, after which the call
   * is cancelled (a body dripping in slowly passes every per-read timeout).
   *
   * @throws InterruptedIOException when the time ran out (the engine then ends the call at its deadline)
   */
  private static OkHttpResponse send(Chain chain, Request toSend, Duration timeLeft, int peekLimit,
      AtomicBoolean ranOut) throws IOException {
    long budgetMillis = ceilMillis(timeLeft);
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
    Call call = chain.call();
    // Cancels the call when the attempt runs out of time, on the watcher's thread, as OkHttp's call timeout does.
    DeadlineWatcher.Watch limit = DeadlineWatcher.shared().watch(deadlineNanos, () -> {
      ranOut.set(true);
      call.cancel();
    });
    OkHttpResponse response;
    try {
      response = new OkHttpResponse(bounded.proceed(toSend), peekLimit);
    } catch (IOException e) {
      throw limit.end() ? ranOutOfTime(e) : e;
    } catch (RuntimeException e) {
      limit.end();
      throw e;
    }
    // A body cut off by the read timeout at the deadline is no answer either: end the call at its deadline.
    if (limit.end() || (response.peekBroken() && System.nanoTime() - deadlineNanos >= 0)) {
      response.close();
      throw ranOutOfTime(null);
    }
    return response;
  }

  private static InterruptedIOException ranOutOfTime(@Nullable IOException cause) {
    InterruptedIOException e = new InterruptedIOException("the attempt ran out of the call's time");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** Returns {@code timeLeft} in milliseconds, rounded up so that a timeout never fires before the deadline. */
  private static long ceilMillis(Duration timeLeft) {
    long millis = timeLeft.toMillis();
    return timeLeft.minusMillis(millis).isZero() ? Math.max(1, millis) : millis + 1;
  }

  /** Returns the shorter of a client timeout ({@code 0}: none) and {@code budgetMillis}, as OkHttp takes it. */
  private static int bounded(int clientMillis, long budgetMillis) {
    if (budgetMillis > Integer.MAX_VALUE) {
      return clientMillis;
    }
    return clientMillis == 0 ? (int) budgetMillis : (int) Math.min(clientMillis, budgetMillis);
  }

  private static Request build(Request original, AttemptRequest attempt) {
    if (attempt.original() && attempt.extraHeaders().isEmpty()) {
      return original; // the first send of a request that needs no idempotency key: nothing to change
    }
    Request.Builder b = original.newBuilder();
    if (!attempt.original()) {
      HttpUrl url = HttpUrl.get(attempt.uri().toString());
      b.url(url).method(attempt.method(), null).removeHeader("Content-Type").removeHeader("Content-Length");
    }
    attempt.extraHeaders().forEach(b::header);
    return b.build();
  }

  /**
   * Returns the URL as a {@link URI}. {@code HttpUrl.uri()} re-encodes the whole URL (about 2 µs and 3 KB a call);
   * a URL that {@link URI} accepts as it is needs no re-encoding, so that is tried first.
   */
  static URI uri(HttpUrl url) {
    try {
      return new URI(url.toString());
    } catch (URISyntaxException e) {
      return url.uri(); // characters that URI refuses but OkHttp allows ({, |, ^ ...): OkHttp re-encodes them
    }
  }

  /** Copies the fields into one array, in order, without grouping them by name. */
  private static HeaderValues headers(okhttp3.Headers headers) {
    int size = headers.size();
    String[] fields = new String[size * 2];
    for (int i = 0; i < size; i++) {
      fields[2 * i] = headers.name(i);
      fields[2 * i + 1] = headers.value(i);
    }
    return HeaderValues.of(fields);
  }

  private static byte @Nullable [] bodyBytes(@Nullable RequestBody body) throws IOException {
    if (body == null) {
      return null;
    }
    long length = body.contentLength();
    if (length < 0 || length > MAX_SNAPSHOT_REQUEST_BODY) {
      return null;
    }
    Buffer buffer = new Buffer();
    body.writeTo(buffer);
    return buffer.readByteArray();
  }

  private static final byte[] EMPTY_BODY = new byte[0];

  /** Receives {@code Buffer.copyTo}'s segments into an array of the right size. */
  private static final class ArrayOutput extends java.io.OutputStream {
    private final byte[] target;
    private int position;

    ArrayOutput(byte[] target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      target[position++] = (byte) b;
    }

    @Override
    public void write(byte[] data, int offset, int length) {
      System.arraycopy(data, offset, target, position, length);
      position += length;
    }
  }

  /** Adapts an OkHttp response to the engine: a bounded peek for the snapshot, the untouched response for the caller. */
  private static final class OkHttpResponse implements ProviderResponse<Response> {
    private final Response response;
    private final ResponseSnapshot snapshot;
    private final boolean peekBroken;

    OkHttpResponse(Response response, int peekLimit) throws IOException {
      this.response = response;
      ResponseSnapshot s;
      boolean broken = false;
      try {
        byte[] peeked = peek(response, peekLimit);
        boolean cut = peeked.length > peekLimit;
        s = ResponseSnapshot.of(response.code(), headers(response.headers()),
            cut ? Arrays.copyOf(peeked, peekLimit) : peeked, cut);
      } catch (IOException e) {
        // A body that breaks while peeking is not a body the peek limit cut: nothing of it is readable, so it is
        // never a success where the body must carry the code. The caller's read fails too.
        s = ResponseSnapshot.of(response.code(), headers(response.headers()), new byte[0], false);
        broken = true;
      }
      this.snapshot = s;
      this.peekBroken = broken;
    }

    /**
     * Returns up to {@code peekLimit + 1} bytes of the body without consuming them. Copied out of the source's own
     * buffer: {@code Response.peekBody} would share the buffer's segments, which then cannot be reused, so the
     * caller's read of the body would allocate fresh 8 KiB segments.
     */
    private static byte[] peek(Response response, int peekLimit) throws IOException {
      ResponseBody body = response.body();
      BufferedSource source = body.source();
      source.request(peekLimit + 1L);
      Buffer buffer = source.getBuffer();
      int length = (int) Math.min(buffer.size(), peekLimit + 1L);
      if (length == 0) {
        return EMPTY_BODY;
      }
      byte[] out = new byte[length];
      buffer.copyTo(new ArrayOutput(out), 0, length);
      return out;
    }

    /** Returns {@code true} when reading the body for the snapshot failed. */
    boolean peekBroken() {
      return peekBroken;
    }

    @Override
    public ResponseSnapshot snapshot() {
      return snapshot;
    }

    @Override
    public Response unwrap() {
      return response;
    }

    @Override
    public void close() {
      response.close();
    }
  }

  @Override
  public String toString() {
    return "ShippingInterceptor{" + (policy != null ? policy.provider() : "by host") + "}";
  }
}
