package dev.shippingresilience.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The fast path of {@link StreamingExtractor}: reads a plan's fields straight from UTF-8 bytes while checking that
 * the whole input is one valid JSON document, without a parser, a token or a string per member.
 *
 * <p>It answers only when it is sure: a complete, valid UTF-8 JSON document (RFC 8259, strict RFC 3629 UTF-8)
 * within conservative limits, in which no recorded member occurs twice and no member name on a wanted path holds
 * an escape. For anything else (truncated, malformed, another encoding, a duplicate, a deep or huge document) it
 * returns {@code null} and Jackson's streaming parser decides, so its acceptance is never wider than Jackson's and
 * every unusual body gets Jackson's exact reading. Not thread-safe: one instance per read.
 */
final class ByteExtractor {
  /** Deepest nesting read here (Jackson allows 1000; deeper documents go to Jackson). */
  static final int MAX_DEPTH = 256;
  /** Longest number read here (Jackson allows 1000 characters). */
  private static final int MAX_NUMBER_LENGTH = 500;
  /** Longest string or member name read here, in bytes (Jackson allows 20,000,000 and 50,000 characters). */
  private static final int MAX_STRING_BYTES = 40_000;
  /** Returned instead of a position: not sure, let Jackson decide. */
  private static final int UNSURE = -1;

  private static final byte SEEN = 1;
  private static final byte PRESENT = Extraction.FlatItems.PRESENT;
  private static final byte UNREADABLE = Extraction.FlatItems.UNREADABLE;

  /** Bytes that may appear in a string as they are: printable ASCII except the quote and the backslash. */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  private final byte[] b;
  private final int n;
  private final ExtractionPlan plan;
  /** Per-node state of the level being read: flags and values, by node ordinal. */
  private byte[] flags;
  private String[] values;
  /** The item arrays read, by item plan index (kept flat: nothing is made per element). */
  private Extraction.@Nullable FlatItems @Nullable [] items;
  /** Per item array, the elements after its plan's maxItems, only checked. */
  private @Nullable Map<String, Integer> skipped;
  /** Set while reading a wanted string: the value, or null when it held an escape that failed to decode. */
  private @Nullable String text;
  /** Whether the string read last held an escape. */
  private boolean escaped;

  private ByteExtractor(byte[] body, int end, ExtractionPlan plan) {
    this.b = body;
    this.n = end;
    this.plan = plan;
    this.flags = new byte[plan.trie.nodes.length];
    this.values = new String[plan.trie.nodes.length];
  }

  /**
   * Reads {@code plan}'s fields from the {@code length} bytes of {@code body} from {@code offset} when they are a
   * complete, valid UTF-8 JSON document read as {@link StreamingExtractor}'s Jackson path would read it; returns
   * {@code null} when not sure (the caller then reads with Jackson). The body must not be blank.
   */
  static @Nullable Extraction extract(byte[] body, int offset, int length, ExtractionPlan plan) {
    if (length == 0 || !utf8ByDetection(body, offset, length)) {
      return null;
    }
    int end = offset + length;
    int start = length >= 3 && (body[offset] & 0xFF) == 0xEF && (body[offset + 1] & 0xFF) == 0xBB
        && (body[offset + 2] & 0xFF) == 0xBF ? offset + 3 : offset;
    ByteExtractor reader = new ByteExtractor(body, end, plan);
    int i = reader.ws(start);
    if (i >= end) {
      return null;
    }
    boolean rootIsArray = body[i] == '[';
    i = reader.value(i, plan.trie.root, true, 0);
    if (i == UNSURE || reader.ws(i) != end) {
      return null;
    }
    return reader.result(rootIsArray);
  }

  /**
   * Whether Jackson's encoding detection reads these bytes as UTF-8: no BOM of UTF-16 or UTF-32 and no zero byte in
   * the first four (a zero byte anywhere else is invalid JSON in UTF-8, which the reading below refuses).
   */
  private static boolean utf8ByDetection(byte[] body, int offset, int length) {
    int first = body[offset] & 0xFF;
    if (first == 0xFE || first == 0xFF) {
      return false;
    }
    for (int k = offset; k < offset + Math.min(4, length); k++) {
      if (body[k] == 0) {
        return false;
      }
    }
    return true;
  }

  private Extraction result(boolean rootIsArray) {
    PlanTrie.Node[] nodes = plan.trie.nodes;
    return new Extraction(Extraction.Outcome.COMPLETE, Extraction.SlotValues.of(plan.documentPaths, values, 0),
        pointers(nodes, PRESENT), itemMap(), rootIsArray, pointers(nodes, UNREADABLE), Map.of(),
        skipped == null ? Map.of() : Map.copyOf(skipped));
  }

  /** The item arrays read, by array pointer. */
  private Map<String, List<Extraction.Item>> itemMap() {
    if (items == null) {
      return Map.of();
    }
    int count = 0;
    int first = -1;
    int second = -1;
    for (int k = 0; k < items.length; k++) {
      if (items[k] != null) {
        count++;
        first = first < 0 ? k : first;
        second = first != k && second < 0 ? k : second;
      }
    }
    if (count == 1) {
      return Map.of(plan.items.get(first).arrayPointer(), items[first]);
    }
    if (count == 2) {
      return Map.of(plan.items.get(first).arrayPointer(), items[first], plan.items.get(second).arrayPointer(),
          items[second]);
    }
    Map<String, List<Extraction.Item>> out = new HashMap<>(count * 2);
    for (int k = 0; k < items.length; k++) {
      if (items[k] != null) {
        out.put(plan.items.get(k).arrayPointer(), items[k]);
      }
    }
    return Map.copyOf(out);
  }

  private Set<String> pointers(PlanTrie.Node[] nodes, byte flag) {
    Set<String> out = null;
    String only = null;
    for (int k = 0; k < nodes.length; k++) {
      if ((flags[k] & flag) != 0) {
        if (only == null) {
          only = nodes[k].path;
        } else {
          if (out == null) {
            out = new HashSet<>();
            out.add(only);
          }
          out.add(nodes[k].path);
        }
      }
    }
    return out != null ? Set.copyOf(out) : only != null ? Set.of(only) : Set.of();
  }

  /** Returns the first position at or after {@code i} that is not JSON whitespace. */
  private int ws(int i) {
    if (i < n && b[i] > ' ') {
      return i; // the common case: no whitespace at all
    }
    while (i < n) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
      i++;
    }
    return i;
  }

  /**
   * Reads the value at {@code i} (not whitespace) found at {@code node} of the current level ({@code null}: a member
   * nobody asked for, only checked), and returns the position after it, or {@link #UNSURE}.
   */
  private int value(int i, PlanTrie.@Nullable Node node, boolean documentLevel, int depth) {
    if (node == null || !node.interest) {
      return skip(i, depth);
    }
    byte c = b[i];
    if (c == '{' || c == '[') {
      if (!record(node)) {
        return UNSURE;
      }
      if (node.presence) {
        flags[node.ordinal] |= PRESENT;
      }
      if (node.scalar) {
        flags[node.ordinal] |= UNREADABLE; // a container where a scalar was wanted
      }
      if (c == '[' && documentLevel && node.itemIndex >= 0) {
        return items(i, node, depth);
      }
      return c == '{' ? object(i, node, documentLevel, depth) : array(i, node, documentLevel, depth);
    }
    if (c == 'n') {
      int end = literal(i, "null");
      return end == UNSURE || !record(node) ? UNSURE : end;
    }
    if (!node.wanted()) {
      return skip(i, depth);
    }
    String value;
    int end;
    if (c == '"') {
      end = string(i + 1, true);
      value = text;
    } else if (c == 't') {
      end = literal(i, "true");
      value = "true";
    } else if (c == 'f') {
      end = literal(i, "false");
      value = "false";
    } else {
      end = number(i);
      value = end == UNSURE ? null : StreamingExtractor.canonicalNumber(
          new String(b, i, end - i, StandardCharsets.ISO_8859_1));
    }
    if (end == UNSURE || !record(node)) {
      return UNSURE;
    }
    if (node.presence) {
      flags[node.ordinal] |= PRESENT;
    }
    if (node.scalar) {
      if (value != null) {
        values[node.ordinal] = value;
      } else {
        flags[node.ordinal] |= UNREADABLE; // a number that cannot be a code
      }
    }
    return end;
  }

  /** Marks {@code node} seen; returns false when it was seen before (a member named twice: Jackson decides). */
  private boolean record(PlanTrie.Node node) {
    if ((flags[node.ordinal] & SEEN) != 0) {
      return false;
    }
    flags[node.ordinal] |= SEEN;
    return true;
  }

  /** Reads an object at {@code node} ({@code null}: only checked), returning the position after it or UNSURE. */
  private int object(int i, PlanTrie.@Nullable Node node, boolean documentLevel, int depth) {
    if (depth >= MAX_DEPTH) {
      return UNSURE;
    }
    i = ws(i + 1);
    if (i < n && b[i] == '}') {
      return i + 1;
    }
    while (i < n && b[i] == '"') {
      int nameEnd = string(i + 1, false);
      if (nameEnd == UNSURE || node != null && escaped) {
        return UNSURE;
      }
      PlanTrie.Node child = node == null ? null : node.member(b, i + 1, nameEnd - 1);
      i = ws(nameEnd);
      if (i >= n || b[i] != ':') {
        return UNSURE;
      }
      i = ws(i + 1);
      if (i >= n) {
        return UNSURE;
      }
      i = value(i, child, documentLevel, depth + 1);
      if (i == UNSURE) {
        return UNSURE;
      }
      i = ws(i);
      if (i >= n) {
        return UNSURE;
      }
      if (b[i] == '}') {
        return i + 1;
      }
      if (b[i] != ',') {
        return UNSURE;
      }
      i = ws(i + 1);
    }
    return UNSURE;
  }

  /** Reads an array at {@code node} ({@code null}: only checked), returning the position after it or UNSURE. */
  private int array(int i, PlanTrie.@Nullable Node node, boolean documentLevel, int depth) {
    if (depth >= MAX_DEPTH) {
      return UNSURE;
    }
    i = ws(i + 1);
    if (i < n && b[i] == ']') {
      return i + 1;
    }
    int index = 0;
    while (i < n) {
      i = value(i, node == null ? null : node.element(index++), documentLevel, depth + 1);
      if (i == UNSURE) {
        return UNSURE;
      }
      i = ws(i);
      if (i >= n) {
        return UNSURE;
      }
      if (b[i] == ']') {
        return i + 1;
      }
      if (b[i] != ',') {
        return UNSURE;
      }
      i = ws(i + 1);
    }
    return UNSURE;
  }

  /** Reads an item array: each element is a level of its own, read with the item plan's tree. */
  private int items(int i, PlanTrie.Node node, int depth) {
    if (depth >= MAX_DEPTH) {
      return UNSURE;
    }
    PlanTrie trie = plan.itemTries.get(node.itemIndex);
    int maxItems = plan.items.get(node.itemIndex).maxItems();
    byte[] outerFlags = flags;
    String[] outerValues = values;
    flags = new byte[trie.nodes.length];
    values = new String[trie.nodes.length];
    Extraction.FlatItems list = new Extraction.FlatItems(plan.itemLayouts.get(node.itemIndex));
    if (items == null) {
      items = new Extraction.FlatItems[plan.items.size()];
    }
    items[node.itemIndex] = list;
    int arrayStart = i;
    i = ws(i + 1);
    if (i < n && b[i] == ']') {
      i = i + 1;
    } else {
      while (true) {
        if (i >= n) {
          i = UNSURE;
          break;
        }
        if (list.size() >= maxItems) {
          // past the bound: checked, never read
          i = skip(i, depth + 1);
          if (i == UNSURE) {
            break;
          }
          if (skipped == null) {
            skipped = new LinkedHashMap<>(2);
          }
          skipped.merge(node.path, 1, Integer::sum);
        } else {
          i = value(i, trie.root, false, depth + 1);
          if (i == UNSURE) {
            break;
          }
          if (list.full()) {
            list.grow(expectedElements(list.size(), i - arrayStart, n - i, maxItems));
          }
          list.add(values, flags);
          Arrays.fill(flags, (byte) 0);
          Arrays.fill(values, null);
        }
        i = ws(i);
        if (i >= n) {
          i = UNSURE;
          break;
        }
        if (b[i] == ']') {
          i = i + 1;
          break;
        }
        if (b[i] != ',') {
          i = UNSURE;
          break;
        }
        i = ws(i + 1);
      }
    }
    flags = outerFlags;
    values = outerValues;
    return i;
  }

  /**
   * How many elements an item array is expected to hold, from the {@code done + 1} elements read so far (the last
   * one not yet kept) that took {@code bytes} bytes, with {@code left} bytes of input after them: as many as the rest
   * holds at their average size, at most 16 the first time (one element says little) and 4 times as many as read
   * later, so that a body whose first elements are small costs little room.
   */
  private static int expectedElements(int done, int bytes, int left, int maxItems) {
    int read = done + 1;
    long rest = (long) left * read / Math.max(1, bytes);
    long expected = Math.min(read + rest, done == 0 ? 16 : 4L * read);
    return (int) Math.max(read, Math.min(expected, maxItems));
  }

  /** Checks the value at {@code i} without keeping anything; returns the position after it, or UNSURE. */
  private int skip(int i, int depth) {
    switch (b[i]) {
      case '"':
        return string(i + 1, false);
      case '{':
        return object(i, null, false, depth);
      case '[':
        return array(i, null, false, depth);
      case 't':
        return literal(i, "true");
      case 'f':
        return literal(i, "false");
      case 'n':
        return literal(i, "null");
      default:
        return number(i);
    }
  }

  private int literal(int i, String word) {
    int end = i + word.length();
    if (end > n) {
      return UNSURE;
    }
    for (int k = 1; k < word.length(); k++) {
      if (b[i + k] != word.charAt(k)) {
        return UNSURE;
      }
    }
    return end;
  }

  /** Checks a number at {@code i} by RFC 8259's grammar; returns the position after it, or UNSURE. */
  private int number(int i) {
    int start = i;
    if (i < n && b[i] == '-') {
      i++;
    }
    if (i >= n) {
      return UNSURE;
    }
    if (b[i] == '0') {
      i++;
    } else if (b[i] >= '1' && b[i] <= '9') {
      i = digits(i + 1);
    } else {
      return UNSURE;
    }
    if (i < n && b[i] == '.') {
      int from = i + 1;
      i = digits(from);
      if (i == from) {
        return UNSURE;
      }
    }
    if (i < n && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < n && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int from = i;
      i = digits(from);
      if (i == from) {
        return UNSURE;
      }
    }
    return i - start > MAX_NUMBER_LENGTH ? UNSURE : i;
  }

  private int digits(int i) {
    while (i < n && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i;
  }

  /**
   * Checks a string whose content starts at {@code i} (after the opening quote) and returns the position after the
   * closing quote, or UNSURE. With {@code keep}, sets {@link #text} to its value as {@link StreamingExtractor}
   * keeps it ({@link StreamingExtractor#kept}).
   */
  private int string(int i, boolean keep) {
    int start = i;
    boolean ascii = true;
    escaped = false;
    while (true) {
      while (i < n && PLAIN[b[i] & 0xFF]) {
        i++;
      }
      if (i >= n) {
        return UNSURE;
      }
      int c = b[i] & 0xFF;
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        escaped = true;
        i = escape(i + 1);
      } else if (c >= 0x80) {
        ascii = false;
        i = utf8(i, c);
      } else {
        return UNSURE; // a control character
      }
      if (i == UNSURE) {
        return UNSURE;
      }
    }
    if (i - start > MAX_STRING_BYTES) {
      return UNSURE;
    }
    if (keep) {
      String raw = escaped ? unescape(start, i)
          : new String(b, start, i - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
      text = StreamingExtractor.kept(raw);
    }
    return i + 1;
  }

  /** Checks one escape whose letter is at {@code i}; returns the position after it, or UNSURE. */
  private int escape(int i) {
    if (i >= n) {
      return UNSURE;
    }
    switch (b[i]) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return i + 1;
      case 'u':
        if (i + 4 >= n) {
          return UNSURE;
        }
        for (int k = 1; k <= 4; k++) {
          if (hex(b[i + k]) < 0) {
            return UNSURE;
          }
        }
        return i + 5;
      default:
        return UNSURE;
    }
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Decodes a checked string's content {@code [from, to)} with its escapes, as a JSON parser does. */
  private String unescape(int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      int run = i;
      while (i < to && b[i] != '\\') {
        i++;
      }
      if (i > run) {
        out.append(new String(b, run, i - run, StandardCharsets.UTF_8));
      }
      if (i >= to) {
        break;
      }
      byte e = b[i + 1];
      switch (e) {
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          out.append((char) (hex(b[i + 2]) << 12 | hex(b[i + 3]) << 8 | hex(b[i + 4]) << 4 | hex(b[i + 5])));
          i += 4;
        }
        default -> out.append((char) e); // " \ /
      }
      i += 2;
    }
    return out.toString();
  }

  /**
   * Checks one UTF-8 sequence starting with byte {@code c} at {@code i}, by RFC 3629 (no overlong forms, no
   * surrogates, nothing above U+10FFFF); returns the position after it, or UNSURE.
   */
  private int utf8(int i, int c) {
    int need;
    int lo = 0x80;
    int hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0) {
        lo = 0xA0;
      } else if (c == 0xED) {
        hi = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0) {
        lo = 0x90;
      } else if (c == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return UNSURE;
    }
    if (i + need >= n) {
      return UNSURE;
    }
    int second = b[i + 1] & 0xFF;
    if (second < lo || second > hi) {
      return UNSURE;
    }
    for (int k = 2; k <= need; k++) {
      if ((b[i + k] & 0xC0) != 0x80) {
        return UNSURE;
      }
    }
    return i + need + 1;
  }
}
