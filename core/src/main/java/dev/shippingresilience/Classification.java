package dev.shippingresilience;

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
 * @param retryAfter the wait the response asked for ({@code Retry-After}, rate-limit reset), or {@code null}
 * @param scope the breaker scope: {@code provider}, {@code provider/carrier:ID} or {@code provider/operation:NAME}
 * @param duplicate {@code true} when a SUCCEED means an earlier attempt already reached the goal
 * @param notProcessed {@code true} when the response proves the request was not processed (a 429, a rate-limit
 *     code), so even a non-idempotent request may be sent again
 * @param items one decision per item for batch responses; empty otherwise
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
    List<ItemClassification> items) {

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
   * @param items one decision per item for batch responses; empty otherwise
   */
  public Classification {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(scope, "scope");
    items = List.copyOf(items);
  }

  /** {@return a short line for logs: provider, operation, decision, status, code and reason} */
  public String summary() {
    return provider + " " + operation + ": " + decision + " (http " + httpStatus
        + (code == null ? "" : ", code " + code) + ") " + reason;
  }
}
