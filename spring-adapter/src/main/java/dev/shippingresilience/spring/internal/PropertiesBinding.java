package dev.shippingresilience.spring.internal;

import dev.shippingresilience.BreakerSettings;
import dev.shippingresilience.InvalidProfileException;
import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spi.LocalLimits;
import dev.shippingresilience.spi.SharedLimits;
import dev.shippingresilience.spring.ShippingResilienceProperties;
import dev.shippingresilience.spring.ShippingResilienceProperties.Breaker;
import dev.shippingresilience.spring.ShippingResilienceProperties.ProviderSettings;
import dev.shippingresilience.spring.ShippingResilienceProperties.RateLimit;
import dev.shippingresilience.spring.ShippingResilienceProperties.RetryBudget;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Applies {@link ShippingResilienceProperties} to core's builders. Every failure names the property: an
 * {@link InvalidShippingPropertyException} whose message starts with the property path, then core's own message.
 */
public final class PropertiesBinding {
  /** The properties' prefix. */
  public static final String PREFIX = "shipping.resilience";

  /** The class whose presence means the redis-limits module is on the classpath. */
  public static final String REDIS_LIMITS_CLASS = "dev.shippingresilience.redis.RedisSharedLimits";

  private static final String CLASSPATH = "classpath:";
  private static final String FILE = "file:";
  private static final Pattern BUILDER_SETTING = Pattern.compile("^Invalid ([A-Za-z]+(?: [A-Za-z]+)?) \\(");

  /** Core builder setting names (as in their messages) to property names, relative to the provider. */
  private static final Map<String, String> PROPERTY_OF_SETTING = Map.ofEntries(
      Map.entry("maxAttempts", "max-attempts"),
      Map.entry("initialBackoff", "initial-backoff"),
      Map.entry("maxBackoff", "max-backoff"),
      Map.entry("pollInterval", "poll-interval"),
      Map.entry("maxPolls", "max-polls"),
      Map.entry("maxPollDuration", "max-poll-duration"),
      Map.entry("deadline", "deadline"),
      Map.entry("peekLimit", "peek-limit"),
      Map.entry("maxRetryAfter", "max-retry-after"),
      Map.entry("pauseJitter", "pause-jitter"),
      Map.entry("failureRatePercent", "breaker.failure-rate"),
      Map.entry("windowSize", "breaker.window-size"),
      Map.entry("minimumCalls", "breaker.minimum-calls"),
      Map.entry("openWait", "breaker.open-wait"),
      Map.entry("halfOpenCalls", "breaker.half-open-calls"),
      Map.entry("rateLimit permits", "rate-limit.permits"),
      Map.entry("rateLimit period", "rate-limit.period"),
      Map.entry("retryBudget maxTokens", "retry-budget.max-tokens"),
      Map.entry("retryBudget ratio", "retry-budget.ratio"),
      Map.entry("account", "account"));

  /** The rate-limit period when a property gives permits for a provider whose profile has no limiter. */
  private static final Duration DEFAULT_RATE_PERIOD = Duration.ofSeconds(1);

  private PropertiesBinding() {}

  /**
   * Returns the built-in profiles plus those listed in {@code shipping.resilience.profiles} (file paths,
   * {@code file:} or {@code classpath:} locations), in order; a later profile replaces one with the same id.
   *
   * @throws InvalidShippingPropertyException {@code shipping.resilience.profiles[i]: } and the loader's message
   */
  public static ProviderProfiles profiles(List<String> locations, ResourceLoader resourceLoader) {
    List<ProviderProfile> loaded = new ArrayList<>();
    for (int i = 0; i < locations.size(); i++) {
      String location = locations.get(i).trim();
      try {
        loaded.add(load(location, resourceLoader));
      } catch (InvalidProfileException e) {
        throw new InvalidShippingPropertyException(PREFIX + ".profiles[" + i + "]", e.getMessage(), e);
      }
    }
    return ProviderProfiles.builtIn().with(loaded);
  }

  private static ProviderProfile load(String location, ResourceLoader resourceLoader) {
    if (location.startsWith(CLASSPATH)) {
      Resource resource = resourceLoader.getResource(location);
      if (!resource.exists()) {
        throw new InvalidProfileException(location, "", "resource not found");
      }
      try (InputStream in = resource.getInputStream()) {
        return ProviderProfiles.parse(location, in);
      } catch (IOException e) {
        throw new InvalidProfileException(location, "", "could not be read: " + e.getMessage());
      }
    }
    String path = location.startsWith(FILE) ? location.substring(FILE.length()) : location;
    return ProviderProfiles.load(Path.of(path));
  }

  /**
   * Checks that every host mapping names a provider of {@code policies}.
   *
   * @throws InvalidShippingPropertyException {@code shipping.resilience.hosts.HOST: unknown provider 'ID' (known: ...)}
   */
  public static void checkHosts(Map<String, String> hosts, ShippingPolicies policies) {
    hosts.forEach((host, id) -> {
      if (id == null || policies.find(id) == null) {
        throw new InvalidShippingPropertyException(PREFIX + ".hosts." + host, "unknown provider '" + id
            + "' (known: " + known(policies.profiles()) + ")", null);
      }
    });
  }

  /**
   * Registers the {@code shipping.resilience.providers.*} overrides on {@code builder}. Unknown ids fail here;
   * invalid values fail when {@code builder.build()} runs them.
   *
   * @throws InvalidShippingPropertyException {@code shipping.resilience.providers.ID: unknown provider (known: ...)}
   */
  public static void configure(Map<String, ProviderSettings> providers, ProviderProfiles profiles,
      ShippingPolicies.Builder builder) {
    providers.forEach((id, settings) -> {
      String prefix = PREFIX + ".providers." + id;
      ProviderProfile profile = profiles.find(id);
      if (profile == null) {
        throw new InvalidShippingPropertyException(prefix, "unknown provider (known: " + known(profiles) + ")",
            null);
      }
      if (settings != null) {
        builder.configure(id, policyBuilder -> apply(prefix, profile, settings, policyBuilder));
      }
    });
  }

  /**
   * Applies one provider's settings to its policy builder; values the properties leave unset keep the profile's.
   *
   * @throws InvalidShippingPropertyException {@code PREFIX.PROPERTY: } and the builder's message
   */
  static void apply(String prefix, ProviderProfile profile, ProviderSettings s, ShippingPolicy.Builder b) {
    // What the profile gives a policy, for the multi-value setters (backoff, breaker, rate limit) when a property
    // sets only one of their values: read from a throwaway policy, built only when needed.
    Supplier<ShippingPolicy> profileDefaults = new Supplier<>() {
      private @Nullable ShippingPolicy built;

      @Override
      public ShippingPolicy get() {
        if (built == null) {
          built = ShippingPolicy.builder(profile).meterRegistry(new SimpleMeterRegistry()).build();
        }
        return built;
      }
    };
    if (s.getMaxAttempts() != null) {
      step(prefix, "max-attempts", () -> b.maxAttempts(s.getMaxAttempts()));
    }
    if (s.getInitialBackoff() != null || s.getMaxBackoff() != null) {
      ShippingPolicy d = profileDefaults.get();
      Duration initial = s.getInitialBackoff() != null ? s.getInitialBackoff() : d.initialBackoff();
      Duration max = s.getMaxBackoff();
      if (max == null) {
        // Only the first backoff was set: the profile's cap grows to fit it, as core does for profile defaults.
        max = d.maxBackoff().compareTo(initial) < 0 ? initial : d.maxBackoff();
      }
      Duration finalMax = max;
      step(prefix, s.getInitialBackoff() != null ? "initial-backoff" : "max-backoff",
          () -> b.backoff(initial, finalMax));
    }
    if (s.getPollInterval() != null) {
      step(prefix, "poll-interval", () -> b.pollInterval(s.getPollInterval()));
    }
    if (s.getMaxPolls() != null) {
      step(prefix, "max-polls", () -> b.maxPolls(s.getMaxPolls()));
    }
    if (s.getMaxPollDuration() != null) {
      step(prefix, "max-poll-duration", () -> b.maxPollDuration(s.getMaxPollDuration()));
    }
    if (s.getDeadline() != null) {
      // (unset, core grows the deadline to fit max-poll-duration plus 30 s when building the policy)
      step(prefix, "deadline", () -> b.deadline(s.getDeadline()));
    }
    if (s.getMaxRetryAfter() != null) {
      step(prefix, "max-retry-after", () -> b.maxRetryAfter(s.getMaxRetryAfter()));
    }
    if (s.getPauseJitter() != null) {
      step(prefix, "pause-jitter", () -> b.pauseJitter(s.getPauseJitter()));
    }
    if (s.getPeekLimit() != null) {
      long bytes = s.getPeekLimit().toBytes();
      if (bytes > Integer.MAX_VALUE) {
        throw new InvalidShippingPropertyException(prefix + ".peek-limit", "Invalid peekLimit ("
            + s.getPeekLimit() + "): must be < 2GB", null);
      }
      step(prefix, "peek-limit", () -> b.peekLimit((int) bytes));
    }
    Breaker breaker = s.getBreaker();
    if (breaker != null && (breaker.getFailureRate() != null || breaker.getWindowSize() != null
        || breaker.getMinimumCalls() != null || breaker.getOpenWait() != null
        || breaker.getHalfOpenCalls() != null)) {
      BreakerSettings d = profileDefaults.get().breaker();
      step(prefix, "breaker", () -> b.breaker(
          or(breaker.getFailureRate(), d.failureRatePercent()),
          or(breaker.getWindowSize(), d.windowSize()),
          or(breaker.getMinimumCalls(), d.minimumCalls()),
          or(breaker.getOpenWait(), d.openWait()),
          or(breaker.getHalfOpenCalls(), d.halfOpenCalls())));
    }
    RateLimit rateLimit = s.getRateLimit();
    if (rateLimit != null && (rateLimit.getPermits() != null || rateLimit.getPeriod() != null)) {
      if (rateLimit.getPermits() != null && rateLimit.getPermits() == 0) {
        b.noRateLimit();
      } else {
        dev.shippingresilience.spi.RateLimit d = profileDefaults.get().rateLimit();
        if (rateLimit.getPermits() == null && d == null) {
          throw new InvalidShippingPropertyException(prefix + ".rate-limit.permits", "required with "
              + "rate-limit.period, since provider " + profile.id() + " has no rate limit", null);
        }
        int permits = rateLimit.getPermits() != null ? rateLimit.getPermits() : d.permits();
        Duration period = or(rateLimit.getPeriod(), d == null ? DEFAULT_RATE_PERIOD : d.period());
        step(prefix, "rate-limit", () -> b.rateLimit(permits, period));
      }
    }
    RetryBudget budget = s.getRetryBudget();
    if (budget != null && (budget.getMaxTokens() != null || budget.getRatio() != null)) {
      // Profiles cannot set the budget: the builder's defaults are core's constants.
      step(prefix, "retry-budget", () -> b.retryBudget(
          or(budget.getMaxTokens(), ShippingPolicy.DEFAULT_BUDGET_TOKENS),
          or(budget.getRatio(), ShippingPolicy.DEFAULT_BUDGET_RATIO)));
    }
    if (s.getAccount() != null) {
      step(prefix, "account", () -> b.account(s.getAccount()));
    }
    if (s.getShareBreakerHints() != null) {
      b.shareBreakerHints(s.getShareBreakerHints());
    }
  }

  /**
   * Gives every provider's policy the shared {@code limits}, except the providers with {@code shared-limits: false},
   * which keep per-instance {@link LocalLimits} (on the system clock, as core's own default). Call after
   * {@link #configure}, which rejects unknown provider ids.
   *
   * @param limits the application's shared limits (Redis, or its own bean), or {@code null} when there are none
   * @throws InvalidShippingPropertyException for a provider setting that could not take effect:
   *     {@code shared-limits: true} or {@code share-breaker-hints: true} without shared limits, or
   *     {@code share-breaker-hints: true} with {@code shared-limits: false}
   */
  public static void shareLimits(Map<String, ProviderSettings> providers, @Nullable SharedLimits limits,
      MeterRegistry meterRegistry, ShippingPolicies.Builder builder) {
    if (limits != null) {
      builder.configureAll(b -> b.sharedLimits(limits));
    }
    providers.forEach((id, s) -> {
      if (s == null) {
        return;
      }
      String prefix = PREFIX + ".providers." + id;
      boolean hints = Boolean.TRUE.equals(s.getShareBreakerHints());
      if (limits == null) {
        // Explicitly asked for, silently not happening: the fleet would exceed the account's rate unnoticed.
        String missing = "true, but there are no shared limits: set " + PREFIX + ".redis.uri (with the "
            + "shipping-resilience-redis-limits module) or define a SharedLimits bean";
        if (Boolean.TRUE.equals(s.getSharedLimits())) {
          throw new InvalidShippingPropertyException(prefix + ".shared-limits", missing, null);
        }
        if (hints) {
          throw new InvalidShippingPropertyException(prefix + ".share-breaker-hints", missing, null);
        }
      } else if (Boolean.FALSE.equals(s.getSharedLimits())) {
        if (hints) {
          throw new InvalidShippingPropertyException(prefix + ".share-breaker-hints", "true, but "
              + prefix + ".shared-limits is false: hints travel through the shared limits", null);
        }
        builder.configure(id, b -> b.sharedLimits(new LocalLimits(Clock.systemUTC(), meterRegistry)));
      }
    });
  }

  /**
   * Returns whether the Redis limits are asked for: {@code enabled} when set, else whether a {@code uri} is set.
   * The one rule behind both the auto-configuration's condition and {@link #checkRedisLimitsPresent}.
   */
  public static boolean redisRequested(@Nullable Boolean enabled, @Nullable String uri) {
    return enabled != null ? enabled : StringUtils.hasText(uri);
  }

  /**
   * Checks that the redis-limits module is on the classpath when {@code shipping.resilience.redis.*} asks for it:
   * a fleet-wide limit that silently does not apply is worse than a failed start-up.
   *
   * @throws InvalidShippingPropertyException naming {@code shipping.resilience.redis.enabled} (when set) or
   *     {@code .uri}
   */
  public static void checkRedisLimitsPresent(ShippingResilienceProperties.Redis redis,
      @Nullable ClassLoader classLoader) {
    if (redisRequested(redis.getEnabled(), redis.getUri()) && !ClassUtils.isPresent(REDIS_LIMITS_CLASS, classLoader)) {
      String property = PREFIX + ".redis." + (redis.getEnabled() != null ? "enabled" : "uri");
      throw new InvalidShippingPropertyException(property, "set, but shipping-resilience-redis-limits is not on the "
          + "classpath: add dev.shippingresilience:shipping-resilience-redis-limits, or remove the property", null);
    }
  }

  private static <T> T or(@Nullable T value, T fallback) {
    return value != null ? value : fallback;
  }

  /** Runs one builder call; its IllegalArgumentException is rethrown with the property that caused it. */
  private static void step(String prefix, String property, Runnable call) {
    try {
      call.run();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      Matcher m = BUILDER_SETTING.matcher(message);
      String named = m.find() ? PROPERTY_OF_SETTING.get(m.group(1)) : null;
      throw new InvalidShippingPropertyException(prefix + "." + (named != null ? named : property), message, e);
    }
  }

  private static String known(ProviderProfiles profiles) {
    return profiles.all().stream().map(ProviderProfile::id).collect(Collectors.joining(", "));
  }
}
