package dev.shippingresilience;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
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
  private final @Nullable String host;
  private final int port;
  private final String rawPath;
  private final @Nullable String rawQuery;
  /** Made on first use when the transport gave the parts ({@link #ofParts}); racy but idempotent. */
  private volatile @Nullable URI uri;
  private final @Nullable Supplier<URI> uriSource;
  private final HeaderValues headers;
  private final byte @Nullable [] body;

  private RequestSnapshot(String method, @Nullable String host, int port, @Nullable String rawPath,
      @Nullable String rawQuery, @Nullable URI uri, @Nullable Supplier<URI> uriSource, HeaderValues headers,
      byte @Nullable [] body) {
    this.method = method;
    this.host = host;
    this.port = port;
    this.rawPath = rawPath == null ? "/" : rawPath;
    this.rawQuery = rawQuery;
    this.uri = uri;
    this.uriSource = uriSource;
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
    return new RequestSnapshot(method.toUpperCase(Locale.ROOT), uri.getHost(), uri.getPort(), uri.getRawPath(),
        uri.getRawQuery(), uri, null, headers, body);
  }

  /**
   * {@return a snapshot of a request whose transport already holds its URL parsed: the {@link URI} is made only
   * when something asks for it} (a successful call never does). The parts must be those {@code uri} would give.
   *
   * @param method the HTTP method, any case
   * @param host the host as {@link URI#getHost()} gives it (an IPv6 address in brackets), or {@code null}
   * @param port the port as {@link URI#getPort()} gives it: {@code -1} when the URL names none
   * @param rawPath the raw (still percent-encoded) path as {@link URI#getRawPath()} gives it
   * @param rawQuery the raw query as {@link URI#getRawQuery()} gives it, or {@code null}
   * @param uri makes the absolute request URI, at most once per snapshot in the common case
   * @param headers the request headers
   * @param body the request body bytes, or {@code null} when absent or not repeatable; not copied
   */
  public static RequestSnapshot ofParts(String method, @Nullable String host, int port, String rawPath,
      @Nullable String rawQuery, Supplier<URI> uri, HeaderValues headers, byte @Nullable [] body) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(headers, "headers");
    return new RequestSnapshot(method.toUpperCase(Locale.ROOT), host, port, rawPath, rawQuery, null, uri, headers,
        body);
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
    URI u = uri;
    if (u == null) {
      u = Objects.requireNonNull(uriSource.get(), "uri");
      uri = u;
    }
    return u;
  }

  /** {@return the URI's host as {@link URI#getHost()} gives it, or {@code null}} */
  public @Nullable String host() {
    return host;
  }

  /** {@return the URI's port, {@code -1} when it names none} */
  public int port() {
    return port;
  }

  /** {@return the URI's raw path, {@code "/"} when it has none} */
  public String rawPath() {
    return rawPath;
  }

  /** {@return the URI's raw query, or {@code null}: may hold secrets} */
  public @Nullable String rawQuery() {
    return rawQuery;
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
    return method + " " + Redaction.defaults().url(uri().toString());
  }
}
