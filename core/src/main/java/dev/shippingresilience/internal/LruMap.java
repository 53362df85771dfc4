package dev.shippingresilience.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A map of at most {@code max} entries that drops the least recently used one when a new key would exceed the bound,
 * telling {@code onEvict} (which may release what the value holds, such as its meters). Every read and write takes
 * one short lock; {@code onEvict} and the value factory run under it and must not call back into this map.
 *
 * @param <V> the value type
 */
public final class LruMap<V> {
  private final int max;
  private final BiConsumer<String, V> onEvict;
  private final LinkedHashMap<String, V> map = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * Creates an empty map whose dropped entries need no release.
   *
   * @param max the most entries kept, at least 1
   */
  public LruMap(int max) {
    this(max, (key, value) -> { });
  }

  /**
   * Creates an empty map.
   *
   * @param max the most entries kept, at least 1
   * @param onEvict called with each entry dropped to respect {@code max}
   */
  public LruMap(int max, BiConsumer<String, V> onEvict) {
    if (max < 1) {
      throw new IllegalArgumentException("Invalid max (" + max + "): must be >= 1");
    }
    this.max = max;
    this.onEvict = onEvict;
  }

  /** Returns the value of {@code key}, creating it (and dropping the least recently used entry when full). */
  public synchronized V computeIfAbsent(String key, Function<String, V> create) {
    V value = map.get(key);
    if (value != null) {
      return value;
    }
    if (map.size() >= max) {
      Iterator<Map.Entry<String, V>> eldest = map.entrySet().iterator();
      Map.Entry<String, V> e = eldest.next();
      eldest.remove();
      onEvict.accept(e.getKey(), e.getValue());
    }
    value = create.apply(key);
    map.put(key, value);
    return value;
  }

  /** Returns the value of {@code key} (marking it used), or {@code null}. */
  public synchronized @Nullable V get(String key) {
    return map.get(key);
  }

  /** Calls {@code action} with each entry, least recently used first, without marking them used. */
  public synchronized void forEach(BiConsumer<String, V> action) {
    map.forEach(action);
  }

  /** Returns the number of entries. */
  public synchronized int size() {
    return map.size();
  }
}
