package dev.shippingresilience;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The decision for one item of a batch response (a 17TRACK tracking number, a JSON-RPC batch element), or for one
 * element a profile's {@code signal} match picks out of an answer it does not decide (a carrier's rate error inside a
 * successful rates answer: the id is then the carrier).
 *
 * @param id the item's identifier as the provider echoed it (tracking number, JSON-RPC id), or {@code null}
 * @param decision what the response means for this item
 * @param code the item's provider code, or {@code null} when the item carried none
 * @param reason the rule that fired, as a sentence
 * @param duplicate {@code true} when a SUCCEED means the item was already done (17TRACK -18019901)
 */
public record ItemClassification(@Nullable String id, Decision decision, @Nullable String code, String reason,
    boolean duplicate) {
  /**
   * Validates the components.
   *
   * @param id the item's identifier as the provider echoed it (tracking number, JSON-RPC id), or {@code null}
   * @param decision what the response means for this item
   * @param code the item's provider code, or {@code null} when the item carried none
   * @param reason the rule that fired, as a sentence
   * @param duplicate {@code true} when a SUCCEED means the item was already done (17TRACK -18019901)
   */
  public ItemClassification {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reason, "reason");
  }
}
