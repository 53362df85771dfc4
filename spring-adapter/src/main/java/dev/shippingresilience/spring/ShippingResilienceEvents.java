package dev.shippingresilience.spring;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Redaction;
import dev.shippingresilience.event.AttemptEvent;
import dev.shippingresilience.event.BreakerEvent;
import dev.shippingresilience.event.DecisionEvent;
import dev.shippingresilience.event.ReconcileEvent;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.event.WaitEvent;
import dev.shippingresilience.spring.internal.EventRing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The last events of every provider, in memory: a bounded ring per provider of what its calls reported to the
 * {@link #listener()} (attempts with their redacted URL, decisions, waits and their cause, breaker changes), shown
 * by {@link ShippingResilienceEventsEndpoint}. Recording takes no lock and allocates two small objects: the
 * listener stays fast, as {@link ShippingListener} requires.
 *
 * <p>Spring Boot registers {@link #listener()} on every policy through a {@link ShippingPoliciesCustomizer} that
 * runs before the application's own: a customizer that sets another listener replaces it (call this listener from
 * yours to keep both). Thread-safe.
 */
public final class ShippingResilienceEvents {
  /** The default number of events kept per provider: {@value}. */
  public static final int DEFAULT_SIZE = 100;
  /** The longest code shown: longer ones (or ones with other characters) are left out. */
  private static final int MAX_CODE_LENGTH = 64;

  /**
   * One engine event. Fields that do not apply to the {@code type} are {@code null} (or 0).
   *
   * @param time when it was recorded
   * @param provider the provider id
   * @param type {@code attempt} (a request is about to be sent), {@code decision} (a response was classified),
   *     {@code wait} (the engine is about to wait), {@code breaker} (a breaker changed state) or {@code reconcile}
   *     (a lookup after a create lost its answer proved something; the outcome in {@code decision}: found, absent,
   *     unknown or not_possible)
   * @param operation the profile operation, or {@code null} for a breaker change
   * @param scope the breaker scope (decisions and breaker changes), e.g. {@code clickpost/carrier:5}
   * @param attempt the attempt number (attempts and decisions; 1 for the first send), else 0
   * @param poll the poll number (attempts and decisions; 0 unless a poll), else 0
   * @param method the HTTP method of an attempt
   * @param url the URL of an attempt, with the profile's secrets masked
   * @param decision the decision ({@code SUCCEED}, {@code RETRY}, {@code POLL}, {@code BREAK}, {@code FAIL})
   * @param status the HTTP status of a decision, else 0
   * @param code the provider's code of a decision, when it is a short plain token
   * @param reason the rule that fired, for a decision, or what a reconcile proved (never holds secrets)
   * @param waitDuration how long the engine waits, for a wait
   * @param cause why it waits: {@code retry_after}, {@code backoff}, {@code poll}, {@code rate_limit}, {@code pause}
   * @param from the breaker's previous state, for a breaker change
   * @param to the breaker's new state, for a breaker change
   */
  public record Event(Instant time, String provider, String type, @Nullable String operation,
      @Nullable String scope, int attempt, int poll, @Nullable String method, @Nullable String url,
      @Nullable String decision, int status, @Nullable String code, @Nullable String reason,
      @Nullable Duration waitDuration, @Nullable String cause, @Nullable String from, @Nullable String to) {}

  private final int size;
  private final Clock clock;
  private final ConcurrentHashMap<String, EventRing<Event>> rings = new ConcurrentHashMap<>();
  private final ShippingListener listener = new Recorder();

  /**
   * Keeps the last {@code size} events of each provider, timed by the system clock.
   *
   * @param size events kept per provider
   * @throws IllegalArgumentException if {@code size} is below 1
   */
  public ShippingResilienceEvents(int size) {
    this(size, Clock.systemUTC());
  }

  /**
   * Keeps the last {@code size} events of each provider, timed by {@code clock}.
   *
   * @param size events kept per provider
   * @param clock the clock that stamps events
   * @throws IllegalArgumentException if {@code size} is below 1
   */
  public ShippingResilienceEvents(int size, Clock clock) {
    if (size < 1) {
      throw new IllegalArgumentException("Invalid size (" + size + "): must be >= 1");
    }
    this.size = size;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@return the listener that records events; register it on the policies} */
  public ShippingListener listener() {
    return listener;
  }

  /** {@return the number of events kept per provider} */
  public int size() {
    return size;
  }

  /**
   * {@return the last events of {@code provider}, oldest first; empty when it has none}
   *
   * @param provider the provider id
   */
  public List<Event> recent(String provider) {
    EventRing<Event> ring = rings.get(provider);
    return ring == null ? List.of() : ring.snapshot();
  }

  /** {@return the last events of every provider that has some, by provider id, oldest first} */
  public Map<String, List<Event>> recent() {
    Map<String, List<Event>> out = new TreeMap<>();
    rings.forEach((provider, ring) -> out.put(provider, ring.snapshot()));
    return out;
  }

  private void record(Event event) {
    EventRing<Event> ring = rings.get(event.provider());
    if (ring == null) {
      ring = rings.computeIfAbsent(event.provider(), p -> new EventRing<>(size));
    }
    ring.add(event);
  }

  /** Turns each engine event into an {@link Event}. */
  private final class Recorder implements ShippingListener {
    @Override
    public void onAttempt(AttemptEvent e) {
      record(new Event(clock.instant(), e.provider(), "attempt", e.operation(), null, e.attempt(), e.poll(),
          e.method(), e.redactedUrl(), null, 0, null, null, null, null, null, null));
    }

    @Override
    public void onDecision(DecisionEvent e) {
      Classification c = e.classification();
      String code = Redaction.isShowableToken(c.code(), MAX_CODE_LENGTH) ? c.code() : null;
      record(new Event(clock.instant(), c.provider(), "decision", c.operation(), c.scope(), e.attempt(), e.poll(),
          null, null, c.decision().name(), c.httpStatus(), code, c.reason(), null, null, null, null));
    }

    @Override
    public void onWait(WaitEvent e) {
      record(new Event(clock.instant(), e.provider(), "wait", e.operation(), null, 0, 0, null, null, null, 0, null,
          null, e.duration(), e.cause(), null, null));
    }

    @Override
    public void onBreakerStateChange(BreakerEvent e) {
      int slash = e.scope().indexOf('/');
      String provider = slash < 0 ? e.scope() : e.scope().substring(0, slash);
      record(new Event(clock.instant(), provider, "breaker", null, e.scope(), 0, 0, null, null, null, 0, null,
          null, null, null, e.from(), e.to()));
    }

    @Override
    public void onReconcile(ReconcileEvent e) {
      record(new Event(clock.instant(), e.provider(), "reconcile", e.operation(), null, 0, 0, null, null,
          e.outcome(), 0, null, e.reason(), null, null, null, null));
    }
  }
}
