package dev.shippingresilience.internal;

import dev.shippingresilience.ShippingMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Records the engine's Micrometer meters, named and tagged as {@link ShippingMeters} documents. */
public final class PolicyMetrics {
  private static final String CALLS = ShippingMeters.CALLS;
  private static final String ATTEMPTS = ShippingMeters.ATTEMPTS;
  private static final String POLLS = ShippingMeters.POLLS;
  private static final String WAITS = ShippingMeters.WAITS;

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
