package dev.shippingresilience.spring.internal;

import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spi.RateLimit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings a profile gives a policy, for the multi-value setters of {@link ShippingPolicy.Builder}
 * ({@code backoff}, {@code breaker}, {@code rateLimit}) when a property sets only one of their values.
 *
 * <p>Core exposes the backoff and breaker settings only as text ({@link ShippingPolicy#toString()},
 * {@link ShippingPolicy#breakerDescription()}), so they are read from a throwaway policy (built with a private
 * meter registry) and parsed strictly: a format change in core fails start-up here, loudly, and this class's test.
 * The rate limit comes from {@link ShippingPolicy#rateLimit()}.
 */
public final class ProfileDefaults {
  /** ShippingPolicy.Builder's half-open trial calls, which profiles cannot set and core does not expose. */
  static final int HALF_OPEN_CALLS = 2;
  /** ShippingPolicy.Builder's rate-limit period when a profile has no limiter. */
  static final Duration RATE_LIMIT_PERIOD = Duration.ofSeconds(1);

  private static final Pattern BACKOFF = Pattern.compile("backoff=(PT[^,]*?)\\.\\.(PT[^,]*?), poll=");
  private static final Pattern BREAKER =
      Pattern.compile("([0-9.]+)% of (\\d+) calls \\(min (\\d+)\\), open (\\d+) ms");

  final Duration initialBackoff;
  final Duration maxBackoff;
  final Duration deadline;
  final float failureRate;
  final int windowSize;
  final int minimumCalls;
  final Duration openWait;
  final int permits;
  final Duration period;

  private ProfileDefaults(ShippingPolicy policy) {
    Matcher backoff = match(BACKOFF, policy.toString(), "toString()");
    this.initialBackoff = Duration.parse(backoff.group(1));
    this.maxBackoff = Duration.parse(backoff.group(2));
    this.deadline = policy.deadline();
    Matcher breaker = match(BREAKER, policy.breakerDescription(), "breakerDescription()");
    this.failureRate = Float.parseFloat(breaker.group(1));
    this.windowSize = Integer.parseInt(breaker.group(2));
    this.minimumCalls = Integer.parseInt(breaker.group(3));
    this.openWait = Duration.ofMillis(Long.parseLong(breaker.group(4)));
    RateLimit rate = policy.rateLimit();
    this.permits = rate == null ? 0 : rate.permits();
    this.period = rate == null ? RATE_LIMIT_PERIOD : rate.period();
  }

  /** Returns the settings {@code profile} gives a policy. */
  public static ProfileDefaults of(ProviderProfile profile) {
    return read(ShippingPolicy.builder(profile).meterRegistry(new SimpleMeterRegistry()).build());
  }

  /** Returns the settings of {@code policy}. */
  static ProfileDefaults read(ShippingPolicy policy) {
    return new ProfileDefaults(policy);
  }

  /** Returns the profile's rate-limit permits, 0 when it has no limiter. */
  public int permits() {
    return permits;
  }

  private static Matcher match(Pattern pattern, String text, String what) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("Cannot read ShippingPolicy." + what + " '" + text + "': core's format "
          + "changed; update " + ProfileDefaults.class.getName());
    }
    return m;
  }

  @Override
  public String toString() {
    return "ProfileDefaults{backoff=" + initialBackoff + ".." + maxBackoff + ", deadline=" + deadline + ", breaker="
        + failureRate + "/" + windowSize + "/" + minimumCalls + "/" + openWait + ", rateLimit=" + permits + " per "
        + period + "}";
  }
}
