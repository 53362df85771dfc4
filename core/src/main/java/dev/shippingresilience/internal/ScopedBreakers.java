package dev.shippingresilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Resilience4j circuit breakers created per scope on demand ({@code clickpost}, {@code clickpost/carrier:5},
 * {@code generic-http/host:a.example}), at most {@code maxBreakers} of them whatever their states. Each comes with its
 * {@code resilience4j.circuitbreaker.*} meters ({@link BreakerMeters}), which leave with it, as they did with
 * Resilience4j's binder; its state transitions are observed, not subscribed to, and reported to the set's listener
 * ({@link ScopedBreaker} says how and in what order). Thread-safe.
 *
 * <p>Which breakers go, in this order:
 * <ol>
 *   <li><b>Never</b> a provider-level breaker: a scope with no {@code /carrier:}, {@code /operation:} or
 *       {@code /host:} part (e.g. {@code clickpost}). It guards every call to the provider; were it evicted, a new
 *       carrier's breaker and it would push each other out on every attempt, and neither could ever trip. There is
 *       one per profile, so keeping it does not break the bound.
 *   <li><b>Never</b> the scope being created, nor the provider scope it belongs to (for a {@code byHost} profile,
 *       {@code generic-http/host:h} when {@code generic-http/host:h/operation:x} is created): the host being called
 *       right now is not pushed out by its own call. Host-level breakers are otherwise evictable, since the hosts
 *       of the generic fallback are unbounded.
 *   <li><b>Expired</b> breakers are dropped whenever a breaker is created and whenever the states are read, full or
 *       not: an OPEN breaker opened at least {@value #EXPIRY_FACTOR} &times; its longest open wait ago (no
 *       call came since its open wait ended, or it would be HALF_OPEN: the next call would only find it ready for
 *       trial calls anyway), and any breaker not used for {@code max(}{@value #EXPIRY_FACTOR} &times;
 *       {@code longest open wait, }{@link #MIN_IDLE_EXPIRY}{@code )}. Time is the policy's clock.
 *   <li>When still full, one breaker makes room for the new one: a CLOSED breaker idle for at least
 *       the longest open wait if there is one, else any breaker (OPEN and HALF_OPEN included); the least
 *       recently used first in both cases. A strict LRU order among busy breakers keeps two scopes in use from
 *       evicting each other while older ones remain.
 * </ol>
 * Only protected breakers (rules 1 and 2) can take the count past {@code maxBreakers}: at most the provider-level
 * ones plus the scopes being created concurrently.
 */
public final class ScopedBreakers {
  /** An OPEN breaker expires this many open waits after it opened; any breaker after this many idle open waits. */
  public static final int EXPIRY_FACTOR = 2;
  /** The shortest idle time after which a breaker expires whatever its state: 10 min. */
  public static final Duration MIN_IDLE_EXPIRY = Duration.ofMinutes(10);

  private static final String[] SUB_SCOPES = {"/carrier:", "/operation:"};

  private final CircuitBreakerRegistry registry;
  private final CircuitBreakerConfig config;
  private final int maxBreakers;
  private final Clock clock;
  private final long openWaitMillis;
  private final long openExpiryMillis;
  private final long idleExpiryMillis;
  private final MeterRegistry meterRegistry;
  private final Consumer<ScopedBreaker.Transition> onTransition;
  private final Map<String, ScopedBreaker> slots = new ConcurrentHashMap<>();
  /** Orders uses exactly, where clock readings may tie. */
  private final AtomicLong uses = new AtomicLong();

  /**
   * Creates the set.
   *
   * @param registry the registry breakers live in
   * @param config the config of every breaker
   * @param maxBreakers the most breakers kept, protected ones aside (see the class comment)
   * @param clock the clock for idle and open times
   * @param openWait the breakers' longest wait in the OPEN state (their waits may grow on repeated trips up to it),
   *     the unit of expiry
   * @param meterRegistry where each breaker's {@code resilience4j.circuitbreaker.*} meters go
   * @param onTransition told each state transition of a breaker, in order (see {@link ScopedBreaker}); it runs on
   *     the calling thread, must be fast and should not throw (what it throws is logged)
   */
  public ScopedBreakers(CircuitBreakerRegistry registry, CircuitBreakerConfig config, int maxBreakers, Clock clock,
      Duration openWait, MeterRegistry meterRegistry, Consumer<ScopedBreaker.Transition> onTransition) {
    this.registry = registry;
    this.config = config;
    this.maxBreakers = maxBreakers;
    this.clock = clock;
    this.openWaitMillis = openWait.toMillis();
    this.openExpiryMillis = saturatedTimes(openWaitMillis, EXPIRY_FACTOR);
    this.idleExpiryMillis = Math.max(openExpiryMillis, MIN_IDLE_EXPIRY.toMillis());
    this.meterRegistry = meterRegistry;
    this.onTransition = onTransition;
  }

  private static long saturatedTimes(long millis, int factor) {
    return millis > Long.MAX_VALUE / factor ? Long.MAX_VALUE : millis * factor;
  }

  /** Returns the breaker for {@code scope} if it exists (marking it used), else {@code null}. */
  public @Nullable ScopedBreaker existing(String scope) {
    ScopedBreaker slot = slots.get(scope);
    if (slot == null) {
      return null;
    }
    touch(slot);
    return slot;
  }

  /** Returns the breaker for {@code scope}, creating it (and making room, as the class comment says). */
  public ScopedBreaker get(String scope) {
    ScopedBreaker cb = existing(scope);
    if (cb != null) {
      return cb;
    }
    synchronized (this) {
      ScopedBreaker slot = slots.get(scope);
      if (slot == null) {
        long now = clock.millis();
        expire(now);
        makeRoom(scope, now);
        CircuitBreaker breaker = registry.circuitBreaker(scope, config);
        slot = new ScopedBreaker(breaker, new BreakerMeters(meterRegistry, breaker), clock, onTransition);
        slots.put(scope, slot);
      }
      touch(slot);
      return slot;
    }
  }

  /**
   * Marks {@code slot} used now. Each field is written only when it changes (another scope was used since, the
   * clock moved on): a hot scope is mostly only read, so callers on many threads do not contend on a shared line.
   */
  private void touch(ScopedBreaker slot) {
    if (slot.lastUse != uses.get()) {
      slot.lastUse = uses.incrementAndGet();
    }
    long now = clock.millis();
    if (slot.lastUsedMillis != now) {
      slot.lastUsedMillis = now;
    }
  }

  /** Returns the provider-level scope of {@code scope}: {@code scope} without its carrier or operation part. */
  static String providerScopeOf(String scope) {
    int end = scope.length();
    for (String sub : SUB_SCOPES) {
      int i = scope.indexOf(sub);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return scope.substring(0, end);
  }

  /** Returns whether {@code scope} is a provider's own breaker, never evicted. */
  static boolean pinned(String scope) {
    return !scope.contains("/host:") && providerScopeOf(scope).equals(scope);
  }

  private boolean expired(String scope, ScopedBreaker slot, long now) {
    if (pinned(scope)) {
      return false;
    }
    // an OPEN not reported yet (a transition made outside) counts from when it is reported
    long opened = slot.openedMillis();
    if (slot.getState() == CircuitBreaker.State.OPEN && opened >= 0 && now - opened >= openExpiryMillis) {
      return true;
    }
    return now - slot.lastUsedMillis >= idleExpiryMillis;
  }

  private synchronized void expire(long now) {
    slots.forEach((scope, slot) -> {
      if (expired(scope, slot, now)) {
        remove(scope, slot);
      }
    });
  }

  private void makeRoom(String scope, long now) {
    String inUse = providerScopeOf(scope);
    while (slots.size() >= maxBreakers) {
      String victim = null;
      ScopedBreaker victimSlot = null;
      boolean victimIdleClosed = false;
      for (Map.Entry<String, ScopedBreaker> e : slots.entrySet()) {
        String name = e.getKey();
        if (pinned(name) || name.equals(inUse)) {
          continue;
        }
        ScopedBreaker s = e.getValue();
        boolean idleClosed = s.getState() == CircuitBreaker.State.CLOSED
            && now - s.lastUsedMillis >= openWaitMillis;
        boolean better = victimSlot == null
            || (idleClosed && !victimIdleClosed)
            || (idleClosed == victimIdleClosed && s.lastUse < victimSlot.lastUse);
        if (better) {
          victim = name;
          victimSlot = s;
          victimIdleClosed = idleClosed;
        }
      }
      if (victimSlot == null) {
        return;
      }
      remove(victim, victimSlot);
    }
  }

  private void remove(String scope, ScopedBreaker slot) {
    if (slots.remove(scope, slot)) {
      registry.remove(scope);
      slot.removeMeters();
    }
  }

  /** Returns the number of breakers kept, after dropping expired ones. */
  public int size() {
    expire(clock.millis());
    return slots.size();
  }

  /** Returns each scope's state name, e.g. {@code clickpost/carrier:5 -> OPEN}, after dropping expired ones. */
  public Map<String, String> states() {
    expire(clock.millis());
    Map<String, String> states = new TreeMap<>();
    slots.forEach((scope, slot) -> states.put(scope, slot.getState().name()));
    return states;
  }
}
