package dev.shippingresilience;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The response headers every adapter adds to a call's final response, so callers can see what the engine decided
 * without touching the engine's types: see {@link CallResult#resultHeaders()}. The code goes through
 * {@link #value(String)}, so a code read from a response body can never add a header or break the response.
 */
public final class ResultHeaders {
  /** What the name of every result header starts with. */
  public static final String PREFIX = "X-Shipping-Resilience-";
  /** The final decision, e.g. {@code SUCCEED}. */
  public static final String DECISION = PREFIX + "Decision";
  /** {@code true} when an earlier attempt already reached the goal (Clickpost 323), else {@code false}. */
  public static final String DUPLICATE = PREFIX + "Duplicate";
  /** The number of sends, polls included. */
  public static final String ATTEMPTS = PREFIX + "Attempts";
  /** The provider code of the final response, only when it had one. */
  public static final String CODE = PREFIX + "Code";
  /** The longest header value written, in characters: {@value}; longer values are cut. */
  public static final int MAX_VALUE_LENGTH = 256;

  /** "0" to "15": the attempt counts of nearly every call, written without a new string. */
  private static final String[] SMALL_COUNTS = new String[16];

  static {
    for (int i = 0; i < SMALL_COUNTS.length; i++) {
      SMALL_COUNTS[i] = Integer.toString(i);
    }
  }

  private ResultHeaders() {}

  /**
   * Returns the headers for {@code result}, in order: {@link #DECISION}, {@link #DUPLICATE}, {@link #ATTEMPTS}
   * and, when the provider sent a code, {@link #CODE}. The code, the one value a response body supplies, goes
   * through {@link #value(String)}; the others are an enum name, a boolean and a number.
   */
  static Map<String, String> of(CallResult<?> result) {
    Classification c = result.classification();
    int attempts = result.attempts();
    String[] fields = {DECISION, c.decision().name(), DUPLICATE, result.duplicate() ? "true" : "false",
        ATTEMPTS, attempts >= 0 && attempts < SMALL_COUNTS.length ? SMALL_COUNTS[attempts] : Integer.toString(attempts),
        CODE, c.code() == null ? null : value(c.code())};
    return new Fields(fields, c.code() == null ? 3 : 4);
  }

  /**
   * The result headers as an unmodifiable map in their order, over one array: made on every call, so it holds no
   * hash table (a lookup scans four names).
   */
  private static final class Fields extends AbstractMap<String, String> {
    private final String[] fields;
    private final int size;

    Fields(String[] fields, int size) {
      this.fields = fields;
      this.size = size;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public @Nullable String get(Object key) {
      for (int i = 0; i < size; i++) {
        if (fields[2 * i].equals(key)) {
          return fields[2 * i + 1];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
      for (int i = 0; i < size; i++) {
        action.accept(fields[2 * i], fields[2 * i + 1]);
      }
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      Set<Map.Entry<String, String>> out = new LinkedHashSet<>();
      forEach((name, value) -> out.add(Map.entry(name, value)));
      return Collections.unmodifiableSet(out);
    }
  }

  /**
   * Returns {@code raw} made safe as an HTTP header value, as every client and server accepts it: leading and
   * trailing whitespace removed, every character outside printable ASCII ({@code 0x20..0x7E}: CR, LF, other
   * control characters, DEL, non-ASCII) replaced by {@code ?}, cut to {@value #MAX_VALUE_LENGTH} characters.
   *
   * @param raw the value to write, e.g. a provider code taken from a response body
   * @return a value with no line break, never longer than {@link #MAX_VALUE_LENGTH}
   */
  public static String value(String raw) {
    if (isClean(raw)) {
      return raw; // the usual code: nothing to strip, replace or cut
    }
    String stripped = raw.strip();
    int length = Math.min(stripped.length(), MAX_VALUE_LENGTH);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      char c = stripped.charAt(i);
      out.append(c >= 0x20 && c <= 0x7E ? c : '?');
    }
    return out.toString().stripTrailing();
  }

  private static boolean isClean(String raw) {
    int length = raw.length();
    if (length == 0 || length > MAX_VALUE_LENGTH || raw.charAt(0) == ' ' || raw.charAt(length - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }
}
