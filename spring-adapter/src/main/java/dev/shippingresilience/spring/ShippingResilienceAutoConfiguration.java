package dev.shippingresilience.spring;

import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.Redaction;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.redis.RedisSharedLimits;
import dev.shippingresilience.spi.SharedLimits;
import dev.shippingresilience.spring.internal.PropertiesBinding;
import dev.shippingresilience.spring.internal.RedisLimitsFactory;
import dev.shippingresilience.spring.internal.RedisLimitsShutdown;
import dev.shippingresilience.spring.internal.StrictPropertiesBindHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Spring Boot auto-configuration of shipping-resilience: with this module on the classpath, every auto-configured
 * {@code RestClient.Builder} gets a {@link ShippingResilienceInterceptor}, and every auto-configured
 * {@code WebClient.Builder} a {@link ShippingResilienceExchangeFilter}, with zero code. Active when
 * {@link RestClient} is on the classpath and {@code shipping.resilience.enabled} is not {@code false}.
 *
 * <p>Beans, each backing off when the application defines its own:
 * <ul>
 *   <li>{@link ProviderProfiles}: the built-in profiles plus the files in {@code shipping.resilience.profiles};
 *   <li>{@link ShippingPolicies}: one policy per profile, with the {@code shipping.resilience.defaults.*} and
 *       {@code shipping.resilience.providers.*} overrides, the application's {@link MeterRegistry} (else
 *       {@link Metrics#globalRegistry}) and its {@link ObservationRegistry} (when there is one: a call, its
 *       attempts and waits become observations, nested under the {@code RestClient}'s {@code http.client.requests}),
 *       its
 *       {@link SharedLimits} bean when there is one (a fleet-wide rate limit, e.g. the {@code redis-limits}
 *       module) for every provider but those with {@code shared-limits: false}, then every
 *       {@link ShippingPoliciesCustomizer} bean. An application-defined {@code ShippingPolicies} replaces all of
 *       that, properties included;
 *   <li>{@code shippingResilienceRedisLimits}, a {@code RedisSharedLimits} (module {@code redis-limits}, when it is
 *       on the classpath) when {@code shipping.resilience.redis.enabled=true}, or when
 *       {@code shipping.resilience.redis.uri} is set and {@code enabled} is not {@code false}; unless the
 *       application defines a {@link SharedLimits} bean. Connected through the {@code uri}, else the application's
 *       Lettuce {@code RedisClient} bean, else its Spring Data Redis {@code LettuceConnectionFactory}'s client;
 *       closed with the context;
 *   <li>{@link ShippingResilienceInterceptor}, with the {@code shipping.resilience.hosts} mappings; requests to
 *       hosts no profile or mapping claims pass through untouched unless
 *       {@code shipping.resilience.generic-fallback=true};
 *   <li>{@code shippingResilienceRestClientCustomizer}, a {@code RestClientCustomizer} (module
 *       {@code spring-boot-restclient}) that adds the interceptor to every auto-configured builder;
 *   <li>{@link ShippingResilienceExchangeFilter}, with the same host mappings and fallback, when WebFlux's
 *       {@code WebClient} is on the classpath, and {@code shippingResilienceWebClientCustomizer}, a
 *       {@code WebClientCustomizer} (module {@code spring-boot-webclient}) that adds it, as the first filter, to
 *       every auto-configured {@code WebClient.Builder};
 *   <li>{@code shippingResilienceClientRequestObservationConvention}, a
 *       {@link RedactingClientRequestObservationConvention} that Boot's {@code RestClient} and {@code RestTemplate}
 *       observations use, and with WebFlux {@code shippingResilienceWebClientObservationConvention}, a
 *       {@link RedactingWebClientObservationConvention} for {@code WebClient}: the {@code http.client.requests}
 *       {@code uri} tag and {@code http.url} key with the profiles' secret query parameters masked; unless the
 *       application defines its own convention of that type;
 *   <li>{@code shippingResilienceHealthIndicator} ({@link ShippingResilienceHealthIndicator}, health component
 *       {@code shippingResilience}), with {@code spring-boot-health}, unless
 *       {@code shipping.resilience.health.enabled=false};
 *   <li>{@link ShippingResilienceEndpoint}, the {@code shippingresilience} actuator endpoint, and
 *       {@code shippingResilienceSanitizingFunction}, which masks the password of
 *       {@code shipping.resilience.redis.uri} in the {@code configprops} and {@code env} endpoints when they show
 *       values, with {@code spring-boot-actuator};
 *   <li>with {@code spring-boot-actuator} too, unless {@code shipping.resilience.events.enabled=false}:
 *       {@link ShippingResilienceEvents} (the last {@code shipping.resilience.events.size} events of each provider,
 *       default 100), {@code shippingResilienceEventsCustomizer}, which registers its listener on every policy
 *       before the application's customizers run, and {@link ShippingResilienceEventsEndpoint}, the
 *       {@code shippingresilienceevents} actuator endpoint.
 * </ul>
 *
 * <p>Invalid properties fail start-up with a message that starts with the property, e.g.
 * {@code shipping.resilience.providers.clickpost.max-attempts: Invalid value (0): must be >= 1}, and so do unknown
 * keys under {@code shipping.resilience} ({@code shipping.resilience.provders: unknown property (did you mean
 * providers?)}).
 */
@AutoConfiguration
@ConditionalOnClass(RestClient.class)
@ConditionalOnBooleanProperty(name = "shipping.resilience.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ShippingResilienceProperties.class)
public final class ShippingResilienceAutoConfiguration {
  /** Created by Spring. */
  ShippingResilienceAutoConfiguration() {}

  /**
   * Makes the binding of {@code shipping.resilience.*} strict (unknown keys, values out of range, Redis settings
   * included while Redis is off), with messages that name the property. Static: it must exist before any
   * {@code @ConfigurationProperties} bean is bound. It leaves other prefixes' bindings as they are.
   */
  @Bean
  static ConfigurationPropertiesBindHandlerAdvisor shippingResilienceStrictProperties() {
    return StrictPropertiesBindHandler.ADVISOR;
  }

  @Bean
  @ConditionalOnMissingBean
  ProviderProfiles shippingProviderProfiles(ShippingResilienceProperties properties, ResourceLoader resourceLoader) {
    return PropertiesBinding.profiles(properties.getProfiles(), resourceLoader);
  }

  @Bean
  @ConditionalOnMissingBean
  ShippingPolicies shippingPolicies(ProviderProfiles profiles, ShippingResilienceProperties properties,
      ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<ObservationRegistry> observationRegistry,
      ObjectProvider<SharedLimits> sharedLimits, ObjectProvider<ShippingPoliciesCustomizer> customizers,
      ResourceLoader resourceLoader) {
    MeterRegistry registry = meterRegistry.getIfUnique(() -> Metrics.globalRegistry);
    ObservationRegistry observations = observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP);
    ShippingPolicies.Builder builder = ShippingPolicies.builder()
        .profiles(profiles)
        .configureAll(b -> b.meterRegistry(registry).observationRegistry(observations));
    SharedLimits limits = sharedLimits.getIfUnique();
    if (limits == null) {
      PropertiesBinding.checkRedisLimitsPresent(properties.getRedis(), resourceLoader.getClassLoader());
    }
    PropertiesBinding.configure(properties, profiles, builder);
    PropertiesBinding.shareLimits(properties, profiles, limits, registry, builder);
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

  /**
   * The fleet-wide limits on Redis. A nested configuration so that its {@code @ConditionalOnClass} keeps
   * redis-limits' and Lettuce's classes from being loaded when they are absent.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisSharedLimits.class)
  @Conditional(RedisRequestedCondition.class)
  static class RedisLimitsConfiguration {
    static final String BEAN_NAME = "shippingResilienceRedisLimits";

    @Bean(name = BEAN_NAME, destroyMethod = "close")
    @ConditionalOnMissingBean(SharedLimits.class)
    RedisSharedLimits shippingResilienceRedisLimits(ShippingResilienceProperties properties,
        ConfigurableListableBeanFactory beanFactory, ObjectProvider<MeterRegistry> meterRegistry) {
      return RedisLimitsFactory.create(properties.getRedis(), beanFactory, BEAN_NAME,
          meterRegistry.getIfUnique(() -> Metrics.globalRegistry));
    }

    /** Closes the limits before a Spring Data Redis connection factory whose client they share stops. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
    static class SpringDataRedisConfiguration {
      @Bean
      RedisLimitsShutdown shippingResilienceRedisLimitsShutdown(ConfigurableListableBeanFactory beanFactory) {
        return new RedisLimitsShutdown(beanFactory, BEAN_NAME);
      }
    }
  }

  /**
   * Matches when {@code shipping.resilience.redis.enabled} is {@code true}, or is unset while
   * {@code shipping.resilience.redis.uri} is set ({@link PropertiesBinding#redisRequested}). The report never quotes
   * the URI: it may hold a password.
   */
  static final class RedisRequestedCondition extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Binder binder = Binder.get(context.getEnvironment());
      Boolean enabled = binder.bind(PropertiesBinding.PREFIX + ".redis.enabled", Boolean.class).orElse(null);
      String uri = binder.bind(PropertiesBinding.PREFIX + ".redis.uri", String.class).orElse(null);
      ConditionMessage.Builder message = ConditionMessage.forCondition("shipping-resilience Redis limits");
      String why = enabled != null ? PropertiesBinding.PREFIX + ".redis.enabled is " + enabled
          : PropertiesBinding.PREFIX + ".redis.uri is " + (uri != null && !uri.isBlank() ? "set" : "not set");
      return PropertiesBinding.redisRequested(enabled, uri)
          ? ConditionOutcome.match(message.because(why))
          : ConditionOutcome.noMatch(message.because(why));
    }
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
  @ConditionalOnClass(WebClient.class)
  static class WebClientConfiguration {
    @Bean
    @ConditionalOnMissingBean
    ShippingResilienceExchangeFilter shippingResilienceExchangeFilter(ShippingPolicies policies,
        ShippingResilienceProperties properties) {
      PropertiesBinding.checkHosts(properties.getHosts(), policies);
      return ShippingResilienceExchangeFilter.builder(policies)
          .hosts(properties.getHosts())
          .genericFallback(properties.isGenericFallback())
          .build();
    }

    /** Nested so that {@code WebClientCustomizer} is only loaded with {@code spring-boot-webclient} present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebClientCustomizer.class)
    static class WebClientCustomizerConfiguration {
      @Bean
      @ConditionalOnMissingBean(name = "shippingResilienceWebClientCustomizer")
      WebClientCustomizer shippingResilienceWebClientCustomizer(ShippingResilienceExchangeFilter filter) {
        return filter::addTo;
      }
    }
  }

  /**
   * Conventions for Spring's {@code http.client.requests} observations that mask secrets in the {@code uri} tag and
   * the {@code http.url} key. Boot's client observation auto-configurations use a single
   * {@code ClientRequestObservationConvention} bean when there is one; an application's own replaces ours.
   */
  @Configuration(proxyBeanMethods = false)
  static class ObservationConventionConfiguration {
    /** Boot's property for the observation name, and its default. */
    static final String NAME_PROPERTY = "management.observations.http.client.requests.name";
    static final String DEFAULT_NAME = "http.client.requests";

    @Bean
    @ConditionalOnMissingBean(ClientRequestObservationConvention.class)
    RedactingClientRequestObservationConvention shippingResilienceClientRequestObservationConvention(
        ProviderProfiles profiles, Environment environment) {
      return new RedactingClientRequestObservationConvention(observationName(environment), profiles);
    }

    /** The name Boot gives client observations: {@value #NAME_PROPERTY}, else {@value #DEFAULT_NAME}. */
    static String observationName(Environment environment) {
      return environment.getProperty(NAME_PROPERTY, DEFAULT_NAME);
    }

    /** Nested so that WebFlux's convention type is only loaded with WebFlux present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebClient.class)
    static class WebClientObservationConventionConfiguration {
      @Bean
      @ConditionalOnMissingBean(org.springframework.web.reactive.function.client.ClientRequestObservationConvention.class)
      RedactingWebClientObservationConvention shippingResilienceWebClientObservationConvention(
          ProviderProfiles profiles, Environment environment) {
        return new RedactingWebClientObservationConvention(observationName(environment), profiles);
      }
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

    /**
     * The last events of each provider, recorded by a listener registered on every policy before the
     * application's customizers run (a customizer that sets its own listener replaces it).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "shipping.resilience.events.enabled", matchIfMissing = true)
    static class EventsConfiguration {
      @Bean
      @ConditionalOnMissingBean
      ShippingResilienceEvents shippingResilienceEvents(ShippingResilienceProperties properties) {
        return new ShippingResilienceEvents(properties.getEvents().getSize());
      }

      @Bean
      @Order(Ordered.HIGHEST_PRECEDENCE)
      @ConditionalOnMissingBean(name = "shippingResilienceEventsCustomizer")
      ShippingPoliciesCustomizer shippingResilienceEventsCustomizer(ShippingResilienceEvents events) {
        return builder -> builder.configureAll(policy -> policy.listener(events.listener()));
      }

      @Bean
      @ConditionalOnMissingBean
      ShippingResilienceEventsEndpoint shippingResilienceEventsEndpoint(ShippingResilienceEvents events) {
        return new ShippingResilienceEventsEndpoint(events);
      }
    }

    /**
     * Masks the password of {@code shipping.resilience.redis.uri} (however it was given: properties, YAML, an
     * environment variable) wherever {@code configprops} or {@code env} show values, keeping the rest readable.
     */
    @Bean
    @ConditionalOnMissingBean(name = "shippingResilienceSanitizingFunction")
    SanitizingFunction shippingResilienceSanitizingFunction() {
      return data -> {
        Object value = data.getValue();
        if (value == null || !isRedisUriKey(data.getKey())) {
          return data;
        }
        return data.withValue(Redaction.defaults().uriCredentials(value.toString()));
      };
    }

    /** Whether {@code key} is {@code shipping.resilience.redis.uri} in any relaxed form (SHIPPING_RESILIENCE_...). */
    static boolean isRedisUriKey(String key) {
      String canonical = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
      return canonical.endsWith("shippingresilienceredisuri");
    }
  }
}
