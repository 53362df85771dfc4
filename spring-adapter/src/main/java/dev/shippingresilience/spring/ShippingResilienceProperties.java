package dev.shippingresilience.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the Spring Boot auto-configuration, bound from {@code shipping.resilience.*}. Every provider setting
 * is optional: an unset one keeps the provider profile's default. Invalid values fail start-up with a message that
 * names the property, e.g. {@code shipping.resilience.providers.clickpost.max-attempts: Invalid maxAttempts (0):
 * must be >= 1}.
 *
 * <pre>
 * shipping:
 *   resilience:
 *     profiles: [ /etc/shipping/my-carrier.json ]
 *     hosts:
 *       "[shipping-gateway.internal]": clickpost
 *     providers:
 *       clickpost:
 *         max-attempts: 3
 *         breaker:
 *           open-wait: 2m
 *       aftership-shipping:
 *         account: aftership-org-42
 *     redis:
 *       uri: redis://:${REDIS_PASSWORD}@redis.internal:6379/0
 * </pre>
 *
 * <p>A mutable JavaBean for the binder; not thread-safe.
 */
@ConfigurationProperties("shipping.resilience")
public class ShippingResilienceProperties {
  /** Whether to auto-configure shipping-resilience and add its interceptor to every auto-configured RestClient. */
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
   * 408/429/5xx, a breaker). Off by default: the interceptor reaches every auto-configured RestClient of the
   * application, and its calls to other services should not change behaviour.
   */
  private boolean genericFallback = false;

  /** Per-provider overrides of the profile defaults, by provider id (clickpost, aftership-shipping, ...). */
  private Map<String, ProviderSettings> providers = new LinkedHashMap<>();

  /** Health indicator settings. */
  private final Health health = new Health();

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
    private String failureMode = "fail-open";

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

    /** {@return the failure mode, {@code fail-open} (default) or {@code fail-closed}} */
    public String getFailureMode() {
      return failureMode;
    }

    /**
     * Sets the failure mode: {@code fail-open} or {@code fail-closed}.
     *
     * @param failureMode the failure mode: {@code fail-open} or {@code fail-closed}
     */
    public void setFailureMode(String failureMode) {
      this.failureMode = failureMode;
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

  /** Overrides of one provider's policy; {@code null} keeps the profile's default. */
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

    /** How many body bytes are read to classify a response. */
    private @Nullable DataSize peekLimit;

    /** Longest wait a response may ask for (Retry-After, rate-limit reset) that is honoured; longer ends the call. */
    private @Nullable Duration maxRetryAfter;

    /**
     * Longest random delay added after a rate-limit pause ends, so paused callers resume spread over it rather than
     * all at the reset instant (0 disables it).
     */
    private @Nullable Duration pauseJitter;

    /** Circuit breaker of every scope of the provider (provider, carrier, operation). */
    private @Nullable Breaker breaker;

    /** Client-side rate limit. */
    private @Nullable RateLimit rateLimit;

    /** Retry budget (token bucket) shared by the provider's calls. */
    private @Nullable RetryBudget retryBudget;

    /**
     * Key of the provider account the rate limit and pauses are kept under (default: the provider id). Limits are
     * per account (AfterShip's per organisation): give every instance using one account the same value, and
     * different accounts different values.
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

  /** Circuit-breaker overrides; unset values keep the provider's. */
  public static class Breaker {
    /** Failure rate, in percent (0, 100], of the last window-size calls that opens the breaker. */
    private @Nullable Float failureRate;

    /** Number of calls in the sliding window. */
    private @Nullable Integer windowSize;

    /** Fewest calls in the window before the failure rate counts. */
    private @Nullable Integer minimumCalls;

    /** How long the breaker stays open before letting trial calls through. */
    private @Nullable Duration openWait;

    /** Trial calls let through while half-open. */
    private @Nullable Integer halfOpenCalls;

    /** {@return the failure rate in percent, or {@code null}} */
    public @Nullable Float getFailureRate() {
      return failureRate;
    }

    /**
     * Sets the failure rate in percent.
     *
     * @param failureRate the failure rate in percent
     */
    public void setFailureRate(@Nullable Float failureRate) {
      this.failureRate = failureRate;
    }

    /** {@return the window size, or {@code null}} */
    public @Nullable Integer getWindowSize() {
      return windowSize;
    }

    /**
     * Sets the window size.
     *
     * @param windowSize the window size
     */
    public void setWindowSize(@Nullable Integer windowSize) {
      this.windowSize = windowSize;
    }

    /** {@return the minimum calls, or {@code null}} */
    public @Nullable Integer getMinimumCalls() {
      return minimumCalls;
    }

    /**
     * Sets the minimum calls.
     *
     * @param minimumCalls the minimum calls
     */
    public void setMinimumCalls(@Nullable Integer minimumCalls) {
      this.minimumCalls = minimumCalls;
    }

    /** {@return the open wait, or {@code null}} */
    public @Nullable Duration getOpenWait() {
      return openWait;
    }

    /**
     * Sets the open wait.
     *
     * @param openWait the open wait
     */
    public void setOpenWait(@Nullable Duration openWait) {
      this.openWait = openWait;
    }

    /** {@return the half-open trial calls, or {@code null}} */
    public @Nullable Integer getHalfOpenCalls() {
      return halfOpenCalls;
    }

    /**
     * Sets the half-open trial calls.
     *
     * @param halfOpenCalls the half-open trial calls
     */
    public void setHalfOpenCalls(@Nullable Integer halfOpenCalls) {
      this.halfOpenCalls = halfOpenCalls;
    }
  }

  /** Client-side rate-limit overrides. */
  public static class RateLimit {
    /** Requests allowed per period; 0 removes the provider's limiter. */
    private @Nullable Integer permits;

    /** Length of a period (default 1s when the provider has no limiter). */
    private @Nullable Duration period;

    /** {@return the permits per period, or {@code null}} */
    public @Nullable Integer getPermits() {
      return permits;
    }

    /**
     * Sets the permits per period; 0 removes the limiter.
     *
     * @param permits the permits per period; 0 removes the limiter
     */
    public void setPermits(@Nullable Integer permits) {
      this.permits = permits;
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
