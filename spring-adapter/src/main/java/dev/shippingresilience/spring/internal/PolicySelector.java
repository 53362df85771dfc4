package dev.shippingresilience.spring.internal;

import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Picks the policy of one request, for both the {@code RestClient} interceptor and the {@code WebClient} filter: the
 * {@link dev.shippingresilience.spring.ShippingRequestAttributes#PROVIDER PROVIDER} attribute, then the extra host
 * mappings, then the profile whose hosts match, else {@code generic-http} unless the generic fallback is off.
 * Immutable and thread-safe.
 */
public final class PolicySelector {
  private final @Nullable ShippingPolicies policies;
  private final @Nullable ShippingPolicy only;
  private final HostMappings hosts;
  private final boolean genericFallback;

  private PolicySelector(@Nullable ShippingPolicies policies, @Nullable ShippingPolicy only, HostMappings hosts,
      boolean genericFallback) {
    this.policies = policies;
    this.only = only;
    this.hosts = hosts;
    this.genericFallback = genericFallback;
  }

  /** Returns a selector over {@code policies} with the extra {@code hostToProvider} mappings (checked before). */
  public static PolicySelector of(ShippingPolicies policies, Map<String, String> hostToProvider,
      boolean genericFallback) {
    return new PolicySelector(Objects.requireNonNull(policies, "policies"), null, HostMappings.of(hostToProvider),
        genericFallback);
  }

  /** Returns a selector that gives every request {@code policy}, whatever its host. */
  public static PolicySelector only(ShippingPolicy policy) {
    return new PolicySelector(null, Objects.requireNonNull(policy, "policy"), HostMappings.of(Map.of()), false);
  }

  /**
   * Checks one host mapping of a builder.
   *
   * @throws IllegalArgumentException if {@code host} is blank or {@code providerId} has no policy
   */
  public static void checkHost(ShippingPolicies policies, String host, String providerId) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(providerId, "providerId");
    if (host.isBlank()) {
      throw new IllegalArgumentException("Invalid host (blank) for provider '" + providerId + "'");
    }
    if (policies.find(providerId) == null) {
      throw new IllegalArgumentException("Unknown provider '" + providerId + "' for host '" + host + "' (known: "
          + String.join(", ", policies.profiles().all().stream().map(p -> p.id()).toList()) + ")");
    }
  }

  /**
   * Returns the policy for a request to {@code uri} with {@code attributes}, or {@code null} when it passes through.
   *
   * @throws IllegalArgumentException if the provider attribute is not a String or names no policy
   */
  public @Nullable ShippingPolicy select(Map<String, Object> attributes, URI uri) {
    String explicit = AttributeOptions.provider(attributes);
    if (only != null) {
      if (explicit != null && !explicit.equals(only.provider())) {
        throw new IllegalArgumentException("Unknown provider '" + explicit + "' (this filter applies only '"
            + only.provider() + "')");
      }
      return only;
    }
    ShippingPolicies policies = policies();
    if (explicit != null) {
      return policies.require(explicit);
    }
    String mapped = hosts.providerFor(uri.getHost());
    if (mapped != null) {
      return policies.require(mapped);
    }
    ShippingPolicy detected = policies.forUri(uri);
    if (!genericFallback && ProviderProfiles.GENERIC_HTTP.equals(detected.provider())) {
      return null;
    }
    return detected;
  }

  /**
   * Returns the policies this selector picks from.
   *
   * @throws IllegalStateException for a selector of {@link #only(ShippingPolicy) one policy}
   */
  public ShippingPolicies policies() {
    if (policies == null) {
      throw new IllegalStateException("a selector of one policy has no ShippingPolicies");
    }
    return policies;
  }

  /** Returns the extra host mappings, host to provider id. */
  public Map<String, String> hosts() {
    return hosts.asMap();
  }

  /** Returns whether requests to hosts no profile claims get the {@code generic-http} policy. */
  public boolean genericFallback() {
    return genericFallback;
  }

  @Override
  public String toString() {
    if (only != null) {
      return "provider=" + only.provider();
    }
    return "providers=" + policies().profiles() + ", hosts=" + hosts.asMap() + ", genericFallback=" + genericFallback;
  }
}
