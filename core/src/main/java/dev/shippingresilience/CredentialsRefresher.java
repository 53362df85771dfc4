package dev.shippingresilience;

import java.io.IOException;
import java.util.Map;

/**
 * Refreshes a provider's credentials when an answer says they expired ({@link Classification#credentialsExpired()},
 * from a profile rule marked {@code "credentials": "expired"}, such as a 401 from a provider whose bearer tokens
 * last 240 hours). The engine then sends the request once more with the headers returned here, even a POST: an
 * answer refusing the credentials proves the request was not processed. A second expiry in the same call ends it
 * with the FAIL, so a refresher that hands out a bad token cannot loop.
 *
 * <pre>{@code
 * ShippingPolicy policy = ShippingPolicy.builder(profile)
 *     .credentialsRefresher((failed, answer) -> Map.of("Authorization", "Bearer " + tokens.renew()))
 *     .build();
 * }</pre>
 *
 * <p>Called on the thread that handled the expired answer (for {@link ShippingPolicy#executeAsync}, the thread that
 * completed the attempt), by every call that saw the expiry, possibly at once: share one refresh between them
 * (single flight) and keep it short. Never logged; its headers go only into the next attempts' extra headers.
 */
@FunctionalInterface
public interface CredentialsRefresher {
  /**
   * Returns the headers that carry fresh credentials (e.g. {@code Authorization: Bearer NEW}), to add or replace on
   * the request's next attempts; an empty map when no fresh credentials can be had (the call then ends with the
   * FAIL it got).
   *
   * @param failed the request whose credentials expired, as the caller first sent it
   * @param answer the classification of the answer that said so
   * @return header name to value; names must be HTTP tokens and values single lines
   * @throws IOException when refreshing failed; the call ends with this exception
   */
  Map<String, String> refresh(RequestSnapshot failed, Classification answer) throws IOException;
}
