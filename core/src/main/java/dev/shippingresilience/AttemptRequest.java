package dev.shippingresilience;

import java.net.URI;
import java.util.Map;
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
 */
public record AttemptRequest(int attempt, int poll, boolean original, String method, URI uri,
    Map<String, String> extraHeaders) {
  /** Copies the headers. */
  public AttemptRequest {
    extraHeaders = Map.copyOf(extraHeaders);
  }

  /** Returns the extra header value for {@code name}, or {@code null}. */
  public @Nullable String extraHeader(String name) {
    return extraHeaders.get(name);
  }
}
