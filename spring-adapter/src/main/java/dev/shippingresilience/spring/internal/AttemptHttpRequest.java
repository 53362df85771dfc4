package dev.shippingresilience.spring.internal;

import dev.shippingresilience.AttemptRequest;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * The request one attempt sends: the original with the engine's extra headers (an idempotency key), or a poll
 * request built by the profile (another method and URL, no body, the original headers less the body's). The
 * original request's headers are never modified; attributes are shared with it.
 */
public final class AttemptHttpRequest extends HttpRequestWrapper {
  private static final byte[] NO_BODY = new byte[0];

  private final HttpMethod method;
  private final URI uri;
  private final HttpHeaders headers;

  private AttemptHttpRequest(HttpRequest original, HttpMethod method, URI uri, HttpHeaders headers) {
    super(original);
    this.method = method;
    this.uri = uri;
    this.headers = headers;
  }

  /** Returns the request to send for {@code attempt}: {@code original} itself when nothing changes. */
  public static HttpRequest of(HttpRequest original, AttemptRequest attempt) {
    if (attempt.original() && attempt.extraHeaders().isEmpty()) {
      return original;
    }
    HttpHeaders headers = new HttpHeaders();
    headers.putAll(original.getHeaders());
    if (!attempt.original()) {
      removeBodyHeaders(headers);
    }
    attempt.extraHeaders().forEach(headers::set);
    return attempt.original()
        ? new AttemptHttpRequest(original, original.getMethod(), original.getURI(), headers)
        : new AttemptHttpRequest(original, HttpMethod.valueOf(attempt.method()), attempt.uri(), headers);
  }

  /** Removes the headers that describe a body: a poll request has none, and the original's would be wrong. */
  public static void removeBodyHeaders(HttpHeaders headers) {
    headers.remove(HttpHeaders.CONTENT_TYPE);
    headers.remove(HttpHeaders.CONTENT_LENGTH);
    headers.remove(HttpHeaders.CONTENT_ENCODING);
    headers.remove(HttpHeaders.TRANSFER_ENCODING);
  }

  /** Returns the body to send for {@code attempt}: the original body, or none for a poll request. */
  public static byte[] body(byte[] original, AttemptRequest attempt) {
    return attempt.original() ? original : NO_BODY;
  }

  @Override
  public HttpMethod getMethod() {
    return method;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }
}
