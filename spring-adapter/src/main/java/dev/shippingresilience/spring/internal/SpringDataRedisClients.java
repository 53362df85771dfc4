package dev.shippingresilience.spring.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Finds the Lettuce client of the application's Spring Data Redis {@link LettuceConnectionFactory} (the one Spring
 * Boot's Redis auto-configuration creates). Loaded only when Spring Data Redis is on the classpath.
 */
final class SpringDataRedisClients {
  private static final Logger LOG = LoggerFactory.getLogger(SpringDataRedisClients.class);

  private SpringDataRedisClients() {}

  /**
   * Returns the factory's {@link RedisClient}, or {@code null} when the application has no
   * {@link LettuceConnectionFactory}.
   *
   * @throws InvalidShippingPropertyException when the factory cannot be shared (several without a primary one, or a
   *     Redis Cluster client)
   */
  static @Nullable RedisClient find(ConfigurableListableBeanFactory beanFactory, String beanName) {
    Map<String, LettuceConnectionFactory> factories = beanFactory.getBeansOfType(LettuceConnectionFactory.class);
    if (factories.isEmpty()) {
      return null;
    }
    LettuceConnectionFactory factory = beanFactory.getBeanProvider(LettuceConnectionFactory.class).getIfUnique();
    if (factory == null) {
      throw new InvalidShippingPropertyException(PropertiesBinding.PREFIX + ".redis.uri", "required: the "
          + "application has " + factories.size() + " LettuceConnectionFactory beans " + factories.keySet()
          + " and none is @Primary", null);
    }
    String name = RedisLimitsFactory.nameOf(factories, factory);
    if (!factory.isRunning()) {
      // The client exists once the factory is started: early by default, by the container otherwise. Starting it
      // now only moves that forward (start() is idempotent).
      factory.start();
    }
    AbstractRedisClient client = factory.getRequiredNativeClient();
    if (!(client instanceof RedisClient redisClient)) {
      throw new InvalidShippingPropertyException(PropertiesBinding.PREFIX + ".redis.uri", "required: the "
          + "application's LettuceConnectionFactory '" + name + "' uses a " + client.getClass().getSimpleName()
          + " (Redis Cluster), which redis-limits does not support; give the uri of a standalone or Sentinel Redis",
          null);
    }
    beanFactory.registerDependentBean(name, beanName);
    LOG.info("shipping-resilience: fleet-wide limits on Redis through the client of the application's "
        + "LettuceConnectionFactory '{}'", name);
    return redisClient;
  }
}
