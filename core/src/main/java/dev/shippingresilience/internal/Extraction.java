package dev.shippingresilience.internal;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
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

  /**
   * Where {@link FlatItems} keeps the fields of one item plan: a value slot per scalar node of the plan's tree.
   * Immutable; built once per plan.
   */
  static final class ItemLayout {
    /** Each node's element-relative pointer, by node ordinal. */
    final String[] nodePaths;
    /** Each node's value slot, by node ordinal, or -1 for a node that holds no scalar. */
    final int[] slotOf;
    /** Each value slot's element-relative pointer. */
    final String[] slotPaths;

    private ItemLayout(String[] nodePaths, int[] slotOf, String[] slotPaths) {
      this.nodePaths = nodePaths;
      this.slotOf = slotOf;
      this.slotPaths = slotPaths;
    }

    static ItemLayout of(PlanTrie.Node[] nodes) {
      String[] nodePaths = new String[nodes.length];
      int[] slotOf = new int[nodes.length];
      int slots = 0;
      for (PlanTrie.Node node : nodes) {
        nodePaths[node.ordinal] = node.path;
        slotOf[node.ordinal] = node.scalar ? slots++ : -1;
      }
      String[] slotPaths = new String[slots];
      for (PlanTrie.Node node : nodes) {
        if (node.scalar) {
          slotPaths[slotOf[node.ordinal]] = node.path;
        }
      }
      return new ItemLayout(nodePaths, slotOf, slotPaths);
    }
  }

  /**
   * The elements of one item array as {@link ByteExtractor} reads them, kept flat: one array of values (a slot per
   * scalar pointer, element after element) and, only once some element has one, one array of flags. Nothing is made
   * per element; {@link #get} builds the {@link Item} the Jackson reading holds (so the two readings are equal), and
   * the classifier reads fields in place ({@link Extraction#value(List, int, String)}). Filled by the reader, then
   * never changed.
   */
  public static final class FlatItems extends AbstractList<Item> implements RandomAccess {
    /** Flag: the member is present with a non-null value. */
    static final byte PRESENT = 2;
    /** Flag: the member holds a value that cannot be a code or id. */
    static final byte UNREADABLE = 4;
    private static final String[] NO_VALUES = new String[0];
    private final ItemLayout layout;
    private String[] values = NO_VALUES;
    private byte @Nullable [] flags;
    private int size;
    private int capacity;

    FlatItems(ItemLayout layout) {
      this.layout = layout;
    }

    /** Whether the next {@link #add} needs {@link #grow} first. */
    boolean full() {
      return size == capacity;
    }

    /** Makes room for at least {@code elements} elements (and at least half as many again as now). */
    void grow(int elements) {
      int target = Math.max(Math.max(elements, size + 1), capacity + (capacity >> 1));
      values = Arrays.copyOf(values, target * layout.slotPaths.length);
      if (flags != null) {
        flags = Arrays.copyOf(flags, target * layout.nodePaths.length);
      }
      capacity = target;
    }

    /** Appends one element from the reader's state: values and flags by node ordinal. Call {@link #grow} when full. */
    void add(String[] nodeValues, byte[] nodeFlags) {
      int slots = layout.slotPaths.length;
      int nodes = layout.nodePaths.length;
      for (int k = 0; k < nodes; k++) {
        int slot = layout.slotOf[k];
        if (slot >= 0) {
          values[size * slots + slot] = nodeValues[k];
        }
        byte flag = (byte) (nodeFlags[k] & (PRESENT | UNREADABLE));
        if (flag != 0) {
          if (flags == null) {
            flags = new byte[capacity * nodes];
          }
          flags[size * nodes + k] = flag;
        }
      }
      size++;
    }

    @Override
    public int size() {
      return size;
    }

    /** Returns the value at the element-relative pointer in element {@code index}, or {@code null}. */
    @Nullable String value(int index, String pointer) {
      checkIndex(index);
      String[] paths = layout.slotPaths;
      for (int slot = 0; slot < paths.length; slot++) {
        if (paths[slot].equals(pointer)) {
          return values[index * paths.length + slot];
        }
      }
      return null;
    }

    /** Whether element {@code index} has {@code flag} at the element-relative pointer. */
    boolean flagged(int index, String pointer, byte flag) {
      checkIndex(index);
      if (flags == null) {
        return false;
      }
      String[] paths = layout.nodePaths;
      for (int k = 0; k < paths.length; k++) {
        if (paths[k].equals(pointer)) {
          return (flags[index * paths.length + k] & flag) != 0;
        }
      }
      return false;
    }

    @Override
    public Item get(int index) {
      checkIndex(index);
      return new Item(SlotValues.of(layout.slotPaths, values, index * layout.slotPaths.length),
          flagged(index, PRESENT), flagged(index, UNREADABLE), Map.of());
    }

    private Set<String> flagged(int index, byte flag) {
      if (flags == null) {
        return Set.of();
      }
      Set<String> out = new HashSet<>();
      String[] paths = layout.nodePaths;
      for (int k = 0; k < paths.length; k++) {
        if ((flags[index * paths.length + k] & flag) != 0) {
          out.add(paths[k]);
        }
      }
      return Set.copyOf(out);
    }

    private void checkIndex(int index) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException("Index " + index + " out of bounds for length " + size);
      }
    }
  }

  /**
   * Values by pointer as a map over a reader's arrays, without a copy: {@code paths[k]} holds {@code
   * values[offset + k]} (absent when null). The arrays are not changed once reading ends; a lookup scans the few
   * pointers of a plan.
   */
  static final class SlotValues extends AbstractMap<String, String> {
    private final String[] paths;
    private final @Nullable String[] values;
    private final int offset;

    private SlotValues(String[] paths, @Nullable String[] values, int offset) {
      this.paths = paths;
      this.values = values;
      this.offset = offset;
    }

    /** The map of {@code paths} to {@code values[offset...]}; {@link Map#of()} when no value is set. */
    static Map<String, String> of(String[] paths, @Nullable String[] values, int offset) {
      for (int k = 0; k < paths.length; k++) {
        if (values[offset + k] != null) {
          return new SlotValues(paths, values, offset);
        }
      }
      return Map.of();
    }

    @Override
    public @Nullable String get(Object key) {
      for (int k = 0; k < paths.length; k++) {
        if (values[offset + k] != null && paths[k].equals(key)) {
          return values[offset + k];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      Set<Map.Entry<String, String>> out = new LinkedHashSet<>();
      for (int k = 0; k < paths.length; k++) {
        String value = values[offset + k];
        if (value != null) {
          out.add(Map.entry(paths[k], value));
        }
      }
      return Collections.unmodifiableSet(out);
    }
  }

  /**
   * Returns the value at the element-relative {@code pointer} in element {@code index} of a list of {@link #items()},
   * read in place (no {@link Item} made) when the byte reader made the list.
   */
  public static @Nullable String value(List<Item> list, int index, String pointer) {
    return list instanceof FlatItems flat ? flat.value(index, pointer) : list.get(index).value(pointer);
  }

  /** Whether element {@code index} of a list of {@link #items()} has a non-null member at {@code pointer}. */
  public static boolean present(List<Item> list, int index, String pointer) {
    return list instanceof FlatItems flat ? flat.flagged(index, pointer, FlatItems.PRESENT)
        : list.get(index).present().contains(pointer);
  }

  /** Whether element {@code index} of a list of {@link #items()} holds an unreadable value at {@code pointer}. */
  public static boolean unreadable(List<Item> list, int index, String pointer) {
    return list instanceof FlatItems flat ? flat.flagged(index, pointer, FlatItems.UNREADABLE)
        : list.get(index).unreadable().contains(pointer);
  }

  /** The conflicts of element {@code index} of a list of {@link #items()} (none when the byte reader made it). */
  public static Map<String, String> conflicts(List<Item> list, int index) {
    return list instanceof FlatItems ? Map.of() : list.get(index).conflicts();
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
