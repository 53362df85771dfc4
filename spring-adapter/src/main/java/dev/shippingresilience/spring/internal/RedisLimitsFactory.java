package dev.shippingresilience.spring.internal;

import dev.shippingresilience.Redaction;
import dev.shippingresilience.redis.FailureMode;
import dev.shippingresilience.redis.RedisSharedLimits;
import dev.shippingresilience.spring.ShippingResilienceProperties;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Builds the auto-configured {@link RedisSharedLimits} from {@code shipping.resilience.redis.*}. Loaded only when the
 * redis-limits module is on the classpath.
 *
 * <p>The values were checked when they were bound ({@link PropertiesValidation}, even while Redis is off); the
 * builder's setters check them again. Lettuce's URI parser, which is only here, may still refuse a URI: that becomes
 * an {@link InvalidShippingPropertyException} naming the property, with the password masked and without the
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
  private static final String URI_PROPERTY = PropertiesBinding.PREFIX + ".redis.uri";
  private static final String SPRING_DATA_FACTORY =
      "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";

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
    RedisSharedLimits.Builder b = RedisSharedLimits.builder().meterRegistry(meterRegistry)
        .keyPrefix(redis.getKeyPrefix())
        .commandTimeout(redis.getCommandTimeout())
        .connectTimeout(redis.getConnectTimeout())
        .idleKeyExpiry(redis.getIdleKeyExpiry())
        .fallbackFleetSize(redis.getFallbackFleetSize())
        .failureMode(failureMode(redis.getFailureMode()));
    String uri = redis.getUri();
    if (StringUtils.hasText(uri)) {
      uri(b, uri.strip());
    } else {
      b.client(applicationClient(beanFactory, beanName));
    }
    return b.build();
  }

  /** Returns redis-limits' failure mode for the property's. */
  static FailureMode failureMode(ShippingResilienceProperties.Redis.FailureMode mode) {
    return switch (mode) {
      case FAIL_OPEN -> FailureMode.FAIL_OPEN;
      case FAIL_CLOSED -> FailureMode.FAIL_CLOSED;
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
}
