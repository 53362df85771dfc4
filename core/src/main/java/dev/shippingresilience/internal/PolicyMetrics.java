package dev.shippingresilience.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The engine's Micrometer meters. One name per concept, tag values from closed sets: provider and operation from
 * the profile, decision from {@link dev.shippingresilience.Decision}, code only when it is a table code (else
 * {@code other}, or {@code none}), outcome and cause from fixed vocabularies.
 */
public final class PolicyMetrics {
  /**
   * Timer of logical calls; tags provider, operation, outcome (succeeded, duplicate, failed, pending,
   * retries_exhausted, not_repeatable, budget_exhausted, breaker_opened, wait_too_long, breaker_open, poll_timeout,
   * deadline_exceeded, cancelled, io_error).
   */
  public static final String CALLS = "shipping.resilience.calls";
  /** Counter of sends; tags provider, operation, decision, code. */
  public static final String ATTEMPTS = "shipping.resilience.attempts";
  /** Counter of poll sends; tags provider, operation. */
  public static final String POLLS = "shipping.resilience.polls";
  /** Timer of waits between sends; tags provider, operation, cause. */
  public static final String WAITS = "shipping.resilience.waits";

  private final MeterRegistry registry;
  private final String provider;

  /** Creates meters for {@code provider} in {@code registry}. */
  public PolicyMetrics(MeterRegistry registry, String provider) {
    this.registry = registry;
    this.provider = provider;
  }

  /** Records a finished logical call. */
  public void call(String operation, String outcome, Duration duration) {
    Timer.builder(CALLS).description("Logical calls to a shipping provider, retries and polls included")
        .tag("provider", provider).tag("operation", operation).tag("outcome", outcome)
        .register(registry).record(duration);
  }

  /** Records one classified send. */
  public void attempt(String operation, String decision, String codeTag) {
    Counter.builder(ATTEMPTS).description("Requests sent to a shipping provider, by decision")
        .tag("provider", provider).tag("operation", operation).tag("decision", decision).tag("code", codeTag)
        .register(registry).increment();
  }

  /** Records one poll send. */
  public void poll(String operation) {
    Counter.builder(POLLS).description("Poll requests sent while a provider was still processing")
        .tag("provider", provider).tag("operation", operation).register(registry).increment();
  }

  /** Records a wait. */
  public void wait(String operation, String cause, Duration duration) {
    Timer.builder(WAITS).description("Time spent waiting between requests")
        .tag("provider", provider).tag("operation", operation).tag("cause", cause)
        .register(registry).record(duration);
  }
}
