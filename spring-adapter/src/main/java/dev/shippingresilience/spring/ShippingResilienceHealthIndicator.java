package dev.shippingresilience.spring;

import dev.shippingresilience.Redaction;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spi.Availability;
import dev.shippingresilience.spi.SharedLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the circuit breakers of every provider, and whether the shared limits they use answer, as the
 * {@code shippingResilience} health component.
 *
 * <p>Status: {@code UP} while no provider-wide breaker is open, even when a carrier's or an operation's breaker is
 * (one courier down behind Clickpost is not this application being unhealthy, and restarting it or taking it out
 * of the load balancer would not help); {@code OUT_OF_SERVICE} while a provider-wide breaker ({@code clickpost},
 * {@code generic-http}, ...) is open, since every call to that provider now fails fast. Shared limits that do not
 * answer (Redis down, {@link SharedLimits#availability()}) keep it {@code UP} when they fail open (calls go on with
 * this instance's own limits) and make it {@code OUT_OF_SERVICE} when they fail closed and a provider using them has
 * a rate limit, since that provider's calls now end before sending. Never {@code DOWN}.
 * Spring Boot maps {@code OUT_OF_SERVICE} to HTTP 503 on {@code /actuator/health} by default: if a load balancer or
 * a probe reads that endpoint, keep this component out of its health group, map the status
 * ({@code management.endpoint.health.status.http-mapping.out-of-service=200}) or switch the indicator off with
 * {@code shipping.resilience.health.enabled=false}.
 *
 * <p>Details: {@code providers} (each provider's own breaker state), {@code openProviders} (ids whose provider-wide
 * breaker is open) and {@code openScopes} (per provider, every carrier or operation breaker that is not closed,
 * e.g. {@code clickpost/carrier:5 -> OPEN}); with shared limits that are not kept in this process,
 * {@code sharedLimits}: each distinct store's description and its availability, e.g.
 * {@code RedisSharedLimits{redis://:***@redis.internal:6379/0, ...} -> UNAVAILABLE: local limits (fail-open); last
 * error: ...}. Scopes are provider, carrier and operation ids; the shared limits' descriptions have any URI
 * password masked: no secrets.
 *
 * <p>Thread-safe.
 */
public final class ShippingResilienceHealthIndicator implements HealthIndicator {
  private final ShippingPolicies policies;

  /**
   * Creates an indicator over {@code policies}.
   *
   * @param policies the policies whose breakers and limits are reported
   */
  public ShippingResilienceHealthIndicator(ShippingPolicies policies) {
    this.policies = Objects.requireNonNull(policies, "policies");
  }

  /**
   * Returns {@code UP} or {@code OUT_OF_SERVICE} with the breaker and shared-limits details, as described on the
   * class. Never blocks: the shared limits report the state they already track.
   */
  @Override
  public Health health() {
    Map<String, String> providers = new LinkedHashMap<>();
    List<String> openProviders = new ArrayList<>();
    Map<String, Map<String, String>> openScopes = new LinkedHashMap<>();
    for (ShippingPolicy policy : policies.all()) {
      String id = policy.provider();
      Map<String, String> states = policy.breakerStates();
      String own = states.getOrDefault(id, "CLOSED");
      providers.put(id, own);
      if (isOpen(own)) {
        openProviders.add(id);
      }
      Map<String, String> scopes = new LinkedHashMap<>();
      states.entrySet().stream()
          .filter(e -> !e.getKey().equals(id) && !"CLOSED".equals(e.getValue()))
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> scopes.put(e.getKey(), e.getValue()));
      if (!scopes.isEmpty()) {
        openScopes.put(id, scopes);
      }
    }
    Map<String, String> sharedLimits = new LinkedHashMap<>();
    boolean permitsRefused = sharedLimits(sharedLimits);
    Health.Builder health = openProviders.isEmpty() && !permitsRefused ? Health.up() : Health.outOfService();
    health.withDetail("providers", providers)
        .withDetail("openProviders", openProviders)
        .withDetail("openScopes", openScopes);
    if (!sharedLimits.isEmpty()) {
      health.withDetail("sharedLimits", sharedLimits);
    }
    return health.build();
  }

  /**
   * Puts each distinct store that is not in-process into {@code details}; returns whether one of them refuses the
   * permits that a provider using it needs.
   */
  private boolean sharedLimits(Map<String, String> details) {
    Map<SharedLimits, Boolean> needsPermits = new LinkedHashMap<>();
    for (ShippingPolicy policy : policies.all()) {
      needsPermits.merge(policy.sharedLimits(), policy.rateLimit() != null, Boolean::logicalOr);
    }
    boolean refused = false;
    for (Map.Entry<SharedLimits, Boolean> e : needsPermits.entrySet()) {
      Availability availability = e.getKey().availability();
      if (availability.state() == Availability.State.IN_PROCESS) {
        continue;
      }
      // Masked again: a third-party store's description may quote its URI whole.
      String name = Redaction.defaults().uriCredentials(String.valueOf(e.getKey()));
      String key = name;
      for (int n = 2; details.containsKey(key); n++) {
        key = name + " #" + n;
      }
      details.put(key, Redaction.defaults().uriCredentials(availability.toString()));
      refused |= availability.state() == Availability.State.UNAVAILABLE_FAIL_CLOSED && e.getValue();
    }
    return refused;
  }

  private static boolean isOpen(String state) {
    return "OPEN".equals(state) || "FORCED_OPEN".equals(state);
  }
}
