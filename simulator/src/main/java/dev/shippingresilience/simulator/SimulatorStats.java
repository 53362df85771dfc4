package dev.shippingresilience.simulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What reached the simulated provider. Thread-safe; read it after the run. */
public final class SimulatorStats {
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final LongAdder tooManyRequests = new LongAdder();
  private final LongAdder duringOutage = new LongAdder();
  private final Map<String, LongAdder> createdPerOrder = new ConcurrentHashMap<>();
  private final LongAdder labelsCreated = new LongAdder();
  private final Map<String, LongAdder> labelsPerOrder = new ConcurrentHashMap<>();

  void request(String provider) {
    requests.computeIfAbsent(provider, k -> new LongAdder()).increment();
  }

  void tooManyRequests() {
    tooManyRequests.increment();
  }

  void duringOutage() {
    duringOutage.increment();
  }

  void orderCreated(String reference) {
    createdPerOrder.computeIfAbsent(reference, k -> new LongAdder()).increment();
  }

  void labelCreated(String orderNumber) {
    labelsCreated.increment();
    labelsPerOrder.computeIfAbsent(orderNumber, k -> new LongAdder()).increment();
  }

  /** Returns the requests received per provider id. */
  public Map<String, Long> requests() {
    Map<String, Long> out = new java.util.TreeMap<>();
    requests.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Returns the total requests received. */
  public long totalRequests() {
    return requests.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Returns the 429 answers served. */
  public long tooManyRequestsServed() {
    return tooManyRequests.sum();
  }

  /** Returns the requests that arrived at a carrier or provider while it was down. */
  public long requestsDuringOutage() {
    return duringOutage.sum();
  }

  /** Returns the duplicate orders or labels created (the same order number created more than once). */
  public long duplicatesCreated() {
    long orders = createdPerOrder.values().stream().mapToLong(a -> Math.max(0, a.sum() - 1)).sum();
    long labels = labelsPerOrder.values().stream().mapToLong(a -> Math.max(0, a.sum() - 1)).sum();
    return orders + labels;
  }

  /** Returns the labels created. */
  public long labelsCreated() {
    return labelsCreated.sum();
  }
}
