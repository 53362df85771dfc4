package dev.shippingresilience;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Immutable HTTP header fields with case-insensitive names, independent of any HTTP client.
 *
 * <p>Thread-safe.
 */
public final class HeaderValues {
  private static final HeaderValues EMPTY = new HeaderValues(Map.of());

  private final Map<String, List<String>> byLowerName;

  private HeaderValues(Map<String, List<String>> byLowerName) {
    this.byLowerName = byLowerName;
  }

  /** {@return headers with no fields} */
  public static HeaderValues empty() {
    return EMPTY;
  }

  /**
   * {@return headers holding {@code fields}; names are compared case-insensitively, values keep their order}
   *
   * @param fields header name to values; {@code null} values are skipped
   */
  public static HeaderValues of(Map<String, ? extends List<String>> fields) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((name, values) -> {
      if (name == null || values == null) {
        return;
      }
      List<String> target = copy.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>());
      for (String value : values) {
        if (value != null) {
          target.add(value);
        }
      }
    });
    copy.replaceAll((k, v) -> List.copyOf(v));
    return new HeaderValues(Collections.unmodifiableMap(copy));
  }

  /**
   * {@return headers from alternating names and values: {@code of("Retry-After", "5", "X-Id", "1")}}
   *
   * @param namesAndValues a name, then its value, repeated
   * @throws IllegalArgumentException if the number of arguments is odd
   */
  public static HeaderValues of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Expected name/value pairs, got " + namesAndValues.length + " strings");
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.computeIfAbsent(namesAndValues[i], k -> new ArrayList<>()).add(namesAndValues[i + 1]);
    }
    return of(fields);
  }

  /**
   * {@return the first value of {@code name} (case-insensitive), or {@code null} when absent}
   *
   * @param name the header name, any case
   */
  public @Nullable String first(String name) {
    List<String> values = byLowerName.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * {@return every value of {@code name} (case-insensitive), empty when absent}
   *
   * @param name the header name, any case
   */
  public List<String> all(String name) {
    return byLowerName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  /** {@return the fields keyed by lower-case name} Unmodifiable. */
  public Map<String, List<String>> asMap() {
    return byLowerName;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HeaderValues other && byLowerName.equals(other.byLowerName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(byLowerName);
  }

  /** Returns the header names only: values may hold secrets. */
  @Override
  public String toString() {
    return "HeaderValues" + byLowerName.keySet();
  }
}
