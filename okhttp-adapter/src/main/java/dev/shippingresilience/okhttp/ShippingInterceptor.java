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
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
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

  private final @Nullable ShippingPolicies policies;
  private final @Nullable ShippingPolicy policy;

  private ShippingInterceptor(@Nullable ShippingPolicies policies, @Nullable ShippingPolicy policy) {
    this.policies = policies;
    this.policy = policy;
  }

  /** Returns an interceptor that picks each request's policy from {@code policies} by host or tag. */
  public static ShippingInterceptor of(ShippingPolicies policies) {
    return new ShippingInterceptor(Objects.requireNonNull(policies, "policies"), null);
  }

  /** Returns an interceptor that applies {@code policy} to every request. */
  public static ShippingInterceptor of(ShippingPolicy policy) {
    return new ShippingInterceptor(null, Objects.requireNonNull(policy, "policy"));
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    // HttpUrl.uri() re-encodes the URL on every call: convert once.
    URI uri = request.url().uri();
    ShippingPolicy selected = select(request, uri);
    CallOptions options = options(request, chain);
    RequestBody body = request.body();
    boolean bodyRepeatable = body == null || (!body.isOneShot() && !body.isDuplex());
    if (!bodyRepeatable) {
      options = options.toBuilder().bodyRepeatable(false).build();
    }
    RequestSnapshot snapshot = RequestSnapshot.of(request.method(), uri, headers(request.headers()),
        bodyRepeatable ? bodyBytes(body) : null);
    int peekLimit = selected.classifier().peekLimit();
    boolean idempotent = snapshot.idempotentMethod();
    Attempt<Response> attempt = attemptRequest -> {
      Request toSend = build(request, attemptRequest);
      // OkHttp must not re-send a non-idempotent request on its own: the engine decides every repeat.
      Chain sendChain = idempotent || !attemptRequest.original() ? chain : chain.withRetryOnConnectionFailure(false);
      return new OkHttpResponse(sendChain.proceed(toSend), peekLimit);
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

  private static CallOptions options(Request request, Chain chain) {
    CallOptions tagged = request.tag(CallOptions.class);
    CallOptions.Builder b = tagged != null ? tagged.toBuilder() : CallOptions.builder();
    long callTimeoutNanos = chain.call().timeout().timeoutNanos();
    if (callTimeoutNanos > 0) {
      Duration callTimeout = Duration.ofNanos(callTimeoutNanos);
      if (tagged == null || tagged.deadline() == null || tagged.deadline().compareTo(callTimeout) > 0) {
        b.deadline(callTimeout);
      }
    }
    CancellationToken callerToken = tagged == null ? null : tagged.cancellation();
    b.cancellation(CancellationToken.watching(
        () -> chain.call().isCanceled() || (callerToken != null && callerToken.isCancelled())));
    return b.build();
  }

  private static Request build(Request original, AttemptRequest attempt) {
    Request.Builder b = original.newBuilder();
    if (!attempt.original()) {
      HttpUrl url = HttpUrl.get(attempt.uri().toString());
      b.url(url).method(attempt.method(), null).removeHeader("Content-Type").removeHeader("Content-Length");
    }
    attempt.extraHeaders().forEach(b::header);
    return b.build();
  }

  private static HeaderValues headers(okhttp3.Headers headers) {
    return HeaderValues.of(headers.toMultimap());
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

  /** Adapts an OkHttp response to the engine: a bounded peek for the snapshot, the untouched response for the caller. */
  private static final class OkHttpResponse implements ProviderResponse<Response> {
    private final Response response;
    private final ResponseSnapshot snapshot;

    OkHttpResponse(Response response, int peekLimit) throws IOException {
      this.response = response;
      ResponseSnapshot s;
      try {
        byte[] peeked = response.peekBody(peekLimit + 1L).bytes();
        boolean cut = peeked.length > peekLimit;
        s = ResponseSnapshot.of(response.code(), headers(response.headers()),
            cut ? Arrays.copyOf(peeked, peekLimit) : peeked, cut);
      } catch (IOException e) {
        // A body that breaks while peeking is not a body the peek limit cut: nothing of it is readable, so it is
        // never a success where the body must carry the code. The caller's read fails too.
        s = ResponseSnapshot.of(response.code(), headers(response.headers()), new byte[0], false);
      }
      this.snapshot = s;
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
