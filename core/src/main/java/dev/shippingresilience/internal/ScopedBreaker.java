package dev.shippingresilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One breaker of {@link ScopedBreakers}: a Resilience4j circuit breaker that the library drives through these methods
 * only, with its meters and its bookkeeping (last use, when it opened). Thread-safe.
 *
 * <p><b>No event consumers.</b> Resilience4j builds an event object (with a {@code ZonedDateTime}) for every call a
 * breaker records once anything consumes its events, so the library subscribes to none: its meters are recorded here
 * ({@link BreakerMeters}) and its state transitions are <em>observed</em>. After each operation on the breaker
 * ({@link #tryAcquirePermission}, {@link #onSuccess}, {@link #onError}, {@link #releasePermission}, the
 * {@code transitionTo*} methods) the state is read (one volatile read) and compared with the state last reported;
 * only when they differ does the thread take this object's lock, record the new state, stamp {@link #openedMillis()}
 * on OPEN and report each transition to the set's listener. A call that finds the breaker as it was allocates nothing
 * and takes no lock. A user who subscribes to the breaker's events still gets Resilience4j's events.
 *
 * <p><b>Order of reports.</b> Each transition is reported once, on the thread that first looks after it happened,
 * right after the operation that made it (before the call goes on, as Resilience4j's consumers ran inside it), and the
 * reports of one breaker come in the order of its transitions: CLOSED -&gt; OPEN when a failure that trips it is
 * recorded; OPEN -&gt; HALF_OPEN only when the first call after the open wait asks for a permit (the policy does not
 * enable Resilience4j's automatic, timer-driven transition, so the breaker itself moves inside
 * {@code tryAcquirePermission}, not when the wait ends); HALF_OPEN -&gt; CLOSED or -&gt; OPEN when the trial calls'
 * outcomes are recorded. When another thread moved the breaker on before anyone looked (CLOSED to HALF_OPEN, or OPEN
 * to CLOSED, seen in one look), the state in between is reported too, in order, so an OPEN is never missed. A whole
 * cycle back to the state last seen between two looks (it takes at least one open wait) is not reported.
 */
public final class ScopedBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(ScopedBreaker.class);

  /**
   * A state transition of a breaker, as reported to {@link ScopedBreakers}' listener.
   *
   * @param name the breaker's name, its scope
   * @param from the state it left
   * @param to the state it entered
   */
  public record Transition(String name, CircuitBreaker.State from, CircuitBreaker.State to) {}

  private final CircuitBreaker breaker;
  private final BreakerMeters meters;
  private final Clock clock;
  private final Consumer<Transition> onTransition;
  /** The state last reported; written only under this object's lock. */
  private volatile CircuitBreaker.State seen;
  /** The use counter's value at the last use: unique, so only the most recent breaker equals the counter. */
  volatile long lastUse = -1;
  volatile long lastUsedMillis;
  private volatile long openedMillis;

  ScopedBreaker(CircuitBreaker breaker, BreakerMeters meters, Clock clock, Consumer<Transition> onTransition) {
    this.breaker = breaker;
    this.meters = meters;
    this.clock = clock;
    this.onTransition = onTransition;
    this.seen = breaker.getState();
  }

  /** Returns the breaker's name, its scope. */
  public String getName() {
    return breaker.getName();
  }

  /** Returns the breaker's current state. */
  public CircuitBreaker.State getState() {
    return breaker.getState();
  }

  /** Returns the Resilience4j breaker; operations on it directly are reported at the next one made here. */
  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  /**
   * Asks the breaker for a permit to call (in OPEN after its wait, this moves it to HALF_OPEN); a refusal is counted.
   *
   * @return whether the call may go
   */
  public boolean tryAcquirePermission() {
    boolean permitted = breaker.tryAcquirePermission();
    if (!permitted) {
      meters.notPermitted();
    }
    observe();
    return permitted;
  }

  /** Gives back a permit without recording an outcome. */
  public void releasePermission() {
    breaker.releasePermission();
    observe();
  }

  /**
   * Records a call that proved the upstream healthy.
   *
   * @param nanos its duration in nanoseconds
   */
  public void onSuccess(long nanos) {
    breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    meters.succeeded(nanos);
    observe();
  }

  /**
   * Records a failed call.
   *
   * @param nanos its duration in nanoseconds
   * @param failure what failed, judged by the breaker's config
   */
  public void onError(long nanos, Throwable failure) {
    breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
    meters.failed(nanos, failure);
    observe();
  }

  /** Opens the breaker now (for tests and tools). */
  public void transitionToOpenState() {
    breaker.transitionToOpenState();
    observe();
  }

  /** Moves the breaker to HALF_OPEN now (for tests and tools). */
  public void transitionToHalfOpenState() {
    breaker.transitionToHalfOpenState();
    observe();
  }

  /** Returns when the breaker last opened (the set's clock), if the OPEN it is in has been reported, else -1. */
  long openedMillis() {
    return seen == CircuitBreaker.State.OPEN ? openedMillis : -1;
  }

  void removeMeters() {
    meters.remove();
  }

  /** Reports the transitions since the last look, if any. */
  private void observe() {
    if (breaker.getState() != seen) {
      changed();
    }
  }

  private synchronized void changed() {
    CircuitBreaker.State from = seen;
    CircuitBreaker.State to = breaker.getState();
    if (to == from) {
      return;
    }
    // The state in between when another thread's transition was not looked at yet (see the class comment).
    CircuitBreaker.State between = null;
    if (from == CircuitBreaker.State.CLOSED && to == CircuitBreaker.State.HALF_OPEN) {
      between = CircuitBreaker.State.OPEN;
    } else if (from == CircuitBreaker.State.OPEN && to == CircuitBreaker.State.CLOSED) {
      between = CircuitBreaker.State.HALF_OPEN;
    }
    if (to == CircuitBreaker.State.OPEN || between == CircuitBreaker.State.OPEN) {
      openedMillis = clock.millis();
    }
    seen = to;
    if (between != null) {
      report(from, between);
      from = between;
    }
    report(from, to);
  }

  private void report(CircuitBreaker.State from, CircuitBreaker.State to) {
    try {
      onTransition.accept(new Transition(breaker.getName(), from, to));
    } catch (RuntimeException e) {
      // as Resilience4j treated a failing consumer
      LOG.warn("circuit breaker {}: handling {} -> {} failed", breaker.getName(), from, to, e);
    }
  }
}
