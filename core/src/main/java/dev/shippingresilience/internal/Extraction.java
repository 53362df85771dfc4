package dev.shippingresilience.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@link StreamingExtractor} read from a body.
 *
 * @param outcome how reading ended
 * @param values scalar values by pointer (numbers in canonical text, booleans as "true"/"false"); a pointer whose
 *     value was unreadable or conflicting is absent here and listed in {@code unreadable} or {@code conflicts}
 * @param present pointers whose members were present with a non-null value
 * @param items per item-array pointer, the values read from each element, in order
 * @param rootIsArray whether the document's root is an array
 * @param unreadable pointers that held a value which cannot be a code or id: a number with an exponent too large to
 *     expand or too many digits, an object or array where a scalar was wanted, a number cut by the end of the input
 * @param conflicts pointers of wanted members (or their containers) that the body names more than once with
 *     different values, each with what was seen, e.g. {@code "200, 322"}
 * @param skippedItems per item-array pointer, how many elements followed the plan's
 *     {@link ExtractionPlan.ItemPlan#maxItems()} and were only checked, not read (absent when none were)
 */
public record Extraction(
    Outcome outcome,
    Map<String, String> values,
    Set<String> present,
    Map<String, List<Item>> items,
    boolean rootIsArray,
    Set<String> unreadable,
    Map<String, String> conflicts,
    Map<String, Integer> skippedItems) {

  /** An extraction holding nothing, for reading the carrier before any response exists. */
  public static final Extraction NONE =
      new Extraction(Outcome.EMPTY, Map.of(), Set.of(), Map.of(), false, Set.of(), Map.of(), Map.of());

  /** How reading a body ended. */
  public enum Outcome {
    /** The whole document was read and is one complete, valid JSON value with nothing after it. */
    COMPLETE,
    /** The body was empty or only whitespace. */
    EMPTY,
    /** The body does not start like JSON (an HTML page, plain text). */
    NOT_JSON,
    /** The body ended in the middle of a JSON document. */
    TRUNCATED,
    /**
     * The body started as JSON but is not valid JSON: a syntax error, content after the document, or a document
     * beyond the parser's limits (nesting depth, number or string length).
     */
    MALFORMED
  }

  /**
   * Values read from one array element.
   *
   * @param values scalar values by element-relative pointer
   * @param present element-relative pointers present with a non-null value
   * @param unreadable element-relative pointers whose value cannot be a code or id
   * @param conflicts element-relative pointers named more than once with different values, with what was seen
   */
  public record Item(Map<String, String> values, Set<String> present, Set<String> unreadable,
      Map<String, String> conflicts) {
    /** Returns the value at the element-relative pointer, or {@code null}. */
    public @Nullable String value(String pointer) {
      return values.get(pointer);
    }
  }

  /** Returns the value at {@code pointer}, or {@code null}. */
  public @Nullable String value(String pointer) {
    return values.get(pointer);
  }

  /** Returns {@code true} when reading found a JSON document (complete or not). */
  public boolean isJson() {
    return outcome == Outcome.COMPLETE || outcome == Outcome.TRUNCATED || outcome == Outcome.MALFORMED;
  }
}
