package dev.shippingresilience.spring;

import dev.shippingresilience.ShippingPolicies;

/**
 * A bean that customizes the {@link ShippingPolicies} the Spring Boot auto-configuration builds, for what
 * properties do not cover: a listener, an idempotency-key header, {@code throwOnFailure}, a clock and sleeper in
 * tests. Customizers run after the {@code shipping.resilience.providers.*} properties are registered, in
 * {@link org.springframework.core.annotation.Order} order; as with any {@link ShippingPolicies.Builder}, settings
 * made with {@code configure(id, ...)} win over {@code configureAll(...)}, whoever made them.
 *
 * <pre>{@code
 * @Bean
 * ShippingPoliciesCustomizer shippingListener(MyListener listener) {
 *   return builder -> builder.configureAll(b -> b.listener(listener));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ShippingPoliciesCustomizer {
  /**
   * Customizes {@code builder}; called once, at start-up, on the thread creating the bean.
   *
   * @param builder the builder of the application's policies
   */
  void customize(ShippingPolicies.Builder builder);
}
