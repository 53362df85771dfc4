package dev.shippingresilience.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the Spring Boot auto-configuration, bound from {@code shipping.resilience.*}. Every provider setting
 * is optional: an unset one keeps the value of the {@code defaults} block, else the provider profile's default.
 * These stop start-up with a message that names the property: an unknown key (with the nearest valid one, e.g.
 * {@code shipping.resilience.providers.clickpost.max-atempts: unknown property (did you mean max-attempts?)}), a
 * value of the wrong type or out of range (e.g. {@code shipping.resilience.providers.clickpost.max-attempts: Invalid
 * value (0): must be >= 1}), and a provider id that names no profile. Redis settings are checked even while Redis is
 * off. As in Spring Boot, environment variables and system properties are not checked for unknown keys. The names follow the profile JSON's (Resilience4j's): {@code breaker.sliding-window-size} is
 * {@code defaults.breaker.slidingWindowSize} in a profile.
 *
 * <pre>
 * shipping:
 *   resilience:
 *     profiles: [ /etc/shipping/my-carrier.json ]
 *     defaults:
 *       max-attempts: 4
 *     hosts:
 *       "[shipping-gateway.internal]": clickpost
 *     providers:
 *       clickpost:
 *         max-attempts: 3
 *         breaker:
 *           wait-duration-in-open-state: 2m
 *       aftership-shipping:
 *         account: aftership-org-42
 *     redis:
 *       uri: redis://:${REDIS_PASSWORD}@redis.internal:6379/0
 * </pre>
 *
 * <p>A mutable JavaBean for the binder; not thread-safe.
 */
@ConfigurationProperties(prefix = "shipping.resilience", ignoreUnknownFields = false)
public class ShippingResilienceProperties {
  /** The release that deprecated the old Spring names of the breaker and rate-limit settings. */
  private static final String SINCE = "0.1.0";

  /**
   * Whether to auto-configure shipping-resilience and add its interceptor to every auto-configured RestClient (and
   * its filter to every auto-configured WebClient).
   */
  private boolean enabled = true;

  /**
   * Extra provider profile files (JSON) to load at start-up, as file paths or {@code classpath:} locations. A
   * profile with the id of a built-in one replaces it.
   */
  private List<String> profiles = new ArrayList<>();

  /**
   * Extra host-to-provider mappings, matched (with subdomains) before the profiles' own hosts. Keys with dots need
   * brackets: {@code shipping.resilience.hosts[gw.example.com]=clickpost}.
   */
  private Map<String, String> hosts = new LinkedHashMap<>();

  /**
   * Whether requests to hosts that no profile or mapping claims get the generic HTTP policy (retries on
   * 408/429/5xx, a breaker). Off by default: the interceptor reaches every auto-configured RestClient (the filter
   * every WebClient) of the application, and its calls to other services should not change behaviour.
   */
  private boolean genericFallback = false;

  /**
   * Settings applied to every provider (built-in or loaded) before its own: the profile's defaults, then these,
   * then {@code providers.<id>}. Same keys as a provider's, except {@code account}, which is one provider's.
   */
  private final ProviderSettings defaults = new ProviderSettings();

  /**
   * Per-provider overrides of the profile defaults and the {@code defaults} block, by provider id (clickpost,
   * aftership-shipping, ...; an id must name a built-in or loaded profile).
   */
  private Map<String, ProviderSettings> providers = new LinkedHashMap<>();

  /** Health indicator settings. */
  private final Health health = new Health();

  /** The shippingresilienceevents actuator endpoint: the last events of each provider, in memory. */
  private final Events events = new Events();

  /** Fleet-wide limits on Redis (needs the shipping-resilience-redis-limits module on the classpath). */
  private final Redis redis = new Redis();

  /** {@return whether the auto-configuration is on} Default {@code true}. */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets whether the auto-configuration is on.
   *
   * @param enabled whether the auto-configuration is on
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** {@return the extra profile locations} */
  public List<String> getProfiles() {
    return profiles;
  }

  /**
   * Sets the extra profile locations.
   *
   * @param profiles the extra profile locations
   */
  public void setProfiles(List<String> profiles) {
    this.profiles = profiles;
  }

  /** {@return the extra host-to-provider mappings} */
  public Map<String, String> getHosts() {
    return hosts;
  }

  /**
   * Sets the extra host-to-provider mappings.
   *
   * @param hosts the extra host-to-provider mappings
   */
  public void setHosts(Map<String, String> hosts) {
    this.hosts = hosts;
  }

  /** {@return whether unknown hosts get the generic HTTP policy} Default {@code false}. */
  public boolean isGenericFallback() {
    return genericFallback;
  }

  /**
   * Sets whether unknown hosts get the generic HTTP policy.
   *
   * @param genericFallback whether unknown hosts get the generic HTTP policy
   */
  public void setGenericFallback(boolean genericFallback) {
    this.genericFallback = genericFallback;
  }

  /** {@return the settings applied to every provider before its own} */
  public ProviderSettings getDefaults() {
    return defaults;
  }

  /** {@return the per-provider overrides} */
  public Map<String, ProviderSettings> getProviders() {
    return providers;
  }

  /**
   * Sets the per-provider overrides.
   *
   * @param providers the per-provider overrides
   */
  public void setProviders(Map<String, ProviderSettings> providers) {
    this.providers = providers;
  }

  /** {@return the health indicator settings} */
  public Health getHealth() {
    return health;
  }

  /** {@return the events endpoint settings} */
  public Events getEvents() {
    return events;
  }

  /** {@return the Redis settings} */
  public Redis getRedis() {
    return redis;
  }

  /** Health indicator settings. */
  public static class Health {
    /** Whether to register the shippingResilience health indicator (when Spring Boot health is present). */
    private boolean enabled = true;

    /** {@return whether the health indicator is registered} Default {@code true}. */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the health indicator is registered.
     *
     * @param enabled whether the health indicator is registered
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** Settings of the {@code shippingresilienceevents} endpoint ({@link ShippingResilienceEventsEndpoint}). */
  public static class Events {
    /** Whether to record the last events of each provider and show them at /actuator/shippingresilienceevents. */
    private boolean enabled = true;

    /** Number of events kept in memory per provider (attempts, decisions, waits, breaker changes), 1 to 10000. */
    private int size = ShippingResilienceEvents.DEFAULT_SIZE;

    /** {@return whether events are recorded} Default {@code true}. */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether events are recorded.
     *
     * @param enabled whether events are recorded
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** {@return the number of events kept per provider} Default {@value ShippingResilienceEvents#DEFAULT_SIZE}. */
    public int getSize() {
      return size;
    }

    /**
     * Sets the number of events kept per provider.
     *
     * @param size the number of events kept per provider, 1 to 10000
     */
    public void setSize(int size) {
      this.size = size;
    }
  }

  /**
   * Fleet-wide limits on Redis: one {@code RedisSharedLimits} (module {@code shipping-resilience-redis-limits}) shared
   * by every provider's policy, so that all instances of the application draw from one rate-limit bucket per provider
   * account and honour each other's 429 pauses.
   *
   * <p>On when {@code enabled=true}, or when {@code uri} is set and {@code enabled} is not {@code false}. The
   * connection comes from, in order: {@code uri}; else the application's Lettuce {@code RedisClient} bean; else the
   * client of its Spring Data Redis {@code LettuceConnectionFactory}. An application-defined {@code SharedLimits}
   * bean replaces all of this. Unset values keep {@code RedisSharedLimits}'s defaults (shown below).
   */
  public static class Redis {
    /**
     * Whether to share limits through Redis. Unset: on exactly when uri is set. Set it to true to use the
     * application's own Lettuce RedisClient or Spring Data Redis connection without a uri.
     */
    private @Nullable Boolean enabled;

    /**
     * Redis to connect to (Lettuce syntax: redis://[[user]:password@]host[:port][/database], rediss:// for TLS,
     * redis-sentinel://). Takes precedence over the application's own Redis connection. The password is never logged
     * and is masked in the actuator endpoints.
     */
    private @Nullable String uri;

    /** Prefix of every key, to share one Redis between applications. */
    private String keyPrefix = "shipres:";

    /**
     * Longest wait for one Redis operation; a call makes two (pause check and permit), more with breaker hints.
     */
    private Duration commandTimeout = Duration.ofMillis(100);

    /**
     * Longest wait for the first connection at start-up, and for each reconnection attempt. Start-up goes on with
     * the failure mode when Redis is not reachable yet, and keeps connecting in the background.
     */
    private Duration connectTimeout = Duration.ofSeconds(1);

    /** What happens to a call when Redis does not answer in time: fail-open (local limits) or fail-closed. */
    private FailureMode failureMode = FailureMode.FAIL_OPEN;

    /**
     * Number of instances sharing an account while Redis is down (fail-open): each then allows 1/n of the rate.
     */
    private int fallbackFleetSize = 1;

    /** How long an idle (full) rate-limit bucket is kept in Redis before it expires. */
    private Duration idleKeyExpiry = Duration.ofMinutes(1);

    /** {@return whether Redis limits are on, or {@code null} for "on exactly when a uri is set"} */
    public @Nullable Boolean getEnabled() {
      return enabled;
    }

    /**
     * Sets whether Redis limits are on; {@code null} means "on exactly when a uri is set".
     *
     * @param enabled whether Redis limits are on; {@code null} means "on exactly when a uri is set"
     */
    public void setEnabled(@Nullable Boolean enabled) {
      this.enabled = enabled;
    }

    /** {@return the Redis URI, or {@code null}} It may hold a password: never log it. */
    public @Nullable String getUri() {
      return uri;
    }

    /**
     * Sets the Redis URI.
     *
     * @param uri the Redis URI
     */
    public void setUri(@Nullable String uri) {
      this.uri = uri;
    }

    /** {@return the key prefix} Default {@code shipres:}. */
    public String getKeyPrefix() {
      return keyPrefix;
    }

    /**
     * Sets the key prefix.
     *
     * @param keyPrefix the key prefix
     */
    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    /** {@return the longest wait for one Redis operation} Default 100 ms. */
    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    /**
     * Sets the longest wait for one Redis operation.
     *
     * @param commandTimeout the longest wait for one Redis operation
     */
    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    /** {@return the longest wait for a connection} Default 1 s. */
    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    /**
     * Sets the longest wait for a connection.
     *
     * @param connectTimeout the longest wait for a connection
     */
    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    /** {@return the failure mode} Default {@link FailureMode#FAIL_OPEN}. */
    public FailureMode getFailureMode() {
      return failureMode;
    }

    /**
     * Sets the failure mode ({@code fail-open} or {@code fail-closed} in properties).
     *
     * @param failureMode the failure mode ({@code fail-open} or {@code fail-closed} in properties)
     */
    public void setFailureMode(FailureMode failureMode) {
      this.failureMode = failureMode;
    }

    /**
     * What a call does when Redis does not answer in time; the values of redis-limits' own {@code FailureMode},
     * repeated here so that binding works without that module on the classpath.
     */
    public enum FailureMode {
      /** Fall back to this instance's local limits while Redis is down (at 1/fallback-fleet-size of the rate). */
      FAIL_OPEN,
      /** Refuse permits while Redis is down: calls that need one end before sending. */
      FAIL_CLOSED
    }

    /** {@return the number of instances sharing an account while Redis is down} Default 1. */
    public int getFallbackFleetSize() {
      return fallbackFleetSize;
    }

    /**
     * Sets the number of instances sharing an account while Redis is down.
     *
     * @param fallbackFleetSize the number of instances sharing an account while Redis is down
     */
    public void setFallbackFleetSize(int fallbackFleetSize) {
      this.fallbackFleetSize = fallbackFleetSize;
    }

    /** {@return how long an idle bucket's key is kept} Default 1 min. */
    public Duration getIdleKeyExpiry() {
      return idleKeyExpiry;
    }

    /**
     * Sets how long an idle bucket's key is kept.
     *
     * @param idleKeyExpiry how long an idle bucket's key is kept
     */
    public void setIdleKeyExpiry(Duration idleKeyExpiry) {
      this.idleKeyExpiry = idleKeyExpiry;
    }
  }

  /**
   * Overrides of one provider's policy ({@code providers.<id>}), or of every provider's ({@code defaults});
   * {@code null} keeps the value from the layer below (the {@code defaults} block, then the profile).
   */
  public static class ProviderSettings {
    /** Attempts per call, counting the first (polls are counted separately). */
    private @Nullable Integer maxAttempts;

    /** First backoff of the exponential full-jitter backoff. */
    private @Nullable Duration initialBackoff;

    /** Longest backoff. */
    private @Nullable Duration maxBackoff;

    /** Wait between polls. */
    private @Nullable Duration pollInterval;

    /** Most polls per call. */
    private @Nullable Integer maxPolls;

    /** Longest time spent polling in one call. Unless a deadline is set, the deadline grows to fit it. */
    private @Nullable Duration maxPollDuration;

    /** Total deadline of one logical call, retries, waits and polls included. */
    private @Nullable Duration deadline;

    /** How many body bytes are read to classify a response (64B at least; a plain number counts bytes). */
    private @Nullable DataSize peekLimit;

    /** Longest wait a response may ask for (Retry-After, rate-limit reset) that is honoured; longer ends the call. */
    private @Nullable Duration maxRetryAfter;

    /**
     * Longest random delay added after a rate-limit pause ends, so paused callers resume spread over it rather than
     * all at the reset instant (0 disables it).
     */
    private @Nullable Duration pauseJitter;

    /**
     * Longest total wait of a call that finds a breaker open for its next trial, instead of failing at once: it
     * checks again every initial-backoff and is sent as soon as the breaker lets it through. 0s (the default) fails
     * fast.
     */
    private @Nullable Duration breakerWait;

    /**
     * Whether to learn the account's rate-limit window from the answers' X-RateLimit-Limit, -Remaining and -Reset
     * headers and pace callers by it. Default from the profile (on unless the profile turns it off).
     */
    private @Nullable Boolean learnRateLimitWindow;

    /** Circuit breaker of every scope of the provider (provider, carrier, operation). */
    private @Nullable Breaker breaker;

    /** Client-side rate limit. */
    private @Nullable RateLimit rateLimit;

    /** Retry budget (token bucket) shared by the provider's calls. */
    private @Nullable RetryBudget retryBudget;

    /**
     * Key of the provider account the rate limit and pauses are kept under (default: the provider id). Limits are
     * per account (AfterShip's per organisation): give every instance using one account the same value, and
     * different accounts different values. Per provider only: not allowed in the defaults block.
     */
    private @Nullable String account;

    /**
     * Whether this provider uses the shared limits (Redis, or the application's SharedLimits bean). Default true
     * when there are shared limits; false keeps this provider's limits and pauses in each instance.
     */
    private @Nullable Boolean sharedLimits;

    /**
     * Whether an opened breaker is announced to the fleet through the shared limits, failing the other instances'
     * calls to that scope fast until it would close. Default false. Needs shared limits.
     */
    private @Nullable Boolean shareBreakerHints;

    /** {@return the attempts per call, or {@code null}} */
    public @Nullable Integer getMaxAttempts() {
      return maxAttempts;
    }

    /**
     * Sets the attempts per call, counting the first.
     *
     * @param maxAttempts the attempts per call, counting the first
     */
    public void setMaxAttempts(@Nullable Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    /** {@return the first backoff, or {@code null}} */
    public @Nullable Duration getInitialBackoff() {
      return initialBackoff;
    }

    /**
     * Sets the first backoff.
     *
     * @param initialBackoff the first backoff
     */
    public void setInitialBackoff(@Nullable Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    /** {@return the longest backoff, or {@code null}} */
    public @Nullable Duration getMaxBackoff() {
      return maxBackoff;
    }

    /**
     * Sets the longest backoff.
     *
     * @param maxBackoff the longest backoff
     */
    public void setMaxBackoff(@Nullable Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    /** {@return the poll interval, or {@code null}} */
    public @Nullable Duration getPollInterval() {
      return pollInterval;
    }

    /**
     * Sets the poll interval.
     *
     * @param pollInterval the poll interval
     */
    public void setPollInterval(@Nullable Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    /** {@return the most polls per call, or {@code null}} */
    public @Nullable Integer getMaxPolls() {
      return maxPolls;
    }

    /**
     * Sets the most polls per call.
     *
     * @param maxPolls the most polls per call
     */
    public void setMaxPolls(@Nullable Integer maxPolls) {
      this.maxPolls = maxPolls;
    }

    /** {@return the longest time spent polling, or {@code null}} */
    public @Nullable Duration getMaxPollDuration() {
      return maxPollDuration;
    }

    /**
     * Sets the longest time spent polling.
     *
     * @param maxPollDuration the longest time spent polling
     */
    public void setMaxPollDuration(@Nullable Duration maxPollDuration) {
      this.maxPollDuration = maxPollDuration;
    }

    /** {@return the total deadline of a call, or {@code null}} */
    public @Nullable Duration getDeadline() {
      return deadline;
    }

    /**
     * Sets the total deadline of a call.
     *
     * @param deadline the total deadline of a call
     */
    public void setDeadline(@Nullable Duration deadline) {
      this.deadline = deadline;
    }

    /** {@return the peek limit, or {@code null}} */
    public @Nullable DataSize getPeekLimit() {
      return peekLimit;
    }

    /**
     * Sets the peek limit (e.g. {@code 128KB}).
     *
     * @param peekLimit the peek limit (e.g. {@code 128KB})
     */
    public void setPeekLimit(@Nullable DataSize peekLimit) {
      this.peekLimit = peekLimit;
    }

    /** {@return the longest honoured wait a response may ask for, or {@code null}} */
    public @Nullable Duration getMaxRetryAfter() {
      return maxRetryAfter;
    }

    /**
     * Sets the longest honoured wait a response may ask for.
     *
     * @param maxRetryAfter the longest honoured wait a response may ask for
     */
    public void setMaxRetryAfter(@Nullable Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
    }

    /** {@return the spread after a rate-limit pause, or {@code null}} */
    public @Nullable Duration getPauseJitter() {
      return pauseJitter;
    }

    /**
     * Sets the spread after a rate-limit pause ({@code 0s} disables it).
     *
     * @param pauseJitter the spread after a rate-limit pause ({@code 0s} disables it)
     */
    public void setPauseJitter(@Nullable Duration pauseJitter) {
      this.pauseJitter = pauseJitter;
    }

    /** {@return the longest wait for open breakers, or {@code null}} */
    public @Nullable Duration getBreakerWait() {
      return breakerWait;
    }

    /**
     * Sets the longest total wait of a call for open breakers ({@code 0s} fails fast).
     *
     * @param breakerWait the longest total wait of a call for open breakers ({@code 0s} fails fast)
     */
    public void setBreakerWait(@Nullable Duration breakerWait) {
      this.breakerWait = breakerWait;
    }

    /** {@return whether the rate-limit window is learned from the answers' headers, or {@code null}} */
    public @Nullable Boolean getLearnRateLimitWindow() {
      return learnRateLimitWindow;
    }

    /**
     * Sets whether the rate-limit window is learned from the answers' headers.
     *
     * @param learnRateLimitWindow whether the rate-limit window is learned from the answers' headers
     */
    public void setLearnRateLimitWindow(@Nullable Boolean learnRateLimitWindow) {
      this.learnRateLimitWindow = learnRateLimitWindow;
    }

    /** {@return the breaker settings, or {@code null}} */
    public @Nullable Breaker getBreaker() {
      return breaker;
    }

    /**
     * Sets the breaker settings.
     *
     * @param breaker the breaker settings
     */
    public void setBreaker(@Nullable Breaker breaker) {
      this.breaker = breaker;
    }

    /** {@return the rate-limit settings, or {@code null}} */
    public @Nullable RateLimit getRateLimit() {
      return rateLimit;
    }

    /**
     * Sets the rate-limit settings.
     *
     * @param rateLimit the rate-limit settings
     */
    public void setRateLimit(@Nullable RateLimit rateLimit) {
      this.rateLimit = rateLimit;
    }

    /** {@return the retry-budget settings, or {@code null}} */
    public @Nullable RetryBudget getRetryBudget() {
      return retryBudget;
    }

    /**
     * Sets the retry-budget settings.
     *
     * @param retryBudget the retry-budget settings
     */
    public void setRetryBudget(@Nullable RetryBudget retryBudget) {
      this.retryBudget = retryBudget;
    }

    /** {@return the account key, or {@code null} for the provider id} */
    public @Nullable String getAccount() {
      return account;
    }

    /**
     * Sets the account key the rate limit and pauses are kept under.
     *
     * @param account the account key the rate limit and pauses are kept under
     */
    public void setAccount(@Nullable String account) {
      this.account = account;
    }

    /** {@return whether this provider uses the shared limits, or {@code null} (yes, when there are any)} */
    public @Nullable Boolean getSharedLimits() {
      return sharedLimits;
    }

    /**
     * Sets whether this provider uses the shared limits.
     *
     * @param sharedLimits whether this provider uses the shared limits
     */
    public void setSharedLimits(@Nullable Boolean sharedLimits) {
      this.sharedLimits = sharedLimits;
    }

    /** {@return whether opened breakers are announced to the fleet, or {@code null} (no)} */
    public @Nullable Boolean getShareBreakerHints() {
      return shareBreakerHints;
    }

    /**
     * Sets whether opened breakers are announced to the fleet.
     *
     * @param shareBreakerHints whether opened breakers are announced to the fleet
     */
    public void setShareBreakerHints(@Nullable Boolean shareBreakerHints) {
      this.shareBreakerHints = shareBreakerHints;
    }
  }

  /**
   * Circuit-breaker overrides; unset values keep the provider's. The names are the profile JSON's (Resilience4j's):
   * {@code failure-rate-threshold} is {@code failureRateThreshold} there, {@code exponential-backoff-multiplier} is
   * {@code exponentialBackoffMultiplier}. The names of earlier releases
   * ({@code failure-rate}, {@code window-size}, {@code minimum-calls}, {@code open-wait}, {@code half-open-calls}) still
   * work for this release, with a warning at start-up; setting one together with its new name stops start-up.
   */
  public static class Breaker {
    private static final String REPLACED_BY = "shipping.resilience.defaults.breaker.";

    /** Failure rate, in percent (0, 100], of the last sliding-window-size calls that opens the breaker. */
    private @Nullable Float failureRateThreshold;

    /** Number of calls in the sliding window the failure rate is measured over. */
    private @Nullable Integer slidingWindowSize;

    /** Fewest calls in the window before the failure rate counts; at most sliding-window-size. */
    private @Nullable Integer minimumNumberOfCalls;

    /** How long the breaker stays open before letting trial calls through. */
    private @Nullable Duration waitDurationInOpenState;

    /** Trial calls let through while half-open. */
    private @Nullable Integer permittedNumberOfCallsInHalfOpenState;

    /**
     * Growth of the open wait each time the breaker opens again after failed half-open trials, 1 to 10 (1 keeps
     * every wait at wait-duration-in-open-state); a breaker that closes starts again from the first wait.
     */
    private @Nullable Double exponentialBackoffMultiplier;

    /**
     * Longest open wait the growth reaches, at least wait-duration-in-open-state. Unset: the profile's, kept as the
     * same multiple of wait-duration-in-open-state (4 times unless the profile names it).
     */
    private @Nullable Duration exponentialMaxWaitDurationInOpenState;

    /** Deprecated: use failure-rate-threshold. */
    private @Nullable Float failureRate;

    /** Deprecated: use sliding-window-size. */
    private @Nullable Integer windowSize;

    /** Deprecated: use minimum-number-of-calls. */
    private @Nullable Integer minimumCalls;

    /** Deprecated: use wait-duration-in-open-state. */
    private @Nullable Duration openWait;

    /** Deprecated: use permitted-number-of-calls-in-half-open-state. */
    private @Nullable Integer halfOpenCalls;

    /** {@return the failure rate in percent that opens the breaker, or {@code null}} */
    public @Nullable Float getFailureRateThreshold() {
      return failureRateThreshold;
    }

    /**
     * Sets the failure rate in percent, in (0, 100], that opens the breaker.
     *
     * @param failureRateThreshold the failure rate in percent, in (0, 100], that opens the breaker
     */
    public void setFailureRateThreshold(@Nullable Float failureRateThreshold) {
      this.failureRateThreshold = failureRateThreshold;
    }

    /** {@return the sliding window size in calls, or {@code null}} */
    public @Nullable Integer getSlidingWindowSize() {
      return slidingWindowSize;
    }

    /**
     * Sets the sliding window size in calls.
     *
     * @param slidingWindowSize the sliding window size in calls
     */
    public void setSlidingWindowSize(@Nullable Integer slidingWindowSize) {
      this.slidingWindowSize = slidingWindowSize;
    }

    /** {@return the fewest calls before the failure rate counts, or {@code null}} */
    public @Nullable Integer getMinimumNumberOfCalls() {
      return minimumNumberOfCalls;
    }

    /**
     * Sets the fewest calls before the failure rate counts.
     *
     * @param minimumNumberOfCalls the fewest calls before the failure rate counts
     */
    public void setMinimumNumberOfCalls(@Nullable Integer minimumNumberOfCalls) {
      this.minimumNumberOfCalls = minimumNumberOfCalls;
    }

    /** {@return how long the breaker stays open, or {@code null}} */
    public @Nullable Duration getWaitDurationInOpenState() {
      return waitDurationInOpenState;
    }

    /**
     * Sets how long the breaker stays open.
     *
     * @param waitDurationInOpenState how long the breaker stays open
     */
    public void setWaitDurationInOpenState(@Nullable Duration waitDurationInOpenState) {
      this.waitDurationInOpenState = waitDurationInOpenState;
    }

    /** {@return the trial calls let through while half-open, or {@code null}} */
    public @Nullable Integer getPermittedNumberOfCallsInHalfOpenState() {
      return permittedNumberOfCallsInHalfOpenState;
    }

    /**
     * Sets the trial calls let through while half-open.
     *
     * @param permittedNumberOfCallsInHalfOpenState the trial calls let through while half-open
     */
    public void setPermittedNumberOfCallsInHalfOpenState(@Nullable Integer permittedNumberOfCallsInHalfOpenState) {
      this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
    }

    /** {@return the growth of repeated open waits, or {@code null}} */
    public @Nullable Double getExponentialBackoffMultiplier() {
      return exponentialBackoffMultiplier;
    }

    /**
     * Sets the growth of repeated open waits, in [1, 10].
     *
     * @param exponentialBackoffMultiplier the growth of repeated open waits, in [1, 10]
     */
    public void setExponentialBackoffMultiplier(@Nullable Double exponentialBackoffMultiplier) {
      this.exponentialBackoffMultiplier = exponentialBackoffMultiplier;
    }

    /** {@return the longest open wait, or {@code null}} */
    public @Nullable Duration getExponentialMaxWaitDurationInOpenState() {
      return exponentialMaxWaitDurationInOpenState;
    }

    /**
     * Sets the longest open wait the growth reaches.
     *
     * @param exponentialMaxWaitDurationInOpenState the longest open wait the growth reaches
     */
    public void setExponentialMaxWaitDurationInOpenState(@Nullable Duration exponentialMaxWaitDurationInOpenState) {
      this.exponentialMaxWaitDurationInOpenState = exponentialMaxWaitDurationInOpenState;
    }

    /**
     * {@return the value given under the old name {@code failure-rate}, or {@code null}}
     *
     * @deprecated use {@link #getFailureRateThreshold()}; the old name goes in the next release
     */
    @Deprecated(since = SINCE, forRemoval = true)
    @DeprecatedConfigurationProperty(replacement = REPLACED_BY + "failure-rate-threshold", since = SINCE)
    public @Nullable Float getFailureRate() {
      return failureRate;
    }

    /**
     * Sets the failure rate under its old name.
     *
     * @param failureRate the failure rate under its old name
     * @deprecated use {@link #setFailureRateThreshold(Float)}
     */
    @Deprecated(since = SINCE, forRemoval = true)
    public void setFailureRate(@Nullable Float failureRate) {
      this.failureRate = failureRate;
    }

    /**
     * {@return the value given under the old name {@code window-size}, or {@code null}}
     *
     * @deprecated use {@link #getSlidingWindowSize()}; the old name goes in the next release
     */
    @Deprecated(since = SINCE, forRemoval = true)
    @DeprecatedConfigurationProperty(replacement = REPLACED_BY + "sliding-window-size", since = SINCE)
    public @Nullable Integer getWindowSize() {
      return windowSize;
    }

    /**
     * Sets the sliding window size under its old name.
     *
     * @param windowSize the sliding window size under its old name
     * @deprecated use {@link #setSlidingWindowSize(Integer)}
     */
    @Deprecated(since = SINCE, forRemoval = true)
    public void setWindowSize(@Nullable Integer windowSize) {
      this.windowSize = windowSize;
    }

    /**
     * {@return the value given under the old name {@code minimum-calls}, or {@code null}}
     *
     * @deprecated use {@link #getMinimumNumberOfCalls()}; the old name goes in the next release
     */
    @Deprecated(since = SINCE, forRemoval = true)
    @DeprecatedConfigurationProperty(replacement = REPLACED_BY + "minimum-number-of-calls", since = SINCE)
    public @Nullable Integer getMinimumCalls() {
      return minimumCalls;
    }

    /**
     * Sets the fewest calls under its old name.
     *
     * @param minimumCalls the fewest calls under its old name
     * @deprecated use {@link #setMinimumNumberOfCalls(Integer)}
     */
    @Deprecated(since = SINCE, forRemoval = true)
    public void setMinimumCalls(@Nullable Integer minimumCalls) {
      this.minimumCalls = minimumCalls;
    }

    /**
     * {@return the value given under the old name {@code open-wait}, or {@code null}}
     *
     * @deprecated use {@link #getWaitDurationInOpenState()}; the old name goes in the next release
     */
    @Deprecated(since = SINCE, forRemoval = true)
    @DeprecatedConfigurationProperty(replacement = REPLACED_BY + "wait-duration-in-open-state", since = SINCE)
    public @Nullable Duration getOpenWait() {
      return openWait;
    }

    /**
     * Sets the open wait under its old name.
     *
     * @param openWait the open wait under its old name
     * @deprecated use {@link #setWaitDurationInOpenState(Duration)}
     */
    @Deprecated(since = SINCE, forRemoval = true)
    public void setOpenWait(@Nullable Duration openWait) {
      this.openWait = openWait;
    }

    /**
     * {@return the value given under the old name {@code half-open-calls}, or {@code null}}
     *
     * @deprecated use {@link #getPermittedNumberOfCallsInHalfOpenState()}; the old name goes in the next release
     */
    @Deprecated(since = SINCE, forRemoval = true)
    @DeprecatedConfigurationProperty(replacement = REPLACED_BY + "permitted-number-of-calls-in-half-open-state",
        since = SINCE)
    public @Nullable Integer getHalfOpenCalls() {
      return halfOpenCalls;
    }

    /**
     * Sets the half-open trial calls under their old name.
     *
     * @param halfOpenCalls the half-open trial calls under their old name
     * @deprecated use {@link #setPermittedNumberOfCallsInHalfOpenState(Integer)}
     */
    @Deprecated(since = SINCE, forRemoval = true)
    public void setHalfOpenCalls(@Nullable Integer halfOpenCalls) {
      this.halfOpenCalls = halfOpenCalls;
    }
  }

  /**
   * Client-side rate-limit overrides. The names are the profile JSON's ({@code rateLimit.limitForPeriod},
   * {@code rateLimit.period}); {@code permits}, the old name of {@code limit-for-period}, still works for this release,
   * with a warning at start-up. {@code buckets.<bucket>} sets the limit of an operation bucket the profile declares
   * ({@code operations[].rateLimit.bucket}, e.g. {@code reads} for a provider that counts reads apart).
   */
  public static class RateLimit {
    /** Requests allowed per period; 0 removes the provider's limiter (and its buckets', except those set here). */
    private @Nullable Integer limitForPeriod;

    /** Length of a period (default 1s when the provider has no limiter). */
    private @Nullable Duration period;

    /** Deprecated: use limit-for-period. */
    private @Nullable Integer permits;

    /**
     * Limits of the profile's operation buckets, by bucket name; a bucket the profile does
     * not declare stops start-up. In the defaults block, a bucket applies to every provider that declares it.
     */
    private Map<String, BucketLimit> buckets = new LinkedHashMap<>();

    /** {@return the requests allowed per period, or {@code null}} */
    public @Nullable Integer getLimitForPeriod() {
      return limitForPeriod;
    }

    /**
     * Sets the requests allowed per period; 0 removes the limiter.
     *
     * @param limitForPeriod the requests allowed per period; 0 removes the limiter
     */
    public void setLimitForPeriod(@Nullable Integer limitForPeriod) {
      this.limitForPeriod = limitForPeriod;
    }

    /** {@return the period, or {@code null}} */
    public @Nullable Duration getPeriod() {
      return period;
    }

    /**
     * Sets the period.
     *
     * @param period the period
     */
    public void setPeriod(@Nullable Duration period) {
      this.period = period;
    }

    /** {@return the limits of operation buckets, by bucket name} */
    public Map<String, BucketLimit> getBuckets() {
      return buckets;
    }

    /**
     * Sets the limits of operation buckets, by bucket name.
     *
     * @param buckets the limits of operation buckets, by bucket name
     */
    public void setBuckets(Map<String, BucketLimit> buckets) {
      this.buckets = buckets;
    }

    /**
     * {@return the value given under the old name {@code permits}, or {@code null}}
     *
     * @deprecated use {@link #getLimitForPeriod()}; the old name goes in the next release
     */
    @Deprecated(since = SINCE, forRemoval = true)
    @DeprecatedConfigurationProperty(replacement = "shipping.resilience.defaults.rate-limit.limit-for-period",
        since = SINCE)
    public @Nullable Integer getPermits() {
      return permits;
    }

    /**
     * Sets the requests per period under their old name.
     *
     * @param permits the requests per period under their old name
     * @deprecated use {@link #setLimitForPeriod(Integer)}
     */
    @Deprecated(since = SINCE, forRemoval = true)
    public void setPermits(@Nullable Integer permits) {
      this.permits = permits;
    }
  }

  /**
   * The limit of one operation bucket ({@code rate-limit.buckets.<bucket>}); an unset value keeps the profile's
   * limit of that bucket.
   */
  public static class BucketLimit {
    /** Requests of the bucket's operations allowed per period, at least 1. */
    private @Nullable Integer limitForPeriod;

    /** Length of a period of the bucket. */
    private @Nullable Duration period;

    /** {@return the requests allowed per period, or {@code null}} */
    public @Nullable Integer getLimitForPeriod() {
      return limitForPeriod;
    }

    /**
     * Sets the requests allowed per period.
     *
     * @param limitForPeriod the requests allowed per period, at least 1
     */
    public void setLimitForPeriod(@Nullable Integer limitForPeriod) {
      this.limitForPeriod = limitForPeriod;
    }

    /** {@return the period, or {@code null}} */
    public @Nullable Duration getPeriod() {
      return period;
    }

    /**
     * Sets the period.
     *
     * @param period the period
     */
    public void setPeriod(@Nullable Duration period) {
      this.period = period;
    }
  }

  /** Retry-budget overrides. */
  public static class RetryBudget {
    /** Size of the bucket in tokens; a failure takes one, retries stop while half or fewer remain. */
    private @Nullable Integer maxTokens;

    /** Tokens a success gives back, in (0, 1]. */
    private @Nullable Double ratio;

    /** {@return the bucket size, or {@code null}} */
    public @Nullable Integer getMaxTokens() {
      return maxTokens;
    }

    /**
     * Sets the bucket size.
     *
     * @param maxTokens the bucket size
     */
    public void setMaxTokens(@Nullable Integer maxTokens) {
      this.maxTokens = maxTokens;
    }

    /** {@return the ratio, or {@code null}} */
    public @Nullable Double getRatio() {
      return ratio;
    }

    /**
     * Sets the ratio.
     *
     * @param ratio the ratio
     */
    public void setRatio(@Nullable Double ratio) {
      this.ratio = ratio;
    }
  }
}
