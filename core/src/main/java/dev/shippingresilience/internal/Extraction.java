package dev.shippingresilience.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@link StreamingExtractor} read from a body.
 *
 * @param outcome how reading ended
 * @param values scalar values by pointer (numbers in canonical text, booleans as "true"/"false")
 * @param present pointers whose members were present with a non-null value
 * @param items per item-array pointer, the values read from each element, in order
 * @param rootIsArray whether the document's root is an array
 */
public record Extraction(
    Outcome outcome,
    Map<String, String> values,
    Set<String> present,
    Map<String, List<Item>> items,
    boolean rootIsArray) {

  /** How reading a body ended. */
  public enum Outcome {
    /** The whole document was read. */
    COMPLETE,
    /** Every wanted field was found, so reading stopped before the end. */
    STOPPED_EARLY,
    /** The body was empty or only whitespace. */
    EMPTY,
    /** The body does not start like JSON (an HTML page, plain text). */
    NOT_JSON,
    /** The body ended in the middle of a JSON document. */
    TRUNCATED,
    /** The body started as JSON but is not valid JSON. */
    MALFORMED
  }

  /** Values read from one array element. */
  public record Item(Map<String, String> values, Set<String> present) {
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
    return outcome == Outcome.COMPLETE || outcome == Outcome.STOPPED_EARLY || outcome == Outcome.TRUNCATED
        || outcome == Outcome.MALFORMED;
  }
}
