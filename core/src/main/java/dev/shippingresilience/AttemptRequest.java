package dev.shippingresilience;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the engine asks the transport to send for one attempt: the original request (plus extra headers such as an
 * idempotency key) or, when polling with a profile-built poll request, a different method and URL.
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
 */
public record AttemptRequest(int attempt, int poll, boolean original, String method, URI uri,
    Map<String, String> extraHeaders, Duration timeLeft) {
  /**
   * Copies the headers.
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
  public AttemptRequest {
    extraHeaders = Map.copyOf(extraHeaders);
    Objects.requireNonNull(timeLeft, "timeLeft");
    if (timeLeft.isNegative() || timeLeft.isZero()) {
      throw new IllegalArgumentException("Invalid timeLeft (" + timeLeft + "): must be positive");
    }
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

  /**
   * {@return this attempt with {@code timeLeft} until the call's deadline}
   *
   * @param timeLeft the time left until the call's deadline; positive
   */
  public AttemptRequest withTimeLeft(Duration timeLeft) {
    return new AttemptRequest(attempt, poll, original, method, uri, extraHeaders, timeLeft);
  }

  /**
   * {@return the extra header value for {@code name}, or {@code null}}
   *
   * @param name the header name, exactly as in {@link #extraHeaders()} (case-sensitive)
   */
  public @Nullable String extraHeader(String name) {
    return extraHeaders.get(name);
  }
}
