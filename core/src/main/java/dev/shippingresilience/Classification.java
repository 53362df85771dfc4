package dev.shippingresilience;

import dev.shippingresilience.internal.BatchItems;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one provider response means: the decision, the rule that fired and everything the engine needs to apply
 * it. Immutable; produced by {@link ResponseClassifier}.
 *
 * @param provider the profile id that classified the response (e.g. {@code clickpost}, {@code generic-http})
 * @param operation the profile operation the request matched (e.g. {@code create-order}), or {@code other}
 * @param httpStatus the HTTP status code
 * @param code the provider's business code as a string (e.g. {@code "-18019909"}), or {@code null} if none
 *     was read
 * @param decision the decision
 * @param reason the rule that fired, as a sentence; never contains secrets or body text
 * @param retryAfter the wait the response asked for ({@code Retry-After}, rate-limit reset, or the reset the
 *     profile reads from the provider's words, {@code pauseUntil}), or {@code null}
 * @param scope the breaker scope: {@code provider}, {@code provider/carrier:ID} or {@code provider/operation:NAME}
 * @param duplicate {@code true} when a SUCCEED means an earlier attempt already reached the goal
 * @param notProcessed {@code true} when the response proves the request was not processed (a 429, a rate-limit
 *     code), so even a non-idempotent request may be sent again
 * @param items one decision per item for batch responses, then one per element a profile's {@code signal} match
 *     picks out (e.g. a carrier's rate error inside a successful rates answer); empty otherwise
 * @param credentialsExpired {@code true} when the response means the credentials (a bearer token) expired, so that
 *     refreshed credentials may succeed where these failed (a FAIL); see
 *     {@link ShippingPolicy.Builder#credentialsRefresher(CredentialsRefresher)}
 */
public record Classification(
    String provider,
    String operation,
    int httpStatus,
    @Nullable String code,
    Decision decision,
    String reason,
    @Nullable Duration retryAfter,
    String scope,
    boolean duplicate,
    boolean notProcessed,
    List<ItemClassification> items,
    boolean credentialsExpired) {

  /** The operation name used when no profile operation matched the request. */
  public static final String OTHER_OPERATION = "other";

  /**
   * Validates the components and copies {@code items}.
   *
   * @param provider the profile id that classified the response (e.g. {@code clickpost}, {@code generic-http})
   * @param operation the profile operation the request matched (e.g. {@code create-order}), or {@code other}
   * @param httpStatus the HTTP status code
   * @param code the provider's business code as a string (e.g. {@code "-18019909"}), or {@code null} if none
   *     was read
   * @param decision the decision
   * @param reason the rule that fired, as a sentence; never contains secrets or body text
   * @param retryAfter the wait the response asked for ({@code Retry-After}, rate-limit reset), or {@code null}
   * @param scope the breaker scope: {@code provider}, {@code provider/carrier:ID} or {@code provider/operation:NAME}
   * @param duplicate {@code true} when a SUCCEED means an earlier attempt already reached the goal
   * @param notProcessed {@code true} when the response proves the request was not processed (a 429, a rate-limit
   *     code), so even a non-idempotent request may be sent again
   * @param items one decision per item for batch responses, then one per element a profile's {@code signal}
   *     match picks out; empty otherwise
   * @param credentialsExpired {@code true} when the response means the credentials expired
   */
  public Classification {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(scope, "scope");
    // the classifier's compact list of batch items is unmodifiable already: copying it would make every item
    items = items instanceof BatchItems ? items : List.copyOf(items);
  }

  /**
   * Creates a classification whose credentials did not expire.
   *
   * @param provider the profile id that classified the response
   * @param operation the profile operation the request matched, or {@code other}
   * @param httpStatus the HTTP status code
   * @param code the provider's business code, or {@code null} if none was read
   * @param decision the decision
   * @param reason the rule that fired, as a sentence; never contains secrets or body text
   * @param retryAfter the wait the response asked for, or {@code null}
   * @param scope the breaker scope
   * @param duplicate {@code true} when a SUCCEED means an earlier attempt already reached the goal
   * @param notProcessed {@code true} when the response proves the request was not processed
   * @param items one decision per item; empty when none
   */
  public Classification(String provider, String operation, int httpStatus, @Nullable String code,
      Decision decision, String reason, @Nullable Duration retryAfter, String scope, boolean duplicate,
      boolean notProcessed, List<ItemClassification> items) {
    this(provider, operation, httpStatus, code, decision, reason, retryAfter, scope, duplicate, notProcessed, items,
        false);
  }

  /** {@return a short line for logs: provider, operation, decision, status, code and reason} */
  public String summary() {
    return provider + " " + operation + ": " + decision + " (http " + httpStatus
        + (code == null ? "" : ", code " + code) + ") " + reason;
  }
}
