package dev.shippingresilience.okhttp.internal;

import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.okhttp.ProviderTag;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * How the OkHttp adapter reads a request and writes an attempt: once for the interceptor and the call factory.
 * Static methods only; none allocates more than what it returns.
 */
public final class OkHttpRequests {
  /** Request bodies larger than this are not read to find the carrier scope: {@value} bytes. */
  public static final long MAX_SNAPSHOT_REQUEST_BODY = 256 * 1024;

  private OkHttpRequests() {}

  /**
   * Returns the policy for {@code request}: {@code policy} when one is fixed, else the {@link ProviderTag}'s, else
   * the one whose profile names the URL's host.
   */
  public static ShippingPolicy select(@Nullable ShippingPolicies policies, @Nullable ShippingPolicy policy,
      Request request, URI uri) {
    if (policy != null) {
      return policy;
    }
    ProviderTag tag = request.tag(ProviderTag.class);
    if (tag != null) {
      return policies.require(tag.providerId());
    }
    return policies.forUri(uri);
  }

  /** Returns whether {@code body} may be sent more than once: absent, or neither one-shot nor duplex. */
  public static boolean repeatable(@Nullable RequestBody body) {
    return body == null || (!body.isOneShot() && !body.isDuplex());
  }

  /** Returns the engine's view of {@code request}: its body only when repeatable and small enough to read. */
  public static RequestSnapshot snapshot(Request request, URI uri, boolean bodyRepeatable) throws IOException {
    return RequestSnapshot.of(request.method(), uri, headers(request.headers()),
        bodyRepeatable ? bodyBytes(request.body()) : null);
  }

  /**
   * Starts the call's options from the request's {@link CallOptions} tag ({@code tagged}, may be {@code null}): a
   * body that is not repeatable marks the call so, and a {@code callTimeout} ({@code null}: none) shortens the
   * deadline to it.
   */
  public static CallOptions.Builder options(@Nullable CallOptions tagged, boolean bodyRepeatable,
      @Nullable Duration callTimeout) {
    CallOptions.Builder b = tagged != null ? tagged.toBuilder() : CallOptions.builder();
    if (!bodyRepeatable) {
      b.bodyRepeatable(false);
    }
    if (callTimeout != null
        && (tagged == null || tagged.deadline() == null || tagged.deadline().compareTo(callTimeout) > 0)) {
      b.deadline(callTimeout);
    }
    return b;
  }

  /** Returns the request to send for {@code attempt}: the original itself when nothing changes. */
  public static Request build(Request original, AttemptRequest attempt) {
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

  /** Returns the final response with the call's four result headers added. */
  public static Response withResultHeaders(CallResult<Response> result) {
    Response.Builder out = result.response().newBuilder();
    result.resultHeaders().forEach(out::header);
    return out.build();
  }

  /**
   * Returns {@code failure} as the {@link IOException} an OkHttp caller may receive: anything else would crash
   * OkHttp's async dispatcher.
   */
  public static IOException unexpected(Throwable failure) {
    return new IOException("shipping-resilience: unexpected " + failure.getClass().getName(), failure);
  }

  /**
   * Returns the URL as a {@link URI}. {@code HttpUrl.uri()} re-encodes the whole URL (about 2 µs and 3 KB a call);
   * a URL that {@link URI} accepts as it is needs no re-encoding, so that is tried first.
   */
  public static URI uri(HttpUrl url) {
    try {
      return new URI(url.toString());
    } catch (URISyntaxException e) {
      return url.uri(); // characters that URI refuses but OkHttp allows ({, |, ^ ...): OkHttp re-encodes them
    }
  }

  /** Copies the fields into one array, in order, without grouping them by name. */
  public static HeaderValues headers(Headers headers) {
    return HeaderValues.of(headers.size(), headers::name, headers::value);
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

  /** Returns {@code timeLeft} in milliseconds, rounded up so that a timeout never fires before the deadline. */
  public static long ceilMillis(Duration timeLeft) {
    long millis = timeLeft.toMillis();
    return timeLeft.minusMillis(millis).isZero() ? Math.max(1, millis) : millis + 1;
  }

  /** The failure of an attempt that ran out of the call's time: the engine then ends the call at its deadline. */
  public static InterruptedIOException ranOutOfTime(@Nullable IOException cause) {
    InterruptedIOException e = new InterruptedIOException("the attempt ran out of the call's time");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }
}
