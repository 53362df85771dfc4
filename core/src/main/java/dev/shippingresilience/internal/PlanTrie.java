package dev.shippingresilience.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The pointers of one level of an {@link ExtractionPlan} (the document, or one item of an item array) as a tree of
 * member names in UTF-8, so that {@link ByteExtractor} matches names against the body's bytes without building a
 * string or a path per member. Immutable; built once per plan.
 */
final class PlanTrie {
  private static final byte[][] NO_NAMES = new byte[0][];
  private static final Node[] NO_NODES = new Node[0];

  /** One pointer of the level: a wanted member, a prefix of one, or an item array. */
  static final class Node {
    /** The pointer, as the {@link Extraction}'s maps name it. */
    final String path;
    /** Index of this node in {@link PlanTrie#nodes}, for per-read state. */
    final int ordinal;
    /** Whether the pointer is in the level's interest set: a value found here is recorded (and read through). */
    final boolean interest;
    final boolean scalar;
    final boolean presence;
    /** Index of the item plan whose array sits here (document level only), or -1. */
    final int itemIndex;
    byte[][] names = NO_NAMES;
    Node[] children = NO_NODES;
    /** Children by array index, for segments that are array indices ("0", "12"); null entries for gaps. */
    Node[] elements = NO_NODES;

    Node(String path, int ordinal, boolean interest, boolean scalar, boolean presence, int itemIndex) {
      this.path = path;
      this.ordinal = ordinal;
      this.interest = interest;
      this.scalar = scalar;
      this.presence = presence;
      this.itemIndex = itemIndex;
    }

    /** Returns the child for the member whose raw (unescaped) name is {@code body[from, to)}, or {@code null}. */
    @Nullable Node member(byte[] body, int from, int to) {
      byte[][] n = names;
      for (int k = 0; k < n.length; k++) {
        byte[] name = n[k];
        if (name.length == to - from && Arrays.equals(name, 0, name.length, body, from, to)) {
          return children[k];
        }
      }
      return null;
    }

    /** Returns the child for array element {@code index}, or {@code null}. */
    @Nullable Node element(int index) {
      return index < elements.length ? elements[index] : null;
    }

    /** Whether a value found here is wanted (its scalar or its presence). */
    boolean wanted() {
      return scalar || presence;
    }
  }

  final Node root;
  /** Every node, by ordinal. */
  final Node[] nodes;

  /**
   * Builds the tree of one level.
   *
   * @param interest every pointer whose value is recorded (the wanted pointers, their prefixes, item arrays)
   * @param scalars pointers whose scalar value is read
   * @param presence pointers whose presence is recorded
   * @param itemArrays pointers of item arrays, in item-plan order (empty below the document level)
   */
  PlanTrie(Set<String> interest, Set<String> scalars, Set<String> presence, List<String> itemArrays) {
    Map<String, Node> byPath = new LinkedHashMap<>();
    List<Node> all = new ArrayList<>();
    List<String> sorted = new ArrayList<>(interest);
    sorted.add("");
    sorted.sort((a, b) -> Integer.compare(a.length(), b.length()));
    for (String path : sorted) {
      if (byPath.containsKey(path)) {
        continue;
      }
      Node node = new Node(path, all.size(), interest.contains(path), scalars.contains(path),
          presence.contains(path), itemArrays.indexOf(path));
      all.add(node);
      byPath.put(path, node);
      if (!path.isEmpty()) {
        int slash = path.lastIndexOf('/');
        Node parent = byPath.get(path.substring(0, slash));
        if (parent == null) {
          throw new IllegalStateException("no parent for pointer " + path); // prefixes are always in interest
        }
        String segment = JsonPointers.unescape(path.substring(slash + 1));
        parent.names = append(parent.names, segment.getBytes(StandardCharsets.UTF_8));
        parent.children = append(parent.children, node);
        int index = arrayIndex(segment);
        if (index >= 0) {
          if (index >= parent.elements.length) {
            parent.elements = Arrays.copyOf(parent.elements, index + 1);
          }
          parent.elements[index] = node;
        }
      }
    }
    this.root = byPath.get("");
    this.nodes = all.toArray(NO_NODES);
  }

  /** Returns the array index a pointer segment names ("0", "17"; not "01" or "-"), or -1; at most 9999. */
  private static int arrayIndex(String segment) {
    if (segment.isEmpty() || segment.length() > 4 || segment.length() > 1 && segment.charAt(0) == '0') {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static byte[][] append(byte[][] array, byte[] value) {
    byte[][] out = Arrays.copyOf(array, array.length + 1);
    out[array.length] = value;
    return out;
  }

  private static Node[] append(Node[] array, Node value) {
    Node[] out = Arrays.copyOf(array, array.length + 1);
    out[array.length] = value;
    return out;
  }
}
