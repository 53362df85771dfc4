package dev.shippingresilience.internal;

import dev.shippingresilience.ItemClassification;
import java.util.AbstractList;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * The items of a batch answer, kept compact: per item its id and what it says, the latter shared by the items that
 * say the same (every accepted 17TRACK number shares one). {@link #get} makes the {@link ItemClassification}; equal
 * to a list of those, and unmodifiable. Filled by {@link ClassifierCore} in the size it counted, then never changed.
 */
public final class BatchItems extends AbstractList<ItemClassification> implements RandomAccess {
  /** No items: what a body without item arrays (a single JSON-RPC answer) gives, made once. */
  static final BatchItems NONE = new BatchItems(0);
  private final @Nullable String[] ids;
  /** What each item says, without its id. */
  private final ItemClassification[] kinds;
  private int size;

  BatchItems(int capacity) {
    this.ids = new String[capacity];
    this.kinds = new ItemClassification[capacity];
  }

  /** Appends an item: {@code id} and what {@code kind} (whose id is {@code null}) says. */
  void add(@Nullable String id, ItemClassification kind) {
    ids[size] = id;
    kinds[size] = kind;
    size++;
  }

  /** What item {@code index} says, its id aside. */
  ItemClassification kind(int index) {
    checkIndex(index);
    return kinds[index];
  }

  @Override
  public ItemClassification get(int index) {
    ItemClassification kind = kind(index);
    String id = ids[index];
    return id == null ? kind
        : new ItemClassification(id, kind.decision(), kind.code(), kind.reason(), kind.duplicate());
  }

  @Override
  public int size() {
    return size;
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("Index " + index + " out of bounds for length " + size);
    }
  }
}
