package dev.shippingresilience.spring.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded ring of the last {@code capacity} values, written without locks: each writer claims a sequence number
 * ({@link AtomicLong#getAndIncrement()}) and publishes an immutable slot at {@code sequence % capacity} with a
 * compare-and-set that never replaces a newer slot with an older one (a writer that stalled after claiming its
 * number loses to the one that lapped it). Readers copy the slots whose sequence is one of the last
 * {@code capacity} claimed, in order; a value whose writer has claimed but not yet published is skipped. So a
 * reader never sees a torn or reordered value, and never more than {@code capacity}. Thread-safe.
 *
 * @param <T> the (immutable) value type
 */
public final class EventRing<T> {
  private final AtomicLong next = new AtomicLong();
  private final AtomicReferenceArray<Slot<T>> slots;

  private record Slot<T>(long sequence, T value) {}

  /**
   * @param capacity how many values are kept
   * @throws IllegalArgumentException if {@code capacity} is below 1
   */
  public EventRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("Invalid capacity (" + capacity + "): must be >= 1");
    }
    this.slots = new AtomicReferenceArray<>(capacity);
  }

  /** Adds {@code value}, dropping the oldest when full. Lock-free; allocates one slot. */
  public void add(T value) {
    long sequence = next.getAndIncrement();
    int index = (int) (sequence % slots.length());
    Slot<T> slot = new Slot<>(sequence, value);
    Slot<T> current;
    do {
      current = slots.get(index);
      if (current != null && current.sequence() > sequence) {
        return; // lapped while stalled: a newer value owns the slot
      }
    } while (!slots.compareAndSet(index, current, slot));
  }

  /** {@return the last values published, oldest first, at most {@link #capacity()}} */
  public List<T> snapshot() {
    long end = next.get();
    long start = Math.max(0, end - slots.length());
    List<T> out = new ArrayList<>((int) (end - start));
    for (long s = start; s < end; s++) {
      Slot<T> slot = slots.get((int) (s % slots.length()));
      if (slot != null && slot.sequence() == s) {
        out.add(slot.value());
      }
    }
    return out;
  }

  /** {@return how many values are kept} */
  public int capacity() {
    return slots.length();
  }

  /** {@return how many values were ever added} */
  public long added() {
    return next.get();
  }
}
