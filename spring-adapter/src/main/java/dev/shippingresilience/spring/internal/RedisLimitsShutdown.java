package dev.shippingresilience.spring.internal;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Closes the auto-configured Redis limits just before the Spring Data Redis {@link LettuceConnectionFactory} whose
 * client they share stops: the factory shuts that client down when it stops (a lifecycle phase, before any bean is
 * destroyed), and closing the limits' connection afterwards only earns a Lettuce warning. Does nothing when the
 * limits use another connection. Loaded only when Spring Data Redis is on the classpath.
 *
 * <p>The limits cannot be reopened: a context stopped and started again (e.g. a CRaC checkpoint) keeps them on the
 * failure mode, since the factory starts with a new client. Set {@code shipping.resilience.redis.uri} for that.
 */
public final class RedisLimitsShutdown implements SmartLifecycle {
  private final ConfigurableListableBeanFactory beanFactory;
  private final String limitsBean;
  private volatile boolean running;

  /**
   * Creates the lifecycle.
   *
   * @param beanFactory the context's bean factory
   * @param limitsBean the name of the limits' bean
   */
  public RedisLimitsShutdown(ConfigurableListableBeanFactory beanFactory, String limitsBean) {
    this.beanFactory = beanFactory;
    this.limitsBean = limitsBean;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    if (factory() != null && beanFactory.containsSingleton(limitsBean)
        && beanFactory.getSingleton(limitsBean) instanceof AutoCloseable limits) {
      try {
        limits.close();
      } catch (Exception e) {
        // RedisSharedLimits#close does not throw; destruction closes again (idempotent) anyway
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** One phase before the factory's: higher phases stop first. */
  @Override
  public int getPhase() {
    LettuceConnectionFactory factory = factory();
    int phase = factory != null ? factory.getPhase() : 0;
    return phase == Integer.MAX_VALUE ? phase : phase + 1;
  }

  /** Returns the factory the limits' client came from, or {@code null}. */
  private @Nullable LettuceConnectionFactory factory() {
    for (String name : beanFactory.getDependenciesForBean(limitsBean)) {
      if (beanFactory.containsSingleton(name) && beanFactory.getSingleton(name) instanceof LettuceConnectionFactory f) {
        return f;
      }
    }
    return null;
  }
}
