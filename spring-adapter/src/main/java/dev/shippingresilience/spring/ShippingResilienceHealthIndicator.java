package dev.shippingresilience.spring;

import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the circuit breakers of every provider as the {@code shippingResilience} health component.
 *
 * <p>Status: {@code UP} while no provider-wide breaker is open, even when a carrier's or an operation's breaker is
 * (one courier down behind Clickpost is not this application being unhealthy, and restarting it or taking it out
 * of the load balancer would not help); {@code OUT_OF_SERVICE} while a provider-wide breaker ({@code clickpost},
 * {@code generic-http}, ...) is open, since every call to that provider now fails fast. Never {@code DOWN}.
 * Spring Boot maps {@code OUT_OF_SERVICE} to HTTP 503 on {@code /actuator/health} by default: if a load balancer or
 * a probe reads that endpoint, keep this component out of its health group, map the status
 * ({@code management.endpoint.health.status.http-mapping.out-of-service=200}) or switch the indicator off with
 * {@code shipping.resilience.health.enabled=false}.
 *
 * <p>Details: {@code providers} (each provider's own breaker state), {@code openProviders} (ids whose provider-wide
 * breaker is open) and {@code openScopes} (per provider, every carrier or operation breaker that is not closed,
 * e.g. {@code clickpost/carrier:5 -> OPEN}). Scopes are provider, carrier and operation ids: no URLs or secrets.
 *
 * <p>Thread-safe.
 */
public final class ShippingResilienceHealthIndicator implements HealthIndicator {
  private final ShippingPolicies policies;

  /** Creates an indicator over {@code policies}. */
  public ShippingResilienceHealthIndicator(ShippingPolicies policies) {
    this.policies = Objects.requireNonNull(policies, "policies");
  }

  /** Returns {@code UP} or {@code OUT_OF_SERVICE} with the breaker details, as described on the class. */
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
    Health.Builder health = openProviders.isEmpty() ? Health.up() : Health.outOfService();
    return health.withDetail("providers", providers)
        .withDetail("openProviders", openProviders)
        .withDetail("openScopes", openScopes)
        .build();
  }

  private static boolean isOpen(String state) {
    return "OPEN".equals(state) || "FORCED_OPEN".equals(state);
  }
}
