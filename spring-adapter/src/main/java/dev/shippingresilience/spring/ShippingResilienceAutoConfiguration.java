package dev.shippingresilience.spring;

import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.spi.SharedLimits;
import dev.shippingresilience.spring.internal.PropertiesBinding;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import java.util.Map;
import org.springframework.web.client.RestClient;

/**
 * Spring Boot auto-configuration of shipping-resilience: with this module on the classpath, every auto-configured
 * {@code RestClient.Builder} gets a {@link ShippingResilienceInterceptor}, with zero code. Active when
 * {@link RestClient} is on the classpath and {@code shipping.resilience.enabled} is not {@code false}.
 *
 * <p>Beans, each backing off when the application defines its own:
 * <ul>
 *   <li>{@link ProviderProfiles}: the built-in profiles plus the files in {@code shipping.resilience.profiles};
 *   <li>{@link ShippingPolicies}: one policy per profile, with the {@code shipping.resilience.providers.*}
 *       overrides, the application's {@link MeterRegistry} (else {@link Metrics#globalRegistry}), its
 *       {@link SharedLimits} bean when there is one (a fleet-wide rate limit, e.g. the {@code redis-limits}
 *       module), then every {@link ShippingPoliciesCustomizer} bean. An application-defined {@code ShippingPolicies} replaces all of
 *       that, properties included;
 *   <li>{@link ShippingResilienceInterceptor}, with the {@code shipping.resilience.hosts} mappings; requests to
 *       hosts no profile or mapping claims pass through untouched unless
 *       {@code shipping.resilience.generic-fallback=true};
 *   <li>{@code shippingResilienceRestClientCustomizer}, a {@code RestClientCustomizer} (module
 *       {@code spring-boot-restclient}) that adds the interceptor to every auto-configured builder;
 *   <li>{@code shippingResilienceHealthIndicator} ({@link ShippingResilienceHealthIndicator}, health component
 *       {@code shippingResilience}), with {@code spring-boot-health}, unless
 *       {@code shipping.resilience.health.enabled=false};
 *   <li>{@link ShippingResilienceEndpoint}, the {@code shippingresilience} actuator endpoint, with
 *       {@code spring-boot-actuator}.
 * </ul>
 *
 * <p>Invalid properties fail start-up with a message that starts with the property, e.g.
 * {@code shipping.resilience.providers.clickpost.max-attempts: Invalid maxAttempts (0): must be >= 1}.
 */
@AutoConfiguration
@ConditionalOnClass(RestClient.class)
@ConditionalOnBooleanProperty(name = "shipping.resilience.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ShippingResilienceProperties.class)
public final class ShippingResilienceAutoConfiguration {
  /** Created by Spring. */
  ShippingResilienceAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean
  ProviderProfiles shippingProviderProfiles(ShippingResilienceProperties properties, ResourceLoader resourceLoader) {
    return PropertiesBinding.profiles(properties.getProfiles(), resourceLoader);
  }

  @Bean
  @ConditionalOnMissingBean
  ShippingPolicies shippingPolicies(ProviderProfiles profiles, ShippingResilienceProperties properties,
      ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<SharedLimits> sharedLimits,
      ObjectProvider<ShippingPoliciesCustomizer> customizers) {
    MeterRegistry registry = meterRegistry.getIfUnique(() -> Metrics.globalRegistry);
    ShippingPolicies.Builder builder = ShippingPolicies.builder()
        .profiles(profiles)
        .configureAll(b -> b.meterRegistry(registry));
    SharedLimits limits = sharedLimits.getIfUnique();
    if (limits != null) {
      builder.configureAll(b -> b.sharedLimits(limits));
    }
    PropertiesBinding.configure(properties.getProviders(), profiles, builder);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  @Bean
  @ConditionalOnMissingBean
  ShippingResilienceInterceptor shippingResilienceInterceptor(ShippingPolicies policies,
      ShippingResilienceProperties properties) {
    PropertiesBinding.checkHosts(properties.getHosts(), policies);
    return ShippingResilienceInterceptor.builder(policies)
        .hosts(properties.getHosts())
        .genericFallback(properties.isGenericFallback())
        .build();
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RestClientCustomizer.class)
  static class RestClientCustomizerConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "shippingResilienceRestClientCustomizer")
    RestClientCustomizer shippingResilienceRestClientCustomizer(ShippingResilienceInterceptor interceptor) {
      ShippingResilienceCustomizer customizer = new ShippingResilienceCustomizer(interceptor);
      return customizer::accept;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnBooleanProperty(name = "shipping.resilience.health.enabled", matchIfMissing = true)
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "shippingResilienceHealthIndicator")
    ShippingResilienceHealthIndicator shippingResilienceHealthIndicator(ShippingPolicies policies) {
      return new ShippingResilienceHealthIndicator(policies);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  static class EndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    ShippingResilienceEndpoint shippingResilienceEndpoint(ShippingPolicies policies,
        ObjectProvider<ShippingResilienceInterceptor> interceptor) {
      ShippingResilienceInterceptor i = interceptor.getIfAvailable();
      return new ShippingResilienceEndpoint(policies, i != null ? i.hosts() : Map.of());
    }
  }
}
