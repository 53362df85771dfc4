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
   * @throws IOException on a transport failure; {@link java.net.ConnectException},
   *     {@link java.net.UnknownHostException} and {@link java.net.NoRouteToHostException} mean the request never
   *     reached the server, so even a POST may be sent again
   */
  ProviderResponse<R> send(AttemptRequest request) throws IOException;
}
