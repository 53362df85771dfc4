package dev.shippingresilience;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the engine asks the transport to send for one attempt: the original request (plus extra headers such as an
 * idempotency key) or, when polling with a profile-built poll request, a different method and URL. Immutable; equal
 * when every component is.
 */
public final class AttemptRequest {
  private final int attempt;
  private final int poll;
  private final boolean original;
  private final String method;
  /** The URL, or {@code null} while it is the original request's and nobody asked for it. */
  private final @Nullable URI uri;
  private final @Nullable RequestSnapshot request;
  private final Map<String, String> extraHeaders;
  private final Duration timeLeft;

  /**
   * Creates an attempt; copies the headers.
   *
   * @param attempt the attempt number, 1 for the first send (polls not counted)
   * @param poll the poll number, 0 unless this send is a poll
   * @param original {@code true} to send the original request; {@code false} to send {@link #method()} to
   *     {@link #uri()} without a body and with the original headers
   * @param method the method to send
   * @param uri the URL to send to
   * @param extraHeaders headers to add or replace (e.g. {@code Idempotency-Key})
   * @param timeLeft the time left until the call's deadline when this attempt is handed to the transport (positive):
   *     a transport should give the attempt no more than this for connecting, writing and reading, so that a request
   *     already sent cannot outlive the deadline
   * @throws IllegalArgumentException if {@code timeLeft} is not positive
   */
  public AttemptRequest(int attempt, int poll, boolean original, String method, URI uri,
      Map<String, String> extraHeaders, Duration timeLeft) {
    this(attempt, poll, original, method, Objects.requireNonNull(uri, "uri"), null, extraHeaders, timeLeft);
  }

  /**
   * Creates an attempt with no deadline of its own (the longest duration a policy takes, 3650 days, left).
   *
   * @param attempt the attempt number, 1 for the first send (polls not counted)
   * @param poll the poll number, 0 unless this send is a poll
   * @param original {@code true} to send the original request; {@code false} to send {@link #method()} to
   *     {@link #uri()} without a body and with the original headers
   * @param method the method to send
   * @param uri the URL to send to
   * @param extraHeaders headers to add or replace (e.g. {@code Idempotency-Key})
   */
  public AttemptRequest(int attempt, int poll, boolean original, String method, URI uri,
      Map<String, String> extraHeaders) {
    this(attempt, poll, original, method, uri, extraHeaders, ShippingPolicy.LONGEST);
  }

  /** The attempt that sends {@code request} itself: its URI is made only if a transport or a listener asks. */
  AttemptRequest(int attempt, int poll, RequestSnapshot request, Map<String, String> extraHeaders) {
    this(attempt, poll, true, request.method(), null, request, extraHeaders, ShippingPolicy.LONGEST);
  }

  private AttemptRequest(int attempt, int poll, boolean original, String method, @Nullable URI uri,
      @Nullable RequestSnapshot request, Map<String, String> extraHeaders, Duration timeLeft) {
    this.attempt = attempt;
    this.poll = poll;
    this.original = original;
    this.method = Objects.requireNonNull(method, "method");
    this.uri = uri;
    this.request = request;
    this.extraHeaders = Map.copyOf(extraHeaders);
    Objects.requireNonNull(timeLeft, "timeLeft");
    if (timeLeft.isNegative() || timeLeft.isZero()) {
      throw new IllegalArgumentException("Invalid timeLeft (" + timeLeft + "): must be positive");
    }
    this.timeLeft = timeLeft;
  }

  /** {@return the attempt number, 1 for the first send (polls not counted)} */
  public int attempt() {
    return attempt;
  }

  /** {@return the poll number, 0 unless this send is a poll} */
  public int poll() {
    return poll;
  }

  /**
   * {@return {@code true} to send the original request; {@code false} to send {@link #method()} to {@link #uri()}
   * without a body and with the original headers}
   */
  public boolean original() {
    return original;
  }

  /** {@return the method to send} */
  public String method() {
    return method;
  }

  /** {@return the URL to send to} */
  public URI uri() {
    return uri != null ? uri : request.uri();
  }

  /** {@return headers to add or replace (e.g. {@code Idempotency-Key})} */
  public Map<String, String> extraHeaders() {
    return extraHeaders;
  }

  /**
   * {@return the time left until the call's deadline when this attempt is handed to the transport} A transport
   * should give the attempt no more than this for connecting, writing and reading.
   */
  public Duration timeLeft() {
    return timeLeft;
  }

  /**
   * {@return {@link #timeLeft()} in whole milliseconds, rounded up and at least 1} What a transport whose timeouts
   * count milliseconds should give the attempt: a timeout set to it never fires before the call's deadline.
   */
  public long timeLeftMillis() {
    long millis = timeLeft.toMillis();
    return timeLeft.getNano() % 1_000_000 == 0 ? Math.max(1, millis) : millis + 1;
  }

  /**
   * {@return this attempt with {@code timeLeft} until the call's deadline}
   *
   * @param timeLeft the time left until the call's deadline; positive
   */
  public AttemptRequest withTimeLeft(Duration timeLeft) {
    return new AttemptRequest(attempt, poll, original, method, uri, request, extraHeaders, timeLeft);
  }

  /** {@return the same request as another attempt or poll, with no deadline of its own yet} */
  AttemptRequest numbered(int attempt, int poll) {
    return new AttemptRequest(attempt, poll, original, method, uri, request, extraHeaders, ShippingPolicy.LONGEST);
  }

  /**
   * {@return the extra header value for {@code name}, or {@code null}}
   *
   * @param name the header name, exactly as in {@link #extraHeaders()} (case-sensitive)
   */
  public @Nullable String extraHeader(String name) {
    return extraHeaders.get(name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AttemptRequest a && attempt == a.attempt && poll == a.poll && original == a.original
        && method.equals(a.method) && uri().equals(a.uri()) && extraHeaders.equals(a.extraHeaders)
        && timeLeft.equals(a.timeLeft);
  }

  @Override
  public int hashCode() {
    return Objects.hash(attempt, poll, original, method, uri(), extraHeaders, timeLeft);
  }

  /** Returns the components, the URL redacted: it may carry secret query parameters. */
  @Override
  public String toString() {
    return "AttemptRequest[attempt=" + attempt + ", poll=" + poll + ", original=" + original + ", method=" + method
        + ", uri=" + Redaction.defaults().url(uri().toString()) + ", extraHeaders=" + extraHeaders.keySet()
        + ", timeLeft=" + timeLeft + "]";
  }
}
