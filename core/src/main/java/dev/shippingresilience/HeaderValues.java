package dev.shippingresilience;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Immutable HTTP header fields with case-insensitive names, independent of any HTTP client.
 *
 * <p>Held as the fields arrive (name, value, name, value...), so that taking a client's headers costs one array and
 * looking one up costs no allocation; the map view is built only when asked for. Thread-safe.
 */
public final class HeaderValues {
  private static final String[] NO_FIELDS = new String[0];
  private static final HeaderValues EMPTY = new HeaderValues(NO_FIELDS);

  /** Alternating names (as sent) and values, in order; never null entries. */
  private final String[] fields;
  private volatile @Nullable Map<String, List<String>> byLowerName;

  private HeaderValues(String[] fields) {
    this.fields = fields;
  }

  /** {@return headers with no fields} */
  public static HeaderValues empty() {
    return EMPTY;
  }

  /**
   * {@return headers holding {@code fields}; names are compared case-insensitively, values keep their order}
   *
   * @param fields header name to values; {@code null} names and values are skipped
   */
  public static HeaderValues of(Map<String, ? extends List<String>> fields) {
    List<String> flat = new ArrayList<>();
    fields.forEach((name, values) -> {
      if (name == null || values == null) {
        return;
      }
      for (String value : values) {
        if (value != null) {
          flat.add(name);
          flat.add(value);
        }
      }
    });
    return flat.isEmpty() ? EMPTY : new HeaderValues(flat.toArray(NO_FIELDS));
  }

  /**
   * {@return headers from alternating names and values: {@code of("Retry-After", "5", "X-Id", "1")}} The array is
   * copied; a pair with a {@code null} name or value is skipped.
   *
   * @param namesAndValues a name, then its value, repeated
   * @throws IllegalArgumentException if the number of arguments is odd
   */
  public static HeaderValues of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Expected name/value pairs, got " + namesAndValues.length + " strings");
    }
    return of(namesAndValues.length / 2, i -> namesAndValues[2 * i], i -> namesAndValues[2 * i + 1]);
  }

  /**
   * {@return headers read by position from a client's own header list, copied once} For adapters whose headers are
   * indexed ({@code okhttp3.Headers}: {@code of(h.size(), h::name, h::value)}); a field with a {@code null} name or
   * value is skipped.
   *
   * @param size the number of fields
   * @param name the name of the field at an index from 0 to {@code size - 1}
   * @param value the value of the field at that index
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public static HeaderValues of(int size, IntFunction<String> name, IntFunction<String> value) {
    if (size < 0) {
      throw new IllegalArgumentException("Invalid size (" + size + "): must not be negative");
    }
    if (size == 0) {
      return EMPTY;
    }
    String[] fields = new String[size * 2];
    int kept = 0;
    for (int i = 0; i < size; i++) {
      String n = name.apply(i);
      String v = value.apply(i);
      if (n != null && v != null) {
        fields[kept++] = n;
        fields[kept++] = v;
      }
    }
    return kept == 0 ? EMPTY : new HeaderValues(kept == fields.length ? fields : Arrays.copyOf(fields, kept));
  }

  /**
   * {@return the first value of {@code name} (case-insensitive), or {@code null} when absent}
   *
   * @param name the header name, any case
   */
  public @Nullable String first(String name) {
    String[] f = fields;
    for (int i = 0; i < f.length; i += 2) {
      if (f[i].equalsIgnoreCase(name)) {
        return f[i + 1];
      }
    }
    return null;
  }

  /**
   * {@return the first value of {@code name} or {@code otherName} (case-insensitive), whichever comes first, or
   * {@code null} when both are absent} One pass over the fields, no allocation.
   *
   * @param name a header name, any case
   * @param otherName another header name, any case
   */
  public @Nullable String first(String name, String otherName) {
    String[] f = fields;
    for (int i = 0; i < f.length; i += 2) {
      if (f[i].equalsIgnoreCase(name) || f[i].equalsIgnoreCase(otherName)) {
        return f[i + 1];
      }
    }
    return null;
  }

  /**
   * {@return every value of {@code name} (case-insensitive), empty when absent}
   *
   * @param name the header name, any case
   */
  public List<String> all(String name) {
    String[] f = fields;
    String only = null;
    List<String> several = null;
    for (int i = 0; i < f.length; i += 2) {
      if (f[i].equalsIgnoreCase(name)) {
        if (only == null) {
          only = f[i + 1];
        } else {
          if (several == null) {
            several = new ArrayList<>(4);
            several.add(only);
          }
          several.add(f[i + 1]);
        }
      }
    }
    return several != null ? List.copyOf(several) : only != null ? List.of(only) : List.of();
  }

  /** {@return the fields keyed by lower-case name, values in order} Unmodifiable. */
  public Map<String, List<String>> asMap() {
    Map<String, List<String>> map = byLowerName;
    if (map == null) {
      Map<String, List<String>> grouped = new LinkedHashMap<>();
      for (int i = 0; i < fields.length; i += 2) {
        grouped.computeIfAbsent(fields[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(fields[i + 1]);
      }
      grouped.replaceAll((k, v) -> List.copyOf(v));
      map = Collections.unmodifiableMap(grouped);
      byLowerName = map;
    }
    return map;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HeaderValues other && asMap().equals(other.asMap());
  }

  @Override
  public int hashCode() {
    return Objects.hash(asMap());
  }

  /** Returns the header names only: values may hold secrets. */
  @Override
  public String toString() {
    return "HeaderValues" + asMap().keySet();
  }
}
