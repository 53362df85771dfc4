package dev.shippingresilience.redis;

import dev.shippingresilience.Redaction;
import dev.shippingresilience.spi.AnnouncedWindow;
import dev.shippingresilience.spi.Availability;
import dev.shippingresilience.spi.LocalLimits;
import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.spi.SharedLimits;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@link SharedLimits} on Redis, for a fleet of instances calling one provider account: every instance draws its
 * permits from one <a href="https://bucket4j.com">Bucket4j</a> bucket per (account, rate) kept in Redis through
 * Lettuce, and a 429 seen by one instance pauses them all through a Redis key with a TTL. Give each instance's
 * {@link dev.shippingresilience.ShippingPolicy} one of these (one per process is enough: it is thread-safe and
 * shares its connection).
 *
 * <pre>{@code
 * RedisSharedLimits limits = RedisSharedLimits.builder()
 *     .uri("redis://:secret@redis.internal:6379/0")
 *     .meterRegistry(meterRegistry)
 *     .build();
 * ShippingPolicy aftership = ShippingPolicy.builder(ProviderProfiles.builtIn().require("aftership-shipping"))
 *     .rateLimit(10, Duration.ofSeconds(1))   // the account's rate, for the whole fleet
 *     .account("aftership-org-42")            // one key per provider account
 *     .sharedLimits(limits)
 *     .build();
 * }</pre>
 *
 * <h2>What lives in Redis</h2>
 * <ul>
 *   <li>{@code <prefix>rate:<account>:<permits>/<period ms>ms}: the Bucket4j bucket, capacity {@code permits},
 *       refilled greedily at {@code permits} per {@code period} (a full bucket after an idle spell allows a burst of
 *       {@code permits}, as the in-process limiter does). Each key expires once the bucket has been full for
 *       {@link Builder#idleKeyExpiry(Duration)}. A permit is reserved atomically (compare-and-swap in a Lua script)
 *       and {@link #acquire} returns the wait; it never sleeps.
 *   <li>{@code <prefix>pause:<account>}: the epoch millisecond a 429's reset ends, with a matching {@code PX} TTL;
 *       a later deadline replaces an earlier one, never the reverse.
 *   <li>{@code <prefix>hint:<scope>}: "breaker open until", only when the policy enables
 *       {@link dev.shippingresilience.ShippingPolicy.Builder#shareBreakerHints(boolean)}.
 *   <li>{@code <prefix>window:<account>}: the rate-limit window the provider announced on its answers
 *       ({@code X-RateLimit-*}), one per account for the whole fleet, and the permits handed out against it (a
 *       hash updated by one Lua script; see {@link SharedLimits#acquireLearned}). It expires a few windows after the
 *       last permit reserved.
 * </ul>
 * Each concern lives in its own package-private class: the bucket ({@code SharedRate}), pauses
 * ({@code SharedPauses}) and breaker hints ({@code BreakerHints}) over deadline keys ({@code DeadlineKeys}), the
 * learned window ({@code SharedWindows}), and the connection with its failure accounting ({@code RedisLink}).
 * Time comes from this instance's {@link Builder#clock(Clock)} (Bucket4j's client-side clock): keep the fleet's
 * clocks in sync (NTP); a host {@code d} ms ahead sees buckets refill {@code d} ms early.
 *
 * <h2>When Redis is down</h2>
 * No operation waits longer than its {@link Builder#commandTimeout(Duration) command timeout}. A failed operation
 * increments {@value #FALLBACK_METER} (tag {@code operation}: {@code acquire}, {@code pause},
 * {@code paused_until}, {@code hint}, {@code window}) and logs a warning at most once per {@link Builder#warningInterval(Duration)},
 * with the password masked. Then {@link FailureMode#FAIL_OPEN} (the default) serves the call from in-process
 * {@link LocalLimits}; {@link FailureMode#FAIL_CLOSED} refuses the permit. Pauses are always recorded locally too,
 * so this instance honours the 429s it saw itself. Every call tries Redis again first: Lettuce reconnects in the
 * background (and this class reconnects itself when Redis was down at start-up), so sharing resumes by itself.
 * {@link #availability()} tells a health check which of these applies now, without asking Redis.
 *
 * <p>Thread-safe. {@link #close()} releases the connection, and the client when this object created it.
 */
public final class RedisSharedLimits implements SharedLimits, AutoCloseable {
  /** Default prefix of every key: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "shipres:";
  /** Default longest wait for one Redis operation: 100 ms. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(100);
  /** Default time a full (idle) bucket's key is kept before Redis expires it: 1 min. */
  public static final Duration DEFAULT_IDLE_KEY_EXPIRY = Duration.ofMinutes(1);
  /** Default shortest interval between two "Redis unavailable" warnings: 1 min. */
  public static final Duration DEFAULT_WARNING_INTERVAL = Duration.ofMinutes(1);
  /** Default longest wait for a connection, at start-up and on each reconnection attempt: 1 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  /** Default shortest interval between two connection attempts when Redis was never reached: 1 s. */
  public static final Duration DEFAULT_RECONNECT_INTERVAL = Duration.ofSeconds(1);
  /**
   * Most bucket proxies kept in this instance per connection: {@value}. One is kept per (account, rate) in use, and
   * the generic fallback has an account per host, so the least recently used proxy is dropped beyond it. A proxy
   * only names its Redis key (the bucket's state lives in Redis), so a dropped one costs a new proxy, no permits.
   */
  public static final int MAX_CACHED_BUCKETS = 1000;
  /**
   * The counter of Redis operations that failed and were served by the failure mode instead: {@value}. Dotted like every
   * other meter of the library; 0.1.0 snapshots named it {@code shipping.resilience.shared_limits.fallbacks}, which
   * Prometheus shows the same way: {@code shipping_resilience_shared_limits_fallbacks_total}.
   */
  public static final String FALLBACK_METER = "shipping.resilience.shared.limits.fallbacks";

  private final String keyPrefix;
  private final RedisLink link;
  private final SharedRate rate;
  private final SharedPauses pauses;
  private final BreakerHints hints;
  private final SharedWindows windows;

  private RedisSharedLimits(Builder b) {
    this.keyPrefix = b.keyPrefix;
    SharedLimits fallback = b.fallback != null ? b.fallback : new LocalLimits(b.clock, b.meterRegistry);
    this.link = new RedisLink(b.uri, b.client, b.connection, b.commandTimeout, b.connectTimeout,
        b.reconnectInterval, b.warningInterval, b.failureMode, b.clock, b.meterRegistry);
    this.rate = new SharedRate(link, keyPrefix, b.idleKeyExpiry, fallback, b.fallbackFleetSize);
    DeadlineKeys deadlines = new DeadlineKeys(link);
    this.pauses = new SharedPauses(deadlines, keyPrefix, fallback);
    this.hints = new BreakerHints(deadlines, keyPrefix);
    this.windows = new SharedWindows(link, keyPrefix, fallback);
  }

  /**
   * {@return a builder; set exactly one of {@link Builder#uri}, {@link Builder#client} or
   * {@link Builder#connection}}
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---- SharedLimits ---------------------------------------------------------------------------------------

  /**
   * Reserves one permit from the fleet's bucket for {@code account} and returns the wait before sending; never
   * sleeps. When Redis does not answer within the command timeout: {@link FailureMode#FAIL_OPEN} asks the local
   * fallback (at {@code 1 / fallbackFleetSize} of the rate), {@link FailureMode#FAIL_CLOSED} returns {@code null}.
   *
   * @return the wait ({@link Duration#ZERO} to send now), or {@code null} when no permit can be had within
   *     {@code maxWait} (nothing is consumed then)
   */
  @Override
  public @Nullable Duration acquire(String account, RateLimit limit, Duration maxWait) {
    return rate.acquire(account, limit, maxWait);
  }

  /**
   * Pauses {@code account} fleet-wide until {@code until} (a later pause already in Redis wins) and in this
   * instance's fallback, so this instance honours it even when Redis is down. A time already past is ignored.
   */
  @Override
  public void pause(String account, Instant until) {
    pauses.pause(account, until);
  }

  /**
   * Returns the later of the fleet's pause of {@code account} (from Redis) and this instance's own, or
   * {@code null} when neither is in the future. When Redis does not answer, returns this instance's own.
   */
  @Override
  public @Nullable Instant pausedUntil(String account) {
    return pauses.pausedUntil(account);
  }

  /**
   * Announces to the fleet that the breaker of {@code scope} opened until {@code until} (a later hint wins). Only
   * called when the policy enables {@link dev.shippingresilience.ShippingPolicy.Builder#shareBreakerHints}.
   *
   * <p>Trade-off: one instance's open breaker spares the others a round of failures (each would otherwise need
   * its own {@code minimumCalls} failures to open), at the price of failing their calls fast for the open wait
   * on one instance's evidence, even if that instance's view was local (its own network path). Local breakers stay
   * the source of truth: a hint only fails calls fast until it expires, it never opens or closes a breaker.
   */
  @Override
  public void hintOpen(String scope, Instant until) {
    hints.hintOpen(scope, until);
  }

  /** Returns until when another instance reported {@code scope}'s breaker open, or {@code null} (also when Redis is down). */
  @Override
  public @Nullable Instant openHint(String scope) {
    return hints.openHint(scope);
  }

  /**
   * Takes the window {@code account}'s provider announced into the fleet's one learned window for the account
   * ({@code <prefix>window:<account>}), so every instance paces by it. When Redis does not answer, this instance's
   * fallback learns it instead.
   */
  @Override
  public boolean learnWindow(String account, AnnouncedWindow window) {
    return windows.learn(account, window);
  }

  /**
   * Takes a permit from the fleet's learned window of {@code account} (see {@link SharedLimits#acquireLearned}). An
   * account whose answers announced no window to this instance is answered at once, without asking Redis. When
   * Redis does not answer: {@link FailureMode#FAIL_OPEN} asks the local fallback, {@link FailureMode#FAIL_CLOSED}
   * returns {@code null}.
   */
  @Override
  public @Nullable Duration acquireLearned(String account, Duration maxWait, boolean continuing) {
    return windows.acquire(account, maxWait, continuing);
  }

  // ---- state ----------------------------------------------------------------------------------------------

  /** {@return {@code true} while a Redis connection is established (it may still be slow); for health checks} */
  public boolean connected() {
    return link.connected();
  }

  /**
   * Returns {@link Availability.State#AVAILABLE} while {@link #connected()}, else
   * {@link Availability.State#UNAVAILABLE_FAIL_OPEN} ({@code local limits (fail-open)}) or
   * {@link Availability.State#UNAVAILABLE_FAIL_CLOSED} ({@code calls needing a permit fail (fail-closed)}) after the
   * failure mode, with the last failed operation's error (password masked) when one is known. Reads the connection
   * state Lettuce tracks and sends nothing to Redis, so it never blocks.
   *
   * <p>A Redis that keeps the connection open but stops answering (frozen, or a network partition that resets
   * nothing) reads as available until Lettuce drops the connection; meanwhile each operation waits out the command
   * timeout and is counted in {@value #FALLBACK_METER}.
   */
  @Override
  public Availability availability() {
    return link.availability();
  }

  /** {@return the failure mode} */
  public FailureMode failureMode() {
    return link.failureMode();
  }

  /** {@return the prefix of every key this instance writes} */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * {@return the key of the bucket for {@code account} at {@code limit} (for operators and tests)}
   *
   * @param account the provider account
   * @param limit the account's rate
   */
  public String bucketKey(String account, RateLimit limit) {
    return rate.bucketKey(account, limit);
  }

  /**
   * Closes the connection this object opened, and the client and its threads when it created them from a URI.
   * A connection or client given to the builder is left open for its owner. Idempotent.
   */
  @Override
  public void close() {
    link.close();
  }

  /** Returns the number of bucket proxies kept by the current connection (for tests). */
  int cachedBuckets() {
    return rate.cachedBuckets();
  }

  /** Returns a description without secrets (target, prefix, timeout, failure mode). */
  @Override
  public String toString() {
    return "RedisSharedLimits{" + link.target() + ", keyPrefix=" + keyPrefix + ", commandTimeout="
        + link.commandTimeout() + ", failureMode=" + link.failureMode() + "}";
  }

  /**
   * Builds {@link RedisSharedLimits}. Each setter validates its value and throws {@link IllegalArgumentException}
   * naming the setting, e.g. {@code Invalid commandTimeout (PT0S): must be positive}. Not thread-safe;
   * {@link #build()} copies the state.
   */
  public static final class Builder {
    private @Nullable String uri;
    private @Nullable RedisClient client;
    private @Nullable StatefulRedisConnection<byte[], byte[]> connection;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration idleKeyExpiry = DEFAULT_IDLE_KEY_EXPIRY;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration reconnectInterval = DEFAULT_RECONNECT_INTERVAL;
    private Duration warningInterval = DEFAULT_WARNING_INTERVAL;
    private FailureMode failureMode = FailureMode.FAIL_OPEN;
    private MeterRegistry meterRegistry = Metrics.globalRegistry;
    private Clock clock = Clock.systemUTC();
    private @Nullable SharedLimits fallback;
    private int fallbackFleetSize = 1;

    private Builder() {}

    private static Duration positive(String name, @Nullable Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("Invalid " + name + " (" + value + "): must be positive");
      }
      return value;
    }

    /**
     * Connects to the Redis at {@code uri} (Lettuce syntax: {@code redis://[:password@]host[:port][/db]},
     * {@code rediss://} for TLS) with a client this object creates, configures (command timeout, fail-fast while
     * disconnected, reconnection at least once a second) and closes.
     *
     * @param uri the Redis URI; it may hold a password, which no message shows
     * @return this builder
     * @throws IllegalArgumentException if the URI is blank or not a Redis URI
     */
    public Builder uri(String uri) {
      if (uri == null || uri.isBlank()) {
        throw new IllegalArgumentException("Invalid uri (" + uri + "): must not be blank");
      }
      try {
        RedisURI.create(uri);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("Invalid uri (" + Redaction.defaults().uriCredentials(uri) + "): not a Redis URI", e);
      }
      this.uri = uri;
      return this;
    }

    /**
     * Opens this object's connection with an existing client (e.g. the application's, from Spring Data Redis's
     * {@code LettuceConnectionFactory#getNativeClient()}); the client's own options apply and it is not shut down
     * by {@link RedisSharedLimits#close()}. Every operation is still bounded by {@link #commandTimeout}.
     *
     * @param client the client to connect with
     * @return this builder
     */
    public Builder client(RedisClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Uses an existing connection with a byte-array codec ({@code client.connect(ByteArrayCodec.INSTANCE)}); it is
     * not closed by {@link RedisSharedLimits#close()}. Every operation is still bounded by {@link #commandTimeout}.
     *
     * @param connection the connection, with a byte-array codec
     * @return this builder
     */
    public Builder connection(StatefulRedisConnection<byte[], byte[]> connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /**
     * Sets the prefix of every key, to share one Redis between applications. Default {@value #DEFAULT_KEY_PREFIX}.
     *
     * @param keyPrefix the prefix; non-blank, no whitespace
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      if (keyPrefix == null || keyPrefix.isBlank() || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("Invalid keyPrefix (" + keyPrefix + "): must be non-blank, no spaces");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets the longest wait for one Redis operation (a permit is one compare-and-swap: a GET and a script). Keep it
     * short: a call pays it (a few times) whenever Redis is slow. Default 100 ms.
     *
     * @param timeout the longest wait; positive
     * @return this builder
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive("commandTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a bucket's key outlives the moment the bucket is full again (idle). Default 1 min.
     *
     * @param expiry how long an idle bucket's key is kept; positive
     * @return this builder
     */
    public Builder idleKeyExpiry(Duration expiry) {
      this.idleKeyExpiry = positive("idleKeyExpiry", expiry);
      return this;
    }

    /**
     * Sets the longest wait for a connection: {@link #build()} waits that long for the first one (then goes on
     * with the fallback while connecting in the background). Default 1 s.
     *
     * @param timeout the longest wait; positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets the shortest interval between two connection attempts while Redis has never been reached (once
     * connected, Lettuce reconnects by itself). Default 1 s.
     *
     * @param interval the shortest interval; positive
     * @return this builder
     */
    public Builder reconnectInterval(Duration interval) {
      this.reconnectInterval = positive("reconnectInterval", interval);
      return this;
    }

    /**
     * Sets the shortest interval between two "Redis unavailable" warnings. Default 1 min.
     *
     * @param interval the shortest interval; positive
     * @return this builder
     */
    public Builder warningInterval(Duration interval) {
      this.warningInterval = positive("warningInterval", interval);
      return this;
    }

    /**
     * Sets what happens when Redis does not answer. Default {@link FailureMode#FAIL_OPEN}.
     *
     * @param mode the failure mode
     * @return this builder
     */
    public Builder failureMode(FailureMode mode) {
      this.failureMode = Objects.requireNonNull(mode, "failureMode");
      return this;
    }

    /**
     * Sets where {@value RedisSharedLimits#FALLBACK_METER} is reported. Default: the global composite registry.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * Sets the clock of the buckets, pauses and hints (Bucket4j's client-side clock). Default: system UTC.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the limits used while Redis is down (FAIL_OPEN). Default: a new {@link LocalLimits}.
     *
     * @param fallback the limits used while Redis is down
     * @return this builder
     */
    public Builder fallback(SharedLimits fallback) {
      this.fallback = Objects.requireNonNull(fallback, "fallback");
      return this;
    }

    /**
     * Sets how many instances share the account while Redis is down: each then allows {@code 1/instances} of the
     * rate locally (the same permits over {@code instances} periods), so the fleet stays near the account's rate.
     * Default 1 (each instance allows the whole rate: the fleet may exceed it during an outage).
     *
     * @param instances the instances sharing the account; at least 1
     * @return this builder
     */
    public Builder fallbackFleetSize(int instances) {
      if (instances < 1) {
        throw new IllegalArgumentException("Invalid fallbackFleetSize (" + instances + "): must be >= 1");
      }
      this.fallbackFleetSize = instances;
      return this;
    }

    /**
     * {@return the limits, connected or connecting: waits up to {@link #connectTimeout} for Redis, and when it is
     * not reachable yet, starts anyway on the failure mode and keeps trying in the background}
     *
     * @throws IllegalStateException unless exactly one of {@link #uri}, {@link #client}, {@link #connection} is set
     */
    public RedisSharedLimits build() {
      int targets = (uri != null ? 1 : 0) + (client != null ? 1 : 0) + (connection != null ? 1 : 0);
      if (targets != 1) {
        throw new IllegalStateException("Invalid Redis target: set exactly one of uri, client or connection ("
            + targets + " set)");
      }
      return new RedisSharedLimits(this);
    }
  }
}
