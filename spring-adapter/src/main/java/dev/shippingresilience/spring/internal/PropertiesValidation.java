package dev.shippingresilience.spring.internal;

import static dev.shippingresilience.spring.internal.PropertiesBinding.PREFIX;

import dev.shippingresilience.Redaction;
import dev.shippingresilience.spring.ShippingResilienceProperties;
import dev.shippingresilience.spring.ShippingResilienceProperties.Breaker;
import dev.shippingresilience.spring.ShippingResilienceProperties.ProviderSettings;
import dev.shippingresilience.spring.ShippingResilienceProperties.RateLimit;
import dev.shippingresilience.spring.ShippingResilienceProperties.Redis;
import dev.shippingresilience.spring.ShippingResilienceProperties.RetryBudget;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * The rules of each {@code shipping.resilience.*} value, checked where it is bound (by
 * {@link StrictPropertiesBindHandler}), so that a failure names the property, the value as given and what is allowed:
 * {@code shipping.resilience.providers.clickpost.max-attempts: Invalid value (0): must be >= 1}. They are the rules
 * of core's {@code ShippingPolicy.Builder} and redis-limits' {@code RedisSharedLimits.Builder}, whose setters check
 * them again. Rules between settings that may come from the profile (a backoff's two ends, a window and its minimum)
 * are checked when the policies are built ({@link PropertiesBinding}).
 */
final class PropertiesValidation {
  /** The longest duration core accepts (its {@code ShippingPolicy.LONGEST}): beyond it, arithmetic could overflow. */
  static final Duration LONGEST = Duration.ofDays(3650);
  /** The most events kept per provider: each holds a URL, so a larger ring would hold megabytes per provider. */
  static final int MAX_EVENTS = 10_000;
  /** The fewest body bytes core peeks at. */
  static final int MIN_PEEK_LIMIT = 64;
  private static final String REDIS_URI = PREFIX + ".redis.uri";
  /** Lettuce's URI schemes. */
  private static final Set<String> REDIS_SCHEMES = Set.of("redis", "rediss", "redis+ssl", "redis+tls",
      "redis-sentinel", "rediss-sentinel", "redis-socket", "redis+socket");
  /** Schemes with a host and port (Sentinel and socket URIs carry theirs elsewhere). */
  private static final Set<String> HOST_SCHEMES = Set.of("redis", "rediss", "redis+ssl", "redis+tls");

  private final Map<ConfigurationPropertyName, ConfigurationProperty> given;

  /** @param given the properties as bound from the property sources, to quote the value as written */
  PropertiesValidation(Map<ConfigurationPropertyName, ConfigurationProperty> given) {
    this.given = given;
  }

  /** Checks every value, the {@code defaults} block's and the Redis settings included. */
  void validate(ShippingResilienceProperties properties) {
    provider(PREFIX + ".defaults", properties.getDefaults(), true);
    properties.getProviders().forEach((id, settings) -> {
      if (settings != null) {
        provider(PropertiesBinding.providerPrefix(id), settings, false);
      }
    });
    redis(properties.getRedis());
    int events = properties.getEvents().getSize();
    if (events < 1 || events > MAX_EVENTS) {
      throw invalid(PREFIX + ".events.size", events, "must be between 1 and " + MAX_EVENTS);
    }
  }

  @SuppressWarnings("removal")
  private void provider(String p, ProviderSettings s, boolean defaults) {
    atLeast(p + ".max-attempts", s.getMaxAttempts(), 1);
    positive(p + ".initial-backoff", s.getInitialBackoff());
    positive(p + ".max-backoff", s.getMaxBackoff());
    positive(p + ".poll-interval", s.getPollInterval());
    atLeast(p + ".max-polls", s.getMaxPolls(), 1);
    positive(p + ".max-poll-duration", s.getMaxPollDuration());
    positive(p + ".deadline", s.getDeadline());
    Duration maxRetryAfter = s.getMaxRetryAfter();
    positive(p + ".max-retry-after", maxRetryAfter);
    if (maxRetryAfter != null && maxRetryAfter.compareTo(LONGEST) >= 0) {
      throw invalid(p + ".max-retry-after", maxRetryAfter, "must be below " + show(LONGEST)
          + ", the longest wait read from a response header");
    }
    Duration pauseJitter = s.getPauseJitter();
    if (pauseJitter != null && pauseJitter.isNegative()) {
      throw invalid(p + ".pause-jitter", pauseJitter, "must not be negative (0s turns it off)");
    }
    notBeyondLongest(p + ".pause-jitter", pauseJitter);
    Duration breakerWait = s.getBreakerWait();
    if (breakerWait != null && breakerWait.isNegative()) {
      throw invalid(p + ".breaker-wait", breakerWait, "must not be negative (0s fails fast)");
    }
    notBeyondLongest(p + ".breaker-wait", breakerWait);
    DataSize peekLimit = s.getPeekLimit();
    if (peekLimit != null && (peekLimit.toBytes() < MIN_PEEK_LIMIT || peekLimit.toBytes() > Integer.MAX_VALUE)) {
      throw invalid(p + ".peek-limit", peekLimit, "must be at least " + MIN_PEEK_LIMIT + "B and below 2GB");
    }
    Breaker b = s.getBreaker();
    if (b != null) {
      String q = p + ".breaker.";
      percentage(q + "failure-rate-threshold", b.getFailureRateThreshold());
      percentage(q + "failure-rate", b.getFailureRate());
      atLeast(q + "sliding-window-size", b.getSlidingWindowSize(), 1);
      atLeast(q + "window-size", b.getWindowSize(), 1);
      atLeast(q + "minimum-number-of-calls", b.getMinimumNumberOfCalls(), 1);
      atLeast(q + "minimum-calls", b.getMinimumCalls(), 1);
      positive(q + "wait-duration-in-open-state", b.getWaitDurationInOpenState());
      positive(q + "open-wait", b.getOpenWait());
      atLeast(q + "permitted-number-of-calls-in-half-open-state", b.getPermittedNumberOfCallsInHalfOpenState(), 1);
      atLeast(q + "half-open-calls", b.getHalfOpenCalls(), 1);
      Double multiplier = b.getExponentialBackoffMultiplier();
      if (multiplier != null && !(multiplier >= 1 && multiplier <= 10)) {
        throw invalid(q + "exponential-backoff-multiplier", multiplier, "must be between 1 and 10");
      }
      positive(q + "exponential-max-wait-duration-in-open-state", b.getExponentialMaxWaitDurationInOpenState());
    }
    RateLimit r = s.getRateLimit();
    if (r != null) {
      atLeast(p + ".rate-limit.limit-for-period", r.getLimitForPeriod(), 0);
      atLeast(p + ".rate-limit.permits", r.getPermits(), 0);
      positive(p + ".rate-limit.period", r.getPeriod());
      r.getBuckets().forEach((bucket, limit) -> {
        if (limit != null) {
          String q = PropertiesBinding.bucketPrefix(p, bucket);
          atLeast(q + ".limit-for-period", limit.getLimitForPeriod(), 1);
          positive(q + ".period", limit.getPeriod());
        }
      });
    }
    RetryBudget budget = s.getRetryBudget();
    if (budget != null) {
      atLeast(p + ".retry-budget.max-tokens", budget.getMaxTokens(), 1);
      Double ratio = budget.getRatio();
      if (ratio != null && !(ratio > 0 && ratio <= 1)) {
        throw invalid(p + ".retry-budget.ratio", ratio, "must be above 0 and at most 1");
      }
    }
    String account = s.getAccount();
    if (account != null && defaults) {
      throw invalid(p + ".account", account, "an account is one provider's: set it under " + PREFIX
          + ".providers.<id>.account (one account for all providers would put them all in one rate-limit bucket)");
    }
    if (account != null && account.isBlank()) {
      throw invalid(p + ".account", account, "must not be blank");
    }
  }

  private void redis(Redis r) {
    String p = PREFIX + ".redis.";
    String keyPrefix = r.getKeyPrefix();
    if (keyPrefix == null || keyPrefix.isBlank() || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
      throw invalid(p + "key-prefix", keyPrefix, "must not be blank nor contain spaces");
    }
    positive(p + "command-timeout", r.getCommandTimeout());
    positive(p + "connect-timeout", r.getConnectTimeout());
    positive(p + "idle-key-expiry", r.getIdleKeyExpiry());
    atLeast(p + "fallback-fleet-size", r.getFallbackFleetSize(), 1);
    String uri = r.getUri();
    if (StringUtils.hasText(uri)) {
      uri(uri.strip());
    }
  }

  /** Checks the form of a Redis URI without Lettuce, which may be absent while Redis is off. */
  private void uri(String uri) {
    int schemeEnd = uri.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    if (!REDIS_SCHEMES.contains(scheme)) {
      throw invalid(REDIS_URI, uri, "not a Redis URI: expected redis://, rediss://, redis-sentinel:// or "
          + "redis-socket://");
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw invalid(REDIS_URI, uri, "not a Redis URI");
    }
    if (HOST_SCHEMES.contains(scheme) && parsed.getHost() == null) {
      // Lettuce takes "redis://h:notaport" as host "h:notaport" and would only fail when connecting.
      throw invalid(REDIS_URI, uri, "expected " + scheme + "://[[user]:password@]host[:port][/database]");
    }
  }

  private void atLeast(String property, @Nullable Integer value, int min) {
    if (value != null && value < min) {
      throw invalid(property, value, "must be >= " + min);
    }
  }

  private void percentage(String property, @Nullable Float value) {
    if (value != null && !(value > 0 && value <= 100)) {
      throw invalid(property, value, "must be a percentage above 0 and at most 100");
    }
  }

  private void positive(String property, @Nullable Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw invalid(property, value, "must be positive");
    }
    notBeyondLongest(property, value);
  }

  private void notBeyondLongest(String property, @Nullable Duration value) {
    if (value != null && value.compareTo(LONGEST) > 0) {
      throw invalid(property, value, "must be at most " + show(LONGEST));
    }
  }

  /** The failure: the property, the value as given (else as bound), where it was set, and the rule. */
  private InvalidShippingPropertyException invalid(String property, @Nullable Object value, String rule) {
    ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
    ConfigurationProperty raw = name == null ? null : given.get(name);
    String shown = raw != null ? String.valueOf(raw.getValue()) : value == null ? "" : show(value);
    if (raw != null && shown.contains("${") && value != null) {
      shown += " = " + show(value);
    }
    if (isRedisUri(property)) {
      shown = masked(shown);
    }
    return new InvalidShippingPropertyException(property, "Invalid value (" + shown + "): " + rule
        + StrictPropertiesBindHandler.setIn(raw == null ? null : raw.getOrigin()), null);
  }

  /** Whether {@code property} is the Redis URI, whose password is never shown. */
  static boolean isRedisUri(String property) {
    return REDIS_URI.equals(property);
  }

  /** {@code uri} with its password masked. */
  static String masked(String uri) {
    return Redaction.defaults().uriCredentials(uri);
  }

  /** A bound value as a property would give it: {@code 30s}, {@code 64KB}, {@code 25}. */
  static String show(Object value) {
    if (value instanceof Duration d) {
      return show(d);
    }
    if (value instanceof DataSize size) {
      long bytes = size.toBytes();
      for (String unit : new String[] {"TB", "GB", "MB", "KB"}) {
        long unitBytes = DataSize.parse("1" + unit).toBytes();
        if (bytes != 0 && bytes % unitBytes == 0) {
          return bytes / unitBytes + unit;
        }
      }
      return bytes + "B";
    }
    if (value instanceof Float f && f == Math.rint(f) && !f.isInfinite()) {
      return String.valueOf(f.longValue());
    }
    return String.valueOf(value);
  }

  private static String show(Duration d) {
    if (d.getNano() != 0) {
      return d.getNano() % 1_000_000 == 0 ? d.toMillis() + "ms" : d.toString();
    }
    long s = d.getSeconds();
    if (s != 0 && s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s != 0 && s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
