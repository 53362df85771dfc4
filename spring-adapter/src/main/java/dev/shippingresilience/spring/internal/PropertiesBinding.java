package dev.shippingresilience.spring.internal;

import static dev.shippingresilience.spring.internal.PropertiesValidation.show;

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
import dev.shippingresilience.spring.ShippingResilienceProperties.BucketLimit;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Applies {@link ShippingResilienceProperties} to core's builders: for each provider, its {@code providers.<id>}
 * settings over the {@code defaults} block over its profile. Single values were checked when they were bound
 * ({@link StrictPropertiesBindHandler}); what is checked here depends on several settings or on the profile, and
 * every failure is an {@link InvalidShippingPropertyException} that names the property.
 */
public final class PropertiesBinding {
  /** The properties' prefix. */
  public static final String PREFIX = "shipping.resilience";

  /** The class whose presence means the redis-limits module is on the classpath. */
  public static final String REDIS_LIMITS_CLASS = "dev.shippingresilience.redis.RedisSharedLimits";

  private static final String CLASSPATH = "classpath:";
  private static final String FILE = "file:";
  /** The rate-limit period when a property gives a limit for a provider whose profile has no limiter. */
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
   * Returns where {@code providers.<id>} settings live: {@code shipping.resilience.providers.clickpost}, or
   * {@code shipping.resilience.providers[Odd.Id]} for an id that needs brackets.
   */
  public static String providerPrefix(String id) {
    return PREFIX + ".providers" + (id.matches("[a-z0-9-]+") ? "." + id : "[" + id + "]");
  }

  /**
   * Returns where the settings of one operation bucket live under a provider's (or the defaults block's) settings
   * {@code provider}: {@code PROVIDER.rate-limit.buckets.reads}, or {@code ...buckets[Odd.Name]} for a name that needs
   * brackets.
   */
  static String bucketPrefix(String provider, String bucket) {
    return provider + "." + bucketName(bucket);
  }

  /** {@code rate-limit.buckets.reads}: where one bucket's settings live, relative to a provider's. */
  private static String bucketName(String bucket) {
    return "rate-limit.buckets" + (bucket.matches("[a-z0-9-]+") ? "." + bucket : "[" + bucket + "]");
  }

  /**
   * Checks that every host mapping names a provider of {@code policies}.
   *
   * @throws InvalidShippingPropertyException {@code shipping.resilience.hosts.HOST: unknown provider 'ID' (known: ...)}
   */
  public static void checkHosts(Map<String, String> hosts, ShippingPolicies policies) {
    hosts.forEach((host, id) -> {
      if (id == null || policies.find(id) == null) {
        throw new InvalidShippingPropertyException(PREFIX + ".hosts." + host, "unknown provider '" + id + "'"
            + didYouMean(id, policies.profiles()) + " (known: " + known(policies.profiles()) + ")", null);
      }
    });
  }

  /**
   * Registers the {@code shipping.resilience.defaults} and {@code providers.*} settings on {@code builder}: for each
   * profile, its {@code providers.<id>} settings over the {@code defaults} block over the profile's own values.
   * Unknown ids fail here; settings that conflict with each other or with the profile fail when
   * {@code builder.build()} runs them (single values were checked when the properties were bound).
   *
   * @throws InvalidShippingPropertyException {@code shipping.resilience.providers.ID: unknown provider (known: ...)},
   *     or a bucket of the defaults block's {@code rate-limit.buckets} that no profile declares
   */
  public static void configure(ShippingResilienceProperties properties, ProviderProfiles profiles,
      ShippingPolicies.Builder builder) {
    properties.getProviders().keySet().forEach(id -> {
      if (profiles.find(id) == null) {
        throw new InvalidShippingPropertyException(providerPrefix(id), "unknown provider" + didYouMean(id, profiles)
            + " (known: " + known(profiles) + ")", null);
      }
    });
    checkDefaultBuckets(properties, profiles);
    for (ProviderProfile profile : profiles.all()) {
      Layers layers = new Layers(profile.id(), properties);
      builder.configure(profile.id(), policyBuilder -> {
        try {
          apply(profile, layers, policyBuilder);
        } catch (InvalidShippingPropertyException e) {
          throw e;
        } catch (IllegalArgumentException e) {
          // a rule of the builder's that the binding does not check: name the provider's settings as a whole
          throw new InvalidShippingPropertyException(providerPrefix(profile.id()), String.valueOf(e.getMessage()), e);
        }
      });
    }
  }

  /** Applies one provider's layered settings to its policy builder; values no layer sets keep the profile's. */
  private static void apply(ProviderProfile profile, Layers l, ShippingPolicy.Builder b) {
    // What the profile gives a policy, for the multi-value setters (backoff, breaker, rate limit) when properties
    // set only some of their values: read from a throwaway policy, built only when needed.
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
    set(l.get("max-attempts", ProviderSettings::getMaxAttempts), b::maxAttempts);
    backoff(profile, l, profileDefaults, b);
    set(l.get("poll-interval", ProviderSettings::getPollInterval), b::pollInterval);
    set(l.get("max-polls", ProviderSettings::getMaxPolls), b::maxPolls);
    set(l.get("max-poll-duration", ProviderSettings::getMaxPollDuration), b::maxPollDuration);
    // (unset, core grows the deadline to fit max-poll-duration plus 30 s when building the policy)
    set(l.get("deadline", ProviderSettings::getDeadline), b::deadline);
    set(l.get("max-retry-after", ProviderSettings::getMaxRetryAfter), b::maxRetryAfter);
    set(l.get("pause-jitter", ProviderSettings::getPauseJitter), b::pauseJitter);
    set(l.get("peek-limit", ProviderSettings::getPeekLimit), size -> b.peekLimit((int) size.toBytes()));
    breaker(profile, l, profileDefaults, b);
    rateLimit(profile, l, profileDefaults, b);
    buckets(profile, l, profileDefaults, b);
    set(l.get("learn-rate-limit-window", ProviderSettings::getLearnRateLimitWindow), b::learnRateLimitWindow);
    set(l.get("breaker-wait", ProviderSettings::getBreakerWait), b::breakerWait);
    Setting<Integer> tokens = l.get("retry-budget.max-tokens", inBudget(RetryBudget::getMaxTokens));
    Setting<Double> ratio = l.get("retry-budget.ratio", inBudget(RetryBudget::getRatio));
    if (tokens != null || ratio != null) {
      // Profiles cannot set the budget: the builder's defaults are core's constants.
      b.retryBudget(value(tokens, ShippingPolicy.DEFAULT_BUDGET_TOKENS), value(ratio,
          ShippingPolicy.DEFAULT_BUDGET_RATIO));
    }
    set(l.get("account", ProviderSettings::getAccount), b::account);
    set(l.get("share-breaker-hints", ProviderSettings::getShareBreakerHints), b::shareBreakerHints);
  }

  private static void backoff(ProviderProfile profile, Layers l, Supplier<ShippingPolicy> profileDefaults,
      ShippingPolicy.Builder b) {
    Setting<Duration> initial = l.get("initial-backoff", ProviderSettings::getInitialBackoff);
    Setting<Duration> max = l.get("max-backoff", ProviderSettings::getMaxBackoff);
    if (initial == null && max == null) {
      return;
    }
    ShippingPolicy d = profileDefaults.get();
    Duration first = value(initial, d.initialBackoff());
    Duration cap;
    if (max == null) {
      // Only the first backoff was set: the profile's cap grows to fit it, as core does for profile defaults.
      cap = d.maxBackoff().compareTo(first) < 0 ? first : d.maxBackoff();
    } else {
      cap = max.value();
      if (cap.compareTo(first) < 0) {
        throw conflict(max, "must be >= " + (initial != null ? initial.property()
            : "the initial backoff of profile " + profile.id()) + " (" + show(first) + ")");
      }
    }
    b.backoff(first, cap);
  }

  @SuppressWarnings("removal")
  private static void breaker(ProviderProfile profile, Layers l, Supplier<ShippingPolicy> profileDefaults,
      ShippingPolicy.Builder b) {
    Setting<Float> rate = l.get("breaker.failure-rate-threshold", inBreaker(Breaker::getFailureRateThreshold),
        "breaker.failure-rate", inBreaker(Breaker::getFailureRate));
    Setting<Integer> window = l.get("breaker.sliding-window-size", inBreaker(Breaker::getSlidingWindowSize),
        "breaker.window-size", inBreaker(Breaker::getWindowSize));
    Setting<Integer> minimum = l.get("breaker.minimum-number-of-calls",
        inBreaker(Breaker::getMinimumNumberOfCalls), "breaker.minimum-calls", inBreaker(Breaker::getMinimumCalls));
    Setting<Duration> wait = l.get("breaker.wait-duration-in-open-state",
        inBreaker(Breaker::getWaitDurationInOpenState), "breaker.open-wait", inBreaker(Breaker::getOpenWait));
    Setting<Integer> halfOpen = l.get("breaker.permitted-number-of-calls-in-half-open-state",
        inBreaker(Breaker::getPermittedNumberOfCallsInHalfOpenState), "breaker.half-open-calls",
        inBreaker(Breaker::getHalfOpenCalls));
    if (rate != null || window != null || minimum != null || wait != null || halfOpen != null) {
      BreakerSettings d = profileDefaults.get().breaker();
      breaker(profile, d, rate, window, minimum, wait, halfOpen, b);
    }
    openWaitGrowth(profile, l, profileDefaults, wait, b);
  }

  private static void breaker(ProviderProfile profile, BreakerSettings d, @Nullable Setting<Float> rate,
      @Nullable Setting<Integer> window, @Nullable Setting<Integer> minimum, @Nullable Setting<Duration> wait,
      @Nullable Setting<Integer> halfOpen, ShippingPolicy.Builder b) {
    int windowSize = value(window, d.windowSize());
    int minimumCalls = value(minimum, d.minimumCalls());
    if (minimumCalls > windowSize) {
      // Resilience4j would silently lower the minimum to the window; profiles refuse it too.
      throw minimum != null
          ? conflict(minimum, "must be <= " + (window != null ? window.property()
              : "the sliding window size of profile " + profile.id()) + " (" + windowSize + ")")
          : conflict(window, "must be >= the minimum number of calls of profile " + profile.id() + " ("
              + minimumCalls + ")");
    }
    b.breaker(value(rate, d.failureRatePercent()), windowSize, minimumCalls, value(wait, d.openWait()),
        value(halfOpen, d.halfOpenCalls()));
  }

  /**
   * The growth of repeated open waits: either value alone keeps the other from the profile, and the longest wait
   * stays the profile's multiple of the first wait when only the first wait or the multiplier is set.
   */
  private static void openWaitGrowth(ProviderProfile profile, Layers l, Supplier<ShippingPolicy> profileDefaults,
      @Nullable Setting<Duration> wait, ShippingPolicy.Builder b) {
    Setting<Double> multiplier = l.get("breaker.exponential-backoff-multiplier",
        inBreaker(Breaker::getExponentialBackoffMultiplier));
    Setting<Duration> longest = l.get("breaker.exponential-max-wait-duration-in-open-state",
        inBreaker(Breaker::getExponentialMaxWaitDurationInOpenState));
    if (multiplier == null && longest == null) {
      return;
    }
    BreakerSettings d = profileDefaults.get().breaker();
    Duration first = value(wait, d.openWait());
    if (longest == null) {
      // The profile's longest wait, kept as a multiple of the first one as core keeps it (core's default multiple
      // when the profile's wait never grows).
      boolean grows = d.openWaitMultiplier() > 1;
      double factor = grows ? d.maxOpenWait().toNanos() / (double) d.openWait().toNanos()
          : ShippingPolicy.DEFAULT_MAX_OPEN_WAIT_FACTOR;
      b.breakerOpenWaitGrowth(multiplier.value(), grows && wait == null ? d.maxOpenWait()
          : Duration.ofNanos((long) Math.min(PropertiesValidation.LONGEST.toNanos(), first.toNanos() * factor)));
      return;
    }
    if (longest.value().compareTo(first) < 0) {
      throw conflict(longest, "must be >= " + (wait != null ? wait.property()
          : "the wait duration in open state of profile " + profile.id()) + " (" + show(first) + ")");
    }
    if (multiplier == null && d.openWaitMultiplier() <= 1) {
      // Silently without effect otherwise: a wait that does not grow never reaches a longest wait.
      throw conflict(longest, "has no effect, since the open wait of profile " + profile.id() + " does not grow: set "
          + longest.property().replace("exponential-max-wait-duration-in-open-state",
              "exponential-backoff-multiplier") + " too");
    }
    b.breakerOpenWaitGrowth(value(multiplier, d.openWaitMultiplier()), longest.value());
  }

  @SuppressWarnings("removal")
  private static void rateLimit(ProviderProfile profile, Layers l, Supplier<ShippingPolicy> profileDefaults,
      ShippingPolicy.Builder b) {
    Setting<Integer> limit = l.get("rate-limit.limit-for-period", inRateLimit(RateLimit::getLimitForPeriod),
        "rate-limit.permits", inRateLimit(RateLimit::getPermits));
    Setting<Duration> period = l.get("rate-limit.period", inRateLimit(RateLimit::getPeriod));
    if (limit == null && period == null) {
      return;
    }
    if (limit != null && limit.value() == 0) {
      b.noRateLimit();
      return;
    }
    dev.shippingresilience.spi.RateLimit d = profileDefaults.get().rateLimit();
    if (limit == null && d == null) {
      String property = period.property();
      throw new InvalidShippingPropertyException(property.substring(0, property.length() - "period".length())
          + "limit-for-period", "required with " + property + ", since provider " + profile.id()
          + " has no rate limit of its own", null);
    }
    b.rateLimit(limit != null ? limit.value() : d.permits(),
        value(period, d == null ? DEFAULT_RATE_PERIOD : d.period()));
  }

  /**
   * Applies the {@code rate-limit.buckets.<bucket>} settings of one provider (its own over the defaults block's); a
   * value no layer sets keeps the profile's limit of that bucket. A bucket of the provider's own settings that its
   * profile does not declare fails; the defaults block's apply to the providers that declare them
   * ({@link #checkDefaultBuckets}).
   */
  private static void buckets(ProviderProfile profile, Layers l, Supplier<ShippingPolicy> profileDefaults,
      ShippingPolicy.Builder b) {
    for (String bucket : l.bucketNames()) {
      Setting<Integer> limit = l.get(bucketName(bucket) + ".limit-for-period",
          inBucket(bucket, BucketLimit::getLimitForPeriod));
      Setting<Duration> period = l.get(bucketName(bucket) + ".period", inBucket(bucket, BucketLimit::getPeriod));
      Map<String, dev.shippingresilience.spi.RateLimit> declared = profileDefaults.get().bucketLimits();
      dev.shippingresilience.spi.RateLimit d = declared.get(bucket);
      if (d == null) {
        String property = l.ownBucket(bucket);
        if (property == null) {
          continue; // the defaults block's, for the providers that declare it
        }
        throw new InvalidShippingPropertyException(property, "unknown bucket: profile " + profile.id()
            + (declared.isEmpty() ? " declares no operation rate limits" : " declares " + String.join(", ",
                declared.keySet())), null);
      }
      if (limit != null || period != null) {
        b.rateLimit(bucket, value(limit, d.permits()), value(period, d.period()));
      }
    }
  }

  /**
   * Checks that every bucket of the defaults block's {@code rate-limit.buckets} is declared by at least one profile.
   *
   * @throws InvalidShippingPropertyException {@code shipping.resilience.defaults.rate-limit.buckets.B: unknown
   *     bucket: no profile declares it (declared: ...)}
   */
  private static void checkDefaultBuckets(ShippingResilienceProperties properties, ProviderProfiles profiles) {
    RateLimit defaults = properties.getDefaults().getRateLimit();
    if (defaults == null || defaults.getBuckets().isEmpty()) {
      return;
    }
    Map<String, List<String>> declared = new TreeMap<>();
    for (ProviderProfile profile : profiles.all()) {
      ShippingPolicy policy = ShippingPolicy.builder(profile).meterRegistry(new SimpleMeterRegistry()).build();
      policy.bucketLimits().keySet().forEach(bucket -> declared.computeIfAbsent(bucket, k -> new ArrayList<>())
          .add(profile.id()));
    }
    for (String bucket : defaults.getBuckets().keySet()) {
      if (!declared.containsKey(bucket)) {
        throw new InvalidShippingPropertyException(bucketPrefix(PREFIX + ".defaults", bucket), "unknown bucket: no "
            + "profile declares it (declared: " + (declared.isEmpty() ? "none" : declared.entrySet().stream()
                .map(e -> e.getKey() + " by " + String.join(", ", e.getValue()))
                .collect(Collectors.joining("; "))) + ")", null);
      }
    }
  }

  /**
   * Gives every provider's policy the shared {@code limits}, except the providers with {@code shared-limits: false}
   * (their own, or the defaults block's), which keep per-instance {@link LocalLimits} (on the system clock, as core's
   * own default). Call after {@link #configure}, which rejects unknown provider ids.
   *
   * @param limits the application's shared limits (Redis, or its own bean), or {@code null} when there are none
   * @throws InvalidShippingPropertyException for a provider setting that could not take effect:
   *     {@code shared-limits: true} or {@code share-breaker-hints: true} without shared limits, or
   *     {@code share-breaker-hints: true} with {@code shared-limits: false}
   */
  public static void shareLimits(ShippingResilienceProperties properties, ProviderProfiles profiles,
      @Nullable SharedLimits limits, MeterRegistry meterRegistry, ShippingPolicies.Builder builder) {
    if (limits != null) {
      builder.configureAll(b -> b.sharedLimits(limits));
    }
    for (ProviderProfile profile : profiles.all()) {
      Layers l = new Layers(profile.id(), properties);
      Setting<Boolean> shared = l.get("shared-limits", ProviderSettings::getSharedLimits);
      Setting<Boolean> hints = l.get("share-breaker-hints", ProviderSettings::getShareBreakerHints);
      boolean hinted = hints != null && hints.value();
      if (limits == null) {
        // Explicitly asked for, silently not happening: the fleet would exceed the account's rate unnoticed.
        String missing = "true, but there are no shared limits: set " + PREFIX + ".redis.uri (with the "
            + "shipping-resilience-redis-limits module) or define a SharedLimits bean";
        if (shared != null && shared.value()) {
          throw new InvalidShippingPropertyException(shared.property(), missing, null);
        }
        if (hinted) {
          throw new InvalidShippingPropertyException(hints.property(), missing, null);
        }
      } else if (shared != null && !shared.value()) {
        if (hinted) {
          throw new InvalidShippingPropertyException(hints.property(), "true, but " + shared.property()
              + " is false: hints travel through the shared limits", null);
        }
        builder.configure(profile.id(), b -> b.sharedLimits(new LocalLimits(Clock.systemUTC(), meterRegistry)));
      }
    }
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

  /** One setting of a provider and the property that gave it. */
  private record Setting<T>(T value, String property) {}

  /**
   * A provider's settings in layers, highest first: its own ({@code providers.<id>}), then the {@code defaults}
   * block. Below them is the profile.
   */
  private static final class Layers {
    private final List<Map.Entry<String, ProviderSettings>> layers = new ArrayList<>(2);

    Layers(String id, ShippingResilienceProperties properties) {
      ProviderSettings own = properties.getProviders().get(id);
      if (own != null) {
        layers.add(Map.entry(providerPrefix(id), own));
      }
      layers.add(Map.entry(PREFIX + ".defaults", properties.getDefaults()));
    }

    /** The operation buckets any layer sets, the provider's own first. */
    Set<String> bucketNames() {
      Set<String> names = new LinkedHashSet<>();
      for (Map.Entry<String, ProviderSettings> layer : layers) {
        RateLimit r = layer.getValue().getRateLimit();
        if (r != null) {
          names.addAll(r.getBuckets().keySet());
        }
      }
      return names;
    }

    /**
     * Where the provider's own settings (not the defaults block's) set {@code bucket}, or {@code null} when they do
     * not.
     */
    @Nullable String ownBucket(String bucket) {
      Map.Entry<String, ProviderSettings> own = layers.get(0);
      RateLimit r = own.getValue().getRateLimit();
      return layers.size() > 1 && r != null && r.getBuckets().containsKey(bucket) ? bucketPrefix(own.getKey(), bucket)
          : null;
    }

    /** The value of {@code name} from the highest layer that sets it, or {@code null}. */
    <T> @Nullable Setting<T> get(String name, Function<ProviderSettings, @Nullable T> getter) {
      return get(name, getter, name, getter);
    }

    /** The same for a setting with a deprecated name: in each layer the new name, else the old one. */
    <T> @Nullable Setting<T> get(String name, Function<ProviderSettings, @Nullable T> getter, String oldName,
        Function<ProviderSettings, @Nullable T> oldGetter) {
      for (Map.Entry<String, ProviderSettings> layer : layers) {
        T value = getter.apply(layer.getValue());
        if (value != null) {
          return new Setting<>(value, layer.getKey() + "." + name);
        }
        value = oldGetter.apply(layer.getValue());
        if (value != null) {
          return new Setting<>(value, layer.getKey() + "." + oldName);
        }
      }
      return null;
    }
  }

  private static <T> Function<ProviderSettings, @Nullable T> inBreaker(Function<Breaker, @Nullable T> getter) {
    return s -> s.getBreaker() == null ? null : getter.apply(s.getBreaker());
  }

  private static <T> Function<ProviderSettings, @Nullable T> inRateLimit(Function<RateLimit, @Nullable T> getter) {
    return s -> s.getRateLimit() == null ? null : getter.apply(s.getRateLimit());
  }

  private static <T> Function<ProviderSettings, @Nullable T> inBucket(String bucket,
      Function<BucketLimit, @Nullable T> getter) {
    return s -> {
      BucketLimit limit = s.getRateLimit() == null ? null : s.getRateLimit().getBuckets().get(bucket);
      return limit == null ? null : getter.apply(limit);
    };
  }

  private static <T> Function<ProviderSettings, @Nullable T> inBudget(Function<RetryBudget, @Nullable T> getter) {
    return s -> s.getRetryBudget() == null ? null : getter.apply(s.getRetryBudget());
  }

  private static <T> void set(@Nullable Setting<T> setting, Consumer<T> setter) {
    if (setting != null) {
      setter.accept(setting.value());
    }
  }

  private static <T> T value(@Nullable Setting<T> setting, T fallback) {
    return setting != null ? setting.value() : fallback;
  }

  private static InvalidShippingPropertyException conflict(Setting<?> setting, String rule) {
    return new InvalidShippingPropertyException(setting.property(), "Invalid value (" + show(setting.value()) + "): "
        + rule, null);
  }

  private static String didYouMean(@Nullable String id, ProviderProfiles profiles) {
    String nearest = id == null ? null
        : Nearest.of(id, profiles.all().stream().map(ProviderProfile::id).toList());
    return nearest == null ? "" : ": did you mean " + nearest + "?";
  }

  private static String known(ProviderProfiles profiles) {
    return profiles.all().stream().map(ProviderProfile::id).collect(Collectors.joining(", "));
  }
}
