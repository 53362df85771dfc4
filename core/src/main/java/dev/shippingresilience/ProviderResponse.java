package dev.shippingresilience;

import java.io.Closeable;

/**
 * A transport's response as the engine sees it: a snapshot to classify (status, headers, bounded body prefix), the
 * transport's own response object to hand back, and a way to discard it.
 *
 * @param <R> the transport's response type (e.g. OkHttp's {@code Response})
 */
public interface ProviderResponse<R> extends Closeable {
  /** {@return the status, headers and a bounded body prefix; the full body stays readable in {@link #unwrap()}} */
  ResponseSnapshot snapshot();

  /** {@return the transport's response, body unread, for the caller} */
  R unwrap();

  /** Discards the response (intermediate attempts). Must not throw. */
  @Override
  void close();
}
