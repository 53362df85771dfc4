package dev.shippingresilience.spring;

import dev.shippingresilience.BreakerSettings;
import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.Redaction;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spi.LocalLimits;
import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.spi.SharedLimits;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code shippingresilience} actuator endpoint: the active provider profiles (name, hosts, source file,
 * operations), each policy's settings (every duration an ISO-8601 string such as {@code PT30S}, the one duration
 * format of the shipping-resilience endpoints), its breaker states and retry-budget tokens, its account and where its limits
 * live ({@code local}, or the shared limits' description, e.g. {@code RedisSharedLimits{redis://:***@host:6379,
 * ...}}), and the extra host mappings. Holds no secrets (settings, profile metadata, and
 * the limits' description with any URI password masked). Like every endpoint but
 * {@code health}, it is exposed over HTTP only when listed, e.g.
 * {@code management.endpoints.web.exposure.include=health,shippingresilience}.
 *
 * <p>Thread-safe.
 */
@Endpoint(id = "shippingresilience")
public final class ShippingResilienceEndpoint {
  private final ShippingPolicies policies;
  private final Map<String, String> hosts;

  /**
   * Creates the endpoint.
   *
   * @param policies the policies to describe
   * @param hosts the extra host-to-provider mappings in use
   */
  public ShippingResilienceEndpoint(ShippingPolicies policies, Map<String, String> hosts) {
    this.policies = Objects.requireNonNull(policies, "policies");
    this.hosts = Map.copyOf(hosts);
  }

  /** {@return {@code providers} (by id) and {@code hostMappings}} */
  @ReadOperation
  public Map<String, Object> describe() {
    Map<String, Object> providers = new LinkedHashMap<>();
    for (ShippingPolicy policy : policies.all()) {
      ProviderProfile profile = policy.profile();
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", profile.name());
      p.put("hosts", profile.hosts());
      p.put("source", profile.source());
      p.put("operations", profile.operations());
      p.put("maxAttempts", policy.maxAttempts());
      p.put("initialBackoff", policy.initialBackoff().toString());
      p.put("maxBackoff", policy.maxBackoff().toString());
      p.put("pollInterval", policy.pollInterval().toString());
      p.put("maxPolls", policy.maxPolls());
      p.put("maxPollDuration", policy.maxPollDuration().toString());
      p.put("deadline", policy.deadline().toString());
      p.put("rateLimit", rateLimit(policy.rateLimit()));
      Map<String, Object> buckets = new LinkedHashMap<>();
      policy.bucketLimits().forEach((bucket, limit) -> buckets.put(bucket, rateLimit(limit)));
      p.put("rateLimitBuckets", buckets);
      p.put("learnRateLimitWindow", policy.learnsRateLimitWindow());
      p.put("breaker", breaker(policy.breaker()));
      p.put("breakerWait", policy.breakerWait().toString());
      p.put("peekLimit", policy.classifier().peekLimit());
      p.put("breakerStates", new TreeMap<>(policy.breakerStates()));
      p.put("retryBudgetTokens", policy.retryBudgetTokens());
      p.put("account", policy.account());
      p.put("sharedLimits", describe(policy.sharedLimits()));
      p.put("sharedLimitsAvailability",
          Redaction.defaults().uriCredentials(policy.sharedLimits().availability().toString()));
      p.put("pauseJitter", policy.pauseJitter().toString());
      p.put("maxRetryAfter", policy.maxRetryAfter().toString());
      providers.put(policy.provider(), p);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("providers", providers);
    out.put("hostMappings", new TreeMap<>(hosts));
    return out;
  }

  /** The rate limit, its period an ISO-8601 duration, or {@code none}. */
  private static Object rateLimit(@Nullable RateLimit limit) {
    return limit == null ? "none" : Map.of("permits", limit.permits(), "period", limit.period().toString());
  }

  /** The breaker settings, its open wait an ISO-8601 duration like every duration of the endpoint. */
  private static Map<String, Object> breaker(BreakerSettings b) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("failureRatePercent", b.failureRatePercent());
    out.put("windowSize", b.windowSize());
    out.put("minimumCalls", b.minimumCalls());
    out.put("openWait", b.openWait().toString());
    out.put("halfOpenCalls", b.halfOpenCalls());
    out.put("openWaitMultiplier", b.openWaitMultiplier());
    out.put("maxOpenWait", b.maxOpenWait().toString());
    return out;
  }

  private static String describe(SharedLimits limits) {
    // An application's own implementation may print a connection string: mask it like ours.
    return limits instanceof LocalLimits ? "local" : Redaction.defaults().uriCredentials(String.valueOf(limits));
  }
}
