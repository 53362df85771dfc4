package dev.shippingresilience;

import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A registry of policies by provider id, so adapters and Spring can look them up: one {@link ShippingPolicy} per
 * profile, with user customizations applied, and detection by request host. Immutable and thread-safe.
 *
 * <pre>{@code
 * ShippingPolicies policies = ShippingPolicies.builder()
 *     .configure("clickpost", b -> b.maxAttempts(3))
 *     .build();
 * ShippingPolicy forRequest = policies.forUri(URI.create("https://www.clickpost.in/api/v3/create-order/"));
 * }</pre>
 */
public final class ShippingPolicies {
  private final ProviderProfiles profiles;
  private final Map<String, ShippingPolicy> byId;

  private ShippingPolicies(ProviderProfiles profiles, Map<String, ShippingPolicy> byId) {
    this.profiles = profiles;
    this.byId = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byId));
  }

  /** {@return a builder over the built-in profiles} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the policy for {@code providerId}, or {@code null}}
   *
   * @param providerId the profile id, e.g. {@code clickpost}
   */
  public @Nullable ShippingPolicy find(String providerId) {
    return byId.get(providerId);
  }

  /**
   * {@return the policy for {@code providerId}}
   *
   * @param providerId the profile id, e.g. {@code clickpost}
   * @throws IllegalArgumentException naming the known ids when there is none
   */
  public ShippingPolicy require(String providerId) {
    ShippingPolicy p = byId.get(providerId);
    if (p == null) {
      throw new IllegalArgumentException("Unknown provider '" + providerId + "' (known: "
          + String.join(", ", byId.keySet()) + ")");
    }
    return p;
  }

  /**
   * {@return the policy of the profile whose hosts match {@code uri}, else the generic-http policy}
   *
   * @param uri the request URI
   */
  public ShippingPolicy forUri(URI uri) {
    return forHost(uri.getHost());
  }

  /**
   * {@return the policy of the profile whose hosts match {@code host}, else the generic-http policy}
   *
   * @param host the request's host as {@link URI#getHost()} gives it, or {@code null}
   */
  public ShippingPolicy forHost(@Nullable String host) {
    return require(profiles.forHost(host).id());
  }

  /** {@return every policy, in profile order} */
  public List<ShippingPolicy> all() {
    return List.copyOf(byId.values());
  }

  /** {@return the profiles the policies were built from} */
  public ProviderProfiles profiles() {
    return profiles;
  }

  /** Builds {@link ShippingPolicies}. Not thread-safe. */
  public static final class Builder {
    private ProviderProfiles profiles = ProviderProfiles.builtIn();
    private final Map<String, Consumer<ShippingPolicy.Builder>> perProvider = new LinkedHashMap<>();
    private Consumer<ShippingPolicy.Builder> common = b -> {};

    private Builder() {}

    /**
     * Sets the profiles (default: the built-in ones).
     *
     * @param profiles the profiles, one policy each
     * @return this builder
     */
    public Builder profiles(ProviderProfiles profiles) {
      this.profiles = Objects.requireNonNull(profiles, "profiles");
      return this;
    }

    /**
     * Adds or replaces profiles.
     *
     * @param more the profiles to add; one with a known id replaces it
     * @return this builder
     */
    public Builder addProfiles(Collection<ProviderProfile> more) {
      this.profiles = profiles.with(more);
      return this;
    }

    /**
     * Applies {@code customizer} to every provider's policy builder (clock, sleeper, registry, listener...).
     *
     * @param customizer called once per provider with its policy builder
     * @return this builder
     */
    public Builder configureAll(Consumer<ShippingPolicy.Builder> customizer) {
      Consumer<ShippingPolicy.Builder> before = common;
      this.common = before.andThen(Objects.requireNonNull(customizer, "customizer"));
      return this;
    }

    /**
     * Applies {@code customizer} to {@code providerId}'s policy builder, after {@link #configureAll}.
     *
     * @param providerId the profile id, e.g. {@code clickpost}
     * @param customizer called with that provider's policy builder
     * @return this builder
     */
    public Builder configure(String providerId, Consumer<ShippingPolicy.Builder> customizer) {
      perProvider.merge(providerId, Objects.requireNonNull(customizer, "customizer"), Consumer::andThen);
      return this;
    }

    /**
     * {@return the registry}
     *
     * @throws IllegalArgumentException if a customized provider has no profile
     */
    public ShippingPolicies build() {
      for (String id : perProvider.keySet()) {
        profiles.require(id);
      }
      Map<String, ShippingPolicy> map = new LinkedHashMap<>();
      for (ProviderProfile profile : profiles.all()) {
        ShippingPolicy.Builder b = ShippingPolicy.builder(profile);
        common.accept(b);
        Consumer<ShippingPolicy.Builder> custom = perProvider.get(profile.id());
        if (custom != null) {
          custom.accept(b);
        }
        map.put(profile.id(), b.build());
      }
      return new ShippingPolicies(profiles, map);
    }
  }
}
