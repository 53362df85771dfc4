package dev.shippingresilience.spring.internal;

import dev.shippingresilience.Redaction;
import dev.shippingresilience.redis.FailureMode;
import dev.shippingresilience.redis.RedisSharedLimits;
import dev.shippingresilience.spring.ShippingResilienceProperties;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Builds the auto-configured {@link RedisSharedLimits} from {@code shipping.resilience.redis.*}. Loaded only when the
 * redis-limits module is on the classpath.
 *
 * <p>Each property is checked by the builder's own setter; a failure becomes an
 * {@link InvalidShippingPropertyException} naming the property, with the password masked and without the URI
 * parser's exception attached (its message would quote the raw URI).
 *
 * <p>The connection, in order (each rule with its reason):
 * <ol>
 *   <li>{@code uri}: an explicitly configured Redis is the strongest statement, even when the application has a
 *       Redis of its own (often a cache on another server);
 *   <li>the application's Lettuce {@link RedisClient} bean (its {@code @Primary} one when there are several): the
 *       "existing Lettuce connection", with its own options, credentials and threads;
 *   <li>the client of the application's Spring Data Redis {@code LettuceConnectionFactory} (what Spring Boot's
 *       Redis auto-configuration creates), when Spring Data Redis is on the classpath;
 *   <li>else start-up fails naming {@code shipping.resilience.redis.uri}.
 * </ol>
 * A client the application owns is left open when the limits close; the bean that owns it is registered as a
 * dependency, so it is shut down after them.
 */
public final class RedisLimitsFactory {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimitsFactory.class);
  private static final String REDIS = PropertiesBinding.PREFIX + ".redis.";
  private static final String URI_PROPERTY = REDIS + "uri";
  private static final String SPRING_DATA_FACTORY =
      "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";
  /** Schemes with a host and port (Sentinel and socket URIs carry theirs elsewhere). */
  private static final Set<String> HOST_SCHEMES = Set.of("redis", "rediss", "redis+ssl", "redis+tls");

  private RedisLimitsFactory() {}

  /**
   * Returns the limits, connected or connecting (start-up goes on when Redis is down).
   *
   * @param redis the properties
   * @param beanFactory where to look for the application's Redis client
   * @param beanName the name of the limits' bean, for the dependency on the client's bean
   * @param meterRegistry where the fallback meter goes
   * @throws InvalidShippingPropertyException naming the first invalid or missing property
   */
  public static RedisSharedLimits create(ShippingResilienceProperties.Redis redis,
      ConfigurableListableBeanFactory beanFactory, String beanName, MeterRegistry meterRegistry) {
    RedisSharedLimits.Builder b = RedisSharedLimits.builder().meterRegistry(meterRegistry);
    step("key-prefix", () -> b.keyPrefix(redis.getKeyPrefix()));
    step("command-timeout", () -> b.commandTimeout(redis.getCommandTimeout()));
    step("connect-timeout", () -> b.connectTimeout(redis.getConnectTimeout()));
    step("idle-key-expiry", () -> b.idleKeyExpiry(redis.getIdleKeyExpiry()));
    step("fallback-fleet-size", () -> b.fallbackFleetSize(redis.getFallbackFleetSize()));
    b.failureMode(failureMode(redis.getFailureMode()));
    String uri = redis.getUri();
    if (StringUtils.hasText(uri)) {
      uri(b, uri.strip());
    } else {
      b.client(applicationClient(beanFactory, beanName));
    }
    return b.build();
  }

  /**
   * Returns the failure mode named by {@code value} ({@code fail-open}, {@code fail-closed}; case, {@code _} and
   * {@code -} relaxed as Spring Boot relaxes enum values).
   */
  static FailureMode failureMode(@Nullable String value) {
    String normalized = value == null ? "" : value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (normalized) {
      case "fail-open" -> FailureMode.FAIL_OPEN;
      case "fail-closed" -> FailureMode.FAIL_CLOSED;
      default -> throw new InvalidShippingPropertyException(REDIS + "failure-mode",
          "Invalid failureMode (" + value + "): must be fail-open or fail-closed", null);
    };
  }

  private static void uri(RedisSharedLimits.Builder b, String uri) {
    try {
      b.uri(uri);
    } catch (IllegalArgumentException e) {
      String reason = String.valueOf(e.getMessage());
      if (e.getCause() != null && e.getCause().getMessage() != null) {
        reason += ": " + e.getCause().getMessage();
      }
      throw new InvalidShippingPropertyException(URI_PROPERTY, Redaction.defaults().uriCredentials(reason, uri), null);
    }
    String scheme = uri.substring(0, Math.max(0, uri.indexOf("://"))).toLowerCase(Locale.ROOT);
    if (HOST_SCHEMES.contains(scheme)) {
      // Lettuce takes "redis://h:notaport" as host "h:notaport" and would only fail when connecting.
      String host;
      try {
        host = new URI(uri).getHost();
      } catch (URISyntaxException e) {
        host = null;
      }
      if (host == null) {
        throw new InvalidShippingPropertyException(URI_PROPERTY, "Invalid uri (" + Redaction.defaults().uriCredentials(uri)
            + "): expected " + scheme + "://[[user]:password@]host[:port][/database]", null);
      }
    }
  }

  private static RedisClient applicationClient(ConfigurableListableBeanFactory beanFactory, String beanName) {
    Map<String, RedisClient> clients = beanFactory.getBeansOfType(RedisClient.class);
    if (!clients.isEmpty()) {
      RedisClient client = beanFactory.getBeanProvider(RedisClient.class).getIfUnique();
      if (client == null) {
        throw new InvalidShippingPropertyException(URI_PROPERTY, "required: the application has "
            + clients.size() + " RedisClient beans " + clients.keySet() + " and none is @Primary", null);
      }
      String name = nameOf(clients, client);
      beanFactory.registerDependentBean(name, beanName);
      LOG.info("shipping-resilience: fleet-wide limits on Redis through the application's RedisClient bean '{}'",
          name);
      return client;
    }
    if (ClassUtils.isPresent(SPRING_DATA_FACTORY, beanFactory.getBeanClassLoader())) {
      RedisClient client = SpringDataRedisClients.find(beanFactory, beanName);
      if (client != null) {
        return client;
      }
    }
    throw new InvalidShippingPropertyException(URI_PROPERTY, "required: shipping.resilience.redis.enabled is true, "
        + "but the application has no Lettuce RedisClient bean and no Spring Data Redis LettuceConnectionFactory "
        + "to share", null);
  }

  static <T> String nameOf(Map<String, T> beans, T bean) {
    return beans.entrySet().stream().filter(e -> e.getValue() == bean).map(Map.Entry::getKey).findFirst()
        .orElse("?");
  }

  /** Runs one builder call; its IllegalArgumentException is rethrown with the property that caused it. */
  private static void step(String property, Runnable call) {
    try {
      call.run();
    } catch (IllegalArgumentException e) {
      throw new InvalidShippingPropertyException(REDIS + property, String.valueOf(e.getMessage()), e);
    }
  }
}
