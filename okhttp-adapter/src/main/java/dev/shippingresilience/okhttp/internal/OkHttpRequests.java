package dev.shippingresilience.okhttp.internal;

import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResultHeaders;
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
      Request request, RequestSnapshot snapshot) {
    if (policy != null) {
      return policy;
    }
    ProviderTag tag = request.tag(ProviderTag.class);
    if (tag != null) {
      return policies.require(tag.providerId());
    }
    return policies.forHost(snapshot.host());
  }

  /** Returns whether {@code body} may be sent more than once: absent, or neither one-shot nor duplex. */
  public static boolean repeatable(@Nullable RequestBody body) {
    return body == null || (!body.isOneShot() && !body.isDuplex());
  }

  /**
   * Returns the engine's view of {@code request}: its body only when repeatable and small enough to read. The URL's
   * parts are OkHttp's own; its {@link URI} is made only if something asks for it (a successful call does not).
   */
  public static RequestSnapshot snapshot(Request request, boolean bodyRepeatable) throws IOException {
    HttpUrl url = request.url();
    HeaderValues headers = headers(request.headers());
    byte[] body = bodyRepeatable ? bodyBytes(request.body()) : null;
    String text = url.toString();
    if (!uriTakesAsItIs(text, text.indexOf('/', url.scheme().length() + 3))) {
      return RequestSnapshot.of(request.method(), uri(url), headers, body); // parts as the re-encoded URI has them
    }
    String host = url.host();
    return RequestSnapshot.ofParts(request.method(), host.indexOf(':') >= 0 ? "[" + host + "]" : host,
        url.port() == HttpUrl.defaultPort(url.scheme()) ? -1 : url.port(), url.encodedPath(), url.encodedQuery(),
        () -> uri(url), headers, body);
  }

  /**
   * Whether {@link URI} parses the path, query and fragment of {@code url} (from {@code pathStart}) as they are: only
   * characters RFC 3986 allows there, each {@code %} followed by two hex digits, one {@code #} at most. OkHttp leaves
   * a few more as they are ({@code |}, {@code [} ...); {@code false} is always safe (the URI is then made at once).
   */
  static boolean uriTakesAsItIs(String url, int pathStart) {
    if (pathStart < 0) {
      return false;
    }
    boolean fragment = false;
    for (int i = pathStart; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c >= 128 || !URI_CHARACTERS[c]) {
        return false;
      }
      if (c == '%' && (i + 2 >= url.length() || !hex(url.charAt(i + 1)) || !hex(url.charAt(i + 2)))) {
        return false;
      }
      if (c == '#') {
        if (fragment) {
          return false;
        }
        fragment = true;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  /** The characters RFC 3986 allows in a path, query or fragment, by code: {@code pchar / "/" / "?"}, {@code %, #}. */
  private static final boolean[] URI_CHARACTERS = new boolean[128];

  static {
    String allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!$&'()*+,;=%";
    for (int i = 0; i < allowed.length(); i++) {
      URI_CHARACTERS[allowed.charAt(i)] = true;
    }
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
    Response response = result.response();
    Response.Builder out = response.newBuilder();
    if (carriesResultHeaders(response.headers())) {
      result.resultHeaders().forEach(out::header); // replaces what the provider (or anyone) sent under our names
    } else {
      result.resultHeaders().forEach(out::addHeader); // nothing to replace: no scan of the headers per name
    }
    return out.build();
  }

  /** Whether any header's name starts with the result headers' common prefix, in any case. */
  private static boolean carriesResultHeaders(Headers headers) {
    for (int i = 0, n = headers.size(); i < n; i++) {
      if (headers.name(i).regionMatches(true, 0, ResultHeaders.PREFIX, 0, ResultHeaders.PREFIX.length())) {
        return true;
      }
    }
    return false;
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

  /** The failure of an attempt that ran out of the call's time: the engine then ends the call at its deadline. */
  public static InterruptedIOException ranOutOfTime(@Nullable IOException cause) {
    InterruptedIOException e = new InterruptedIOException("the attempt ran out of the call's time");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }
}
