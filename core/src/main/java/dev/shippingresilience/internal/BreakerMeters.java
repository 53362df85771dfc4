package dev.shippingresilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.micrometer.tagged.CircuitBreakerMetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The {@code resilience4j.circuitbreaker.*} meters of one breaker, registered without subscribing to the breaker's
 * events. Resilience4j's own binder ({@code TaggedCircuitBreakerMetrics}) records its call timers and its
 * not-permitted counter from the breaker's events, and a breaker with any event consumer builds an event (with a
 * {@code ZonedDateTime}) on every call. These are the same meters, names, tags ({@code name}, {@code state},
 * {@code kind} and the breaker's own tags) and descriptions as Resilience4j 2.4.0's binder registers
 * ({@code AbstractCircuitBreakerMetrics}); the gauges read the breaker as theirs do, and {@link ScopedBreaker} records
 * the timers and the counter where it reports a call's outcome to the breaker, with the durations it passes to it.
 * Thread-safe.
 */
public final class BreakerMeters {
  private static final CircuitBreakerMetricNames NAMES = CircuitBreakerMetricNames.ofDefaults();
  private static final String NAME = "name";
  private static final String KIND = "kind";

  private final MeterRegistry registry;
  private final List<Meter.Id> ids = new ArrayList<>();
  private final CircuitBreakerConfig config;
  private final Timer successful;
  private final Timer failed;
  private final Timer ignored;
  private final Counter notPermitted;

  /**
   * Registers the meters of {@code breaker} in {@code registry}.
   *
   * @param registry where the meters go
   * @param breaker the breaker they describe
   */
  public BreakerMeters(MeterRegistry registry, CircuitBreaker breaker) {
    this.registry = registry;
    this.config = breaker.getCircuitBreakerConfig();
    String name = breaker.getName();
    List<Tag> tags = new ArrayList<>();
    breaker.getTags().forEach((k, v) -> tags.add(Tag.of(k, v)));
    for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
      gauge(NAMES.getStateMetricName(), "The states of the circuit breaker", breaker,
          cb -> cb.getState() == state ? 1 : 0, name, "state", state.name().toLowerCase(Locale.ROOT), tags);
    }
    gauge(NAMES.getBufferedCallsMetricName(), "The number of buffered failed calls stored in the ring buffer",
        breaker, cb -> cb.getMetrics().getNumberOfFailedCalls(), name, KIND, "failed", tags);
    gauge(NAMES.getBufferedCallsMetricName(), "The number of buffered successful calls stored in the ring buffer",
        breaker, cb -> cb.getMetrics().getNumberOfSuccessfulCalls(), name, KIND, "successful", tags);
    gauge(NAMES.getSlowCallsMetricName(), "The number of slow successful which were slower than a certain threshold",
        breaker, cb -> cb.getMetrics().getNumberOfSlowSuccessfulCalls(), name, KIND, "successful", tags);
    gauge(NAMES.getSlowCallsMetricName(), "The number of slow failed calls which were slower than a certain threshold",
        breaker, cb -> cb.getMetrics().getNumberOfSlowFailedCalls(), name, KIND, "failed", tags);
    gauge(NAMES.getFailureRateMetricName(), "The failure rate of the circuit breaker", breaker,
        cb -> cb.getMetrics().getFailureRate(), name, null, null, tags);
    gauge(NAMES.getSlowCallRateMetricName(), "The slow call of the circuit breaker", breaker,
        cb -> cb.getMetrics().getSlowCallRate(), name, null, null, tags);
    this.successful = timer("Total number of successful calls", name, "successful", tags);
    this.failed = timer("Total number of failed calls", name, "failed", tags);
    this.ignored = timer("Total number of calls which failed but the exception was ignored", name, "ignored", tags);
    this.notPermitted = Counter.builder(NAMES.getNotPermittedCallsMetricName())
        .description("Total number of not permitted calls")
        .tag(NAME, name).tag(KIND, "not_permitted").tags(tags)
        .register(registry);
    ids.add(notPermitted.getId());
  }

  private void gauge(String meter, String description, CircuitBreaker breaker,
      ToDoubleFunction<CircuitBreaker> value, String name, @Nullable String tag, @Nullable String tagValue,
      List<Tag> tags) {
    Gauge.Builder<CircuitBreaker> b = Gauge.builder(meter, breaker, value).description(description).tag(NAME, name);
    if (tag != null && tagValue != null) {
      b.tag(tag, tagValue);
    }
    ids.add(b.tags(tags).register(registry).getId());
  }

  private Timer timer(String description, String name, String kind, List<Tag> tags) {
    Timer t = Timer.builder(NAMES.getCallsMetricName()).description(description)
        .tag(NAME, name).tag(KIND, kind).tags(tags).register(registry);
    ids.add(t.getId());
    return t;
  }

  /** Records a call the breaker was told succeeded ({@code onSuccess}), as Resilience4j's success event would. */
  void succeeded(long nanos) {
    successful.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Records a call the breaker was told failed with {@code failure} ({@code onError}), under the kind Resilience4j
   * gives it: ignored, failed, or successful when the config neither ignores nor records the exception (of a
   * {@code CompletionException} or {@code ExecutionException}, its cause, as Resilience4j judges).
   */
  void failed(long nanos, Throwable failure) {
    if (failure instanceof CompletionException || failure instanceof ExecutionException) {
      failure = failure.getCause();
    }
    if (config.getIgnoreExceptionPredicate().test(failure)) {
      ignored.record(nanos, TimeUnit.NANOSECONDS);
    } else if (config.getRecordExceptionPredicate().test(failure)) {
      failed.record(nanos, TimeUnit.NANOSECONDS);
    } else {
      successful.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Counts a call the breaker did not permit. */
  void notPermitted() {
    notPermitted.increment();
  }

  /** Removes these meters from the registry (the breaker left). */
  void remove() {
    ids.forEach(registry::remove);
  }
}
