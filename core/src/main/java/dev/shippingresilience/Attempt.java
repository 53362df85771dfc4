package dev.shippingresilience;

import java.io.IOException;

/**
 * Sends one attempt through a transport. Adapters implement this once; the engine calls it as often as its
 * decisions require.
 *
 * @param <R> the transport's response type
 */
@FunctionalInterface
public interface Attempt<R> {
  /**
   * Sends {@code request} and returns the response.
   *
   * @param request what to send: the original request or a poll, with the headers to add and the time left
   * @return the provider's response; the engine closes it unless it is handed back to the caller
   * @throws IOException on a transport failure; {@link java.net.ConnectException},
   *     {@link java.net.UnknownHostException} and {@link java.net.NoRouteToHostException} mean the request never
   *     reached the server, so even a POST may be sent again
   */
  ProviderResponse<R> send(AttemptRequest request) throws IOException;
}
