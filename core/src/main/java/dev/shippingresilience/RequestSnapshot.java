package dev.shippingresilience;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the classifier and the engine know about a request: method, URL, headers and, when the transport can
 * give it cheaply and repeatably, the body bytes (used to find the carrier scope, e.g. Clickpost's
 * {@code courier_partner}). Immutable.
 *
 * <p>{@link #toString()} redacts secrets.
 */
public final class RequestSnapshot {
  private final String method;
  private final URI uri;
  private final HeaderValues headers;
  private final byte @Nullable [] body;

  private RequestSnapshot(String method, URI uri, HeaderValues headers, byte @Nullable [] body) {
    this.method = method;
    this.uri = uri;
    this.headers = headers;
    this.body = body;
  }

  /**
   * {@return a snapshot of a request}
   *
   * @param method the HTTP method, any case
   * @param uri the absolute request URI
   * @param headers the request headers
   * @param body the request body bytes, or {@code null} when absent or not repeatable; not copied, do not
   *     modify it afterwards
   */
  public static RequestSnapshot of(String method, URI uri, HeaderValues headers, byte @Nullable [] body) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(headers, "headers");
    return new RequestSnapshot(method.toUpperCase(Locale.ROOT), uri, headers, body);
  }

  /**
   * {@return a body-less snapshot of {@code method url}, e.g. {@code of("GET", "https://api.17track.net/x")}}
   *
   * @param method the HTTP method, any case
   * @param url the absolute request URL
   */
  public static RequestSnapshot of(String method, String url) {
    return of(method, URI.create(url), HeaderValues.empty(), null);
  }

  /** {@return the upper-case HTTP method} */
  public String method() {
    return method;
  }

  /** {@return the request URI, including any secret query parameters: redact before logging} */
  public URI uri() {
    return uri;
  }

  /** {@return the request headers} */
  public HeaderValues headers() {
    return headers;
  }

  /** {@return the body bytes, or {@code null} when unknown} Do not modify the array. */
  public byte @Nullable [] body() {
    return body;
  }

  /** {@return {@code true} for methods RFC 9110 defines as idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE)} */
  public boolean idempotentMethod() {
    switch (method) {
      case "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE":
        return true;
      default:
        return false;
    }
  }

  /** Returns the method and the redacted URL. */
  @Override
  public String toString() {
    return method + " " + Redaction.defaults().url(uri.toString());
  }
}
