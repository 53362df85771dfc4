package dev.shippingresilience.internal;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which fields to read from a JSON body: scalar values at pointers, the mere presence of members, and arrays of
 * items with fields relative to each element. Immutable; built once per profile operation.
 */
public final class ExtractionPlan {
  /**
   * Fields to read from each element of an array of items.
   *
   * @param arrayPointer where the array is
   * @param scalarPointers element-relative pointers whose scalar value is read
   * @param presencePointers element-relative pointers whose presence is recorded
   * @param maxItems the most elements read; later elements are only checked and counted
   *     ({@link Extraction#skippedItems()})
   */
  public record ItemPlan(String arrayPointer, Set<String> scalarPointers, Set<String> presencePointers,
      int maxItems) {
    /** Copies the sets. */
    public ItemPlan {
      scalarPointers = Set.copyOf(scalarPointers);
      presencePointers = Set.copyOf(presencePointers);
      if (maxItems < 1) {
        throw new IllegalArgumentException("Invalid maxItems (" + maxItems + "): must be >= 1");
      }
    }

    /** An item plan that reads every element. */
    public ItemPlan(String arrayPointer, Set<String> scalarPointers, Set<String> presencePointers) {
      this(arrayPointer, scalarPointers, presencePointers, Integer.MAX_VALUE);
    }

    Set<String> interest() {
      Set<String> out = new HashSet<>();
      for (String p : scalarPointers) {
        out.addAll(JsonPointers.prefixes(p));
      }
      for (String p : presencePointers) {
        out.addAll(JsonPointers.prefixes(p));
      }
      return out;
    }
  }

  final Set<String> scalarPointers;
  final Set<String> presencePointers;
  final List<ItemPlan> items;
  final Set<String> interest;
  final List<Set<String>> itemInterest;
  /** The document level's pointers as a tree of names, for {@link ByteExtractor}. */
  final PlanTrie trie;
  /** Each item plan's pointers as a tree, in item order. */
  final List<PlanTrie> itemTries;
  /** The document level's pointers by node ordinal of {@link #trie}. */
  final String[] documentPaths;
  /** Each item plan's layout for {@link Extraction.FlatItems}, in item order. */
  final List<Extraction.ItemLayout> itemLayouts;

  /**
   * Creates a plan.
   *
   * @param scalarPointers pointers whose scalar value (string, number, boolean) is read
   * @param presencePointers pointers whose presence (any non-null value) is recorded
   * @param items arrays of items to read element by element
   */
  public ExtractionPlan(Set<String> scalarPointers, Set<String> presencePointers, List<ItemPlan> items) {
    this.scalarPointers = Set.copyOf(scalarPointers);
    this.presencePointers = Set.copyOf(presencePointers);
    this.items = List.copyOf(items);
    Set<String> all = new LinkedHashSet<>();
    for (String p : this.scalarPointers) {
      all.addAll(JsonPointers.prefixes(p));
    }
    for (String p : this.presencePointers) {
      all.addAll(JsonPointers.prefixes(p));
    }
    List<Set<String>> perItem = new java.util.ArrayList<>();
    for (ItemPlan item : this.items) {
      all.addAll(JsonPointers.prefixes(item.arrayPointer()));
      perItem.add(item.interest());
    }
    this.itemInterest = List.copyOf(perItem);
    this.interest = Set.copyOf(all);
    List<String> arrays = new java.util.ArrayList<>();
    List<PlanTrie> tries = new java.util.ArrayList<>();
    List<Extraction.ItemLayout> layouts = new java.util.ArrayList<>();
    for (int i = 0; i < this.items.size(); i++) {
      ItemPlan item = this.items.get(i);
      arrays.add(item.arrayPointer());
      PlanTrie itemTrie = new PlanTrie(perItem.get(i), item.scalarPointers(), item.presencePointers(), List.of());
      tries.add(itemTrie);
      layouts.add(Extraction.ItemLayout.of(itemTrie.nodes));
    }
    this.trie = new PlanTrie(this.interest, this.scalarPointers, this.presencePointers, arrays);
    this.itemTries = List.copyOf(tries);
    this.itemLayouts = List.copyOf(layouts);
    this.documentPaths = Extraction.ItemLayout.of(trie.nodes).nodePaths;
  }

  int itemIndexFor(String arrayPointer) {
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).arrayPointer().equals(arrayPointer)) {
        return i;
      }
    }
    return -1;
  }
}
