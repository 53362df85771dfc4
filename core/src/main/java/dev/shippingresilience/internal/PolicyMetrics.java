package dev.shippingresilience.internal;

import dev.shippingresilience.ShippingMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the engine's Micrometer meters, named and tagged as {@link ShippingMeters} documents. Each meter is
 * registered once and then found by its tag values (a lookup that allocates nothing): registering through a builder
 * on every call costs a builder, tags and a registry lookup. The tag values are bounded (operations and codes of the
 * profile, decisions, outcomes, wait causes), so the caches are too.
 */
public final class PolicyMetrics {
  private static final String CALLS = ShippingMeters.CALLS;
  private static final String ATTEMPTS = ShippingMeters.ATTEMPTS;
  private static final String POLLS = ShippingMeters.POLLS;
  private static final String WAITS = ShippingMeters.WAITS;
  private static final String RECONCILES = ShippingMeters.RECONCILES;

  private final MeterRegistry registry;
  private final String provider;
  private final Cache<Timer> calls;
  private final Cache<Counter> attempts;
  private final Cache<Counter> polls;
  private final Cache<Timer> waits;
  private final Cache<Counter> reconciles;

  /** Creates meters for {@code provider} in {@code registry}. */
  public PolicyMetrics(MeterRegistry registry, String provider) {
    this.registry = registry;
    this.provider = provider;
    this.calls = new Cache<>((operation, outcome, unused) -> Timer.builder(CALLS)
        .description("Logical calls to a shipping provider, retries and polls included")
        .tag("provider", provider).tag("operation", operation).tag("outcome", outcome).register(registry));
    this.attempts = new Cache<>((operation, decision, code) -> Counter.builder(ATTEMPTS)
        .description("Requests sent to a shipping provider, by decision")
        .tag("provider", provider).tag("operation", operation).tag("decision", decision).tag("code", code)
        .register(registry));
    this.polls = new Cache<>((operation, unused, unused2) -> Counter.builder(POLLS)
        .description("Poll requests sent while a provider was still processing")
        .tag("provider", provider).tag("operation", operation).register(registry));
    this.waits = new Cache<>((operation, cause, unused) -> Timer.builder(WAITS)
        .description("Time spent waiting between requests")
        .tag("provider", provider).tag("operation", operation).tag("cause", cause).register(registry));
    this.reconciles = new Cache<>((operation, outcome, unused) -> Counter.builder(RECONCILES)
        .description("Lookups asked after a create lost its answer, by what they proved")
        .tag("provider", provider).tag("operation", operation).tag("outcome", outcome).register(registry));
  }

  /** Records a finished logical call that took {@code nanos} nanoseconds. */
  public void call(String operation, String outcome, long nanos) {
    calls.get(operation, outcome, "").record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records one classified send. */
  public void attempt(String operation, String decision, String codeTag) {
    attempts.get(operation, decision, codeTag).increment();
  }

  /** Records one poll send. */
  public void poll(String operation) {
    polls.get(operation, "", "").increment();
  }

  /** Records a wait. */
  public void wait(String operation, String cause, Duration duration) {
    waits.get(operation, cause, "").record(duration);
  }

  /** Records one reconcile: found, absent, unknown or not_possible. */
  public void reconcile(String operation, String outcome) {
    reconciles.get(operation, outcome, "").increment();
  }

  /** Meters by up to three tag values, registered on first use. */
  private static final class Cache<M> {
    /** Registers the meter for three tag values. */
    interface Factory<M> {
      M register(String first, String second, String third);
    }

    private final Factory<M> factory;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConcurrentHashMap<String, M>>> meters =
        new ConcurrentHashMap<>();

    Cache(Factory<M> factory) {
      this.factory = factory;
    }

    M get(String first, String second, String third) {
      ConcurrentHashMap<String, ConcurrentHashMap<String, M>> bySecond = meters.get(first);
      if (bySecond == null) {
        bySecond = meters.computeIfAbsent(first, k -> new ConcurrentHashMap<>());
      }
      ConcurrentHashMap<String, M> byThird = bySecond.get(second);
      if (byThird == null) {
        byThird = bySecond.computeIfAbsent(second, k -> new ConcurrentHashMap<>());
      }
      M meter = byThird.get(third);
      if (meter == null) {
        meter = byThird.computeIfAbsent(third, k -> factory.register(first, second, third));
      }
      return meter;
    }
  }
}
