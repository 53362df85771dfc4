package dev.shippingresilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Resilience4j circuit breakers created per scope on demand ({@code clickpost}, {@code clickpost/carrier:5}),
 * at most {@code maxBreakers} of them: when full, the least recently used CLOSED breakers are evicted (an open or
 * half-open breaker is never forgotten). Thread-safe.
 */
public final class ScopedBreakers {
  private final CircuitBreakerRegistry registry;
  private final CircuitBreakerConfig config;
  private final int maxBreakers;
  private final Clock clock;
  private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
  private final Consumer<CircuitBreaker> onCreate;

  /**
   * Creates the set.
   *
   * @param registry the registry breakers live in (bound to Micrometer by the caller)
   * @param config the config of every breaker
   * @param maxBreakers the most breakers kept
   * @param clock the clock for idle tracking
   * @param onCreate called once per new breaker (to subscribe to its events)
   */
  public ScopedBreakers(CircuitBreakerRegistry registry, CircuitBreakerConfig config, int maxBreakers, Clock clock,
      Consumer<CircuitBreaker> onCreate) {
    this.registry = registry;
    this.config = config;
    this.maxBreakers = maxBreakers;
    this.clock = clock;
    this.onCreate = onCreate;
  }

  /** Returns the breaker for {@code scope} if it exists, else {@code null}. */
  public @Nullable CircuitBreaker existing(String scope) {
    CircuitBreaker cb = registry.find(scope).orElse(null);
    if (cb != null) {
      lastUsed.put(scope, clock.millis());
    }
    return cb;
  }

  /** Returns the breaker for {@code scope}, creating it (and evicting idle ones when full). */
  public CircuitBreaker get(String scope) {
    CircuitBreaker cb = existing(scope);
    if (cb != null) {
      return cb;
    }
    synchronized (this) {
      cb = registry.find(scope).orElse(null);
      if (cb == null) {
        evictIfFull();
        cb = registry.circuitBreaker(scope, config);
        onCreate.accept(cb);
      }
      lastUsed.put(scope, clock.millis());
      return cb;
    }
  }

  private void evictIfFull() {
    int excess = registry.getAllCircuitBreakers().size() - maxBreakers + 1;
    if (excess <= 0) {
      return;
    }
    List<String> idle = registry.getAllCircuitBreakers().stream()
        .filter(cb -> cb.getState() == CircuitBreaker.State.CLOSED)
        .map(CircuitBreaker::getName)
        .sorted(Comparator.comparingLong(name -> lastUsed.getOrDefault(name, 0L)))
        .limit(excess)
        .collect(Collectors.toList());
    for (String name : idle) {
      registry.remove(name);
      lastUsed.remove(name);
    }
  }

  /** Returns the number of breakers kept. */
  public int size() {
    return registry.getAllCircuitBreakers().size();
  }

  /** Returns each scope's state name, e.g. {@code clickpost/carrier:5 -> OPEN}. */
  public Map<String, String> states() {
    return registry.getAllCircuitBreakers().stream()
        .collect(Collectors.toMap(CircuitBreaker::getName, cb -> cb.getState().name(), (a, b) -> a,
            java.util.TreeMap::new));
  }
}
