package dev.shippingresilience.redis;

import dev.shippingresilience.Redaction;
import dev.shippingresilience.spi.Availability;
import dev.shippingresilience.spi.LocalLimits;
import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.spi.SharedLimits;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * </ul>
 * Time comes from this instance's {@link Builder#clock(Clock)} (Bucket4j's client-side clock): keep the fleet's
 * clocks in sync (NTP); a host {@code d} ms ahead sees buckets refill {@code d} ms early.
 *
 * <h2>When Redis is down</h2>
 * No operation waits longer than its {@link Builder#commandTimeout(Duration) command timeout}. A failed operation
 * increments {@value #FALLBACK_METER} (tag {@code operation}: {@code acquire}, {@code pause},
 * {@code paused_until}, {@code hint}) and logs a warning at most once per {@link Builder#warningInterval(Duration)},
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

  private static final Logger LOG = LoggerFactory.getLogger(RedisSharedLimits.class);

  /** Sets KEYS[1] to ARGV[1] (epoch ms) with PX ARGV[2] unless it already holds a later or equal deadline. */
  static final String KEEP_LATER_DEADLINE = """
      local current = tonumber(redis.call('GET', KEYS[1]))
      local wanted = tonumber(ARGV[1])
      if current ~= nil and current >= wanted then return 0 end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return 1
      """;

  private static final String ACQUIRE = "acquire";
  private static final String PAUSE = "pause";
  private static final String PAUSED_UNTIL = "paused_until";
  private static final String HINT = "hint";

  private final String keyPrefix;
  private final Duration commandTimeout;
  private final Duration idleKeyExpiry;
  private final FailureMode failureMode;
  private final Clock clock;
  private final SharedLimits fallback;
  private final int fallbackFleetSize;
  private final long warningIntervalMillis;
  private final long reconnectIntervalNanos;
  private final String target;
  /** The URI as given, password included: only to mask it in messages. */
  private final @Nullable String secret;
  private final Map<String, Counter> fallbacks;

  private final @Nullable Supplier<StatefulRedisConnection<byte[], byte[]>> connector;
  private final @Nullable RedisClient ownedClient;
  private final @Nullable ClientResources ownedResources;
  private final @Nullable ExecutorService connectExecutor;
  private final AtomicReference<@Nullable Backend> backend = new AtomicReference<>();
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final AtomicLong lastConnectAttempt = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong failuresSinceWarning = new AtomicLong();
  private final AtomicBoolean degraded = new AtomicBoolean();
  /** Why the last failed operation failed (masked), until one succeeds again; for {@link #availability()}. */
  private final AtomicReference<@Nullable String> lastError = new AtomicReference<>();

  private RedisSharedLimits(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.commandTimeout = b.commandTimeout;
    this.idleKeyExpiry = b.idleKeyExpiry;
    this.failureMode = b.failureMode;
    this.clock = b.clock;
    this.fallbackFleetSize = b.fallbackFleetSize;
    this.fallback = b.fallback != null ? b.fallback : new LocalLimits(b.clock, b.meterRegistry);
    this.warningIntervalMillis = b.warningInterval.toMillis();
    this.reconnectIntervalNanos = b.reconnectInterval.toNanos();
    Map<String, Counter> counters = new ConcurrentHashMap<>();
    for (String op : new String[] {ACQUIRE, PAUSE, PAUSED_UNTIL, HINT}) {
      counters.put(op, Counter.builder(FALLBACK_METER)
          .description("Shared-limit operations Redis did not serve in time; the failure mode served them instead")
          .tag("operation", op)
          .register(b.meterRegistry));
    }
    this.fallbacks = Map.copyOf(counters);

    if (b.connection != null) {
      this.target = "the given Lettuce connection";
      this.secret = null;
      this.connector = null;
      this.ownedClient = null;
      this.ownedResources = null;
      this.connectExecutor = null;
      backend.set(new Backend(b.connection, false));
      return;
    }
    RedisClient client;
    if (b.client != null) {
      client = b.client;
      this.target = "the given Lettuce client";
      this.secret = null;
      this.ownedClient = null;
      this.ownedResources = null;
    } else {
      String uri = Objects.requireNonNull(b.uri);
      RedisURI redisUri = RedisURI.create(uri);
      // The URI's timeout bounds the connection handshake (and Lettuce's sync API, unused here): give it the connect
      // timeout; each command is bounded by the command timeout below.
      redisUri.setTimeout(b.connectTimeout);
      this.target = Redaction.defaults().uriCredentials(uri);
      this.secret = uri;
      this.ownedResources = ClientResources.builder()
          .ioThreadPoolSize(2)
          .computationThreadPoolSize(2)
          // Reconnect quickly after an outage: at most a second between attempts (Lettuce's default grows to 30 s).
          .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
          .build();
      client = RedisClient.create(ownedResources, redisUri);
      client.setOptions(ClientOptions.builder()
          .autoReconnect(true)
          // While disconnected, fail at once (the fallback answers) instead of queueing until the timeout.
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
          .socketOptions(SocketOptions.builder().connectTimeout(b.connectTimeout).build())
          .build());
      this.ownedClient = client;
    }
    RedisClient connectWith = client;
    this.connector = () -> connectWith.connect(ByteArrayCodec.INSTANCE);
    this.connectExecutor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "shipres-redis-connect");
      t.setDaemon(true);
      return t;
    });
    CompletableFuture<Void> first = connectInBackground();
    try {
      first.get(b.connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // reported by the attempt itself; calls fall back until a later attempt succeeds
    }
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
    Backend b = backend();
    if (b != null) {
      try {
        Duration wait = b.acquire(account, limit, maxWait);
        recovered();
        return wait;
      } catch (RuntimeException e) {
        failed(ACQUIRE, e);
      }
    } else {
      failed(ACQUIRE, null);
    }
    if (failureMode == FailureMode.FAIL_CLOSED) {
      return null;
    }
    try {
      return fallback.acquire(account, fallbackLimit(limit), maxWait);
    } catch (RuntimeException e) {
      LOG.warn("shipping-resilience: the local fallback limits threw {}; sending without a permit",
          e.getClass().getName());
      return Duration.ZERO;
    }
  }

  /**
   * Pauses {@code account} fleet-wide until {@code until} (a later pause already in Redis wins) and in this
   * instance's fallback, so this instance honours it even when Redis is down. A time already past is ignored.
   */
  @Override
  public void pause(String account, Instant until) {
    try {
      fallback.pause(account, until);
    } catch (RuntimeException e) {
      LOG.debug("local fallback pause failed", e);
    }
    keepLater(PAUSE, keyPrefix + "pause:" + account, until);
  }

  /**
   * Returns the later of the fleet's pause of {@code account} (from Redis) and this instance's own, or
   * {@code null} when neither is in the future. When Redis does not answer, returns this instance's own.
   */
  @Override
  public @Nullable Instant pausedUntil(String account) {
    Instant local = null;
    try {
      local = fallback.pausedUntil(account);
    } catch (RuntimeException e) {
      LOG.debug("local fallback pausedUntil failed", e);
    }
    Instant shared = readDeadline(PAUSED_UNTIL, keyPrefix + "pause:" + account);
    if (shared == null) {
      return local;
    }
    return local != null && local.isAfter(shared) ? local : shared;
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
    keepLater(HINT, keyPrefix + "hint:" + scope, until);
  }

  /** Returns until when another instance reported {@code scope}'s breaker open, or {@code null} (also when Redis is down). */
  @Override
  public @Nullable Instant openHint(String scope) {
    return readDeadline(HINT, keyPrefix + "hint:" + scope);
  }

  // ---- state ----------------------------------------------------------------------------------------------

  /** {@return {@code true} while a Redis connection is established (it may still be slow); for health checks} */
  public boolean connected() {
    Backend b = backend.get();
    return b != null && b.connection.isOpen();
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
    if (connected()) {
      return new Availability(Availability.State.AVAILABLE, "shared fleet-wide");
    }
    String error = lastError.get();
    String why = closed.get() ? "; closed" : error != null ? "; last error: " + error : "; not connected";
    return failureMode == FailureMode.FAIL_OPEN
        ? new Availability(Availability.State.UNAVAILABLE_FAIL_OPEN, "local limits (fail-open)" + why)
        : new Availability(Availability.State.UNAVAILABLE_FAIL_CLOSED,
            "calls needing a permit fail (fail-closed)" + why);
  }

  /** {@return the failure mode} */
  public FailureMode failureMode() {
    return failureMode;
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
    return keyPrefix + "rate:" + account + ":" + limit.permits() + "/" + limit.period().toMillis() + "ms";
  }

  /**
   * Closes the connection this object opened, and the client and its threads when it created them from a URI.
   * A connection or client given to the builder is left open for its owner. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Backend b = backend.getAndSet(null);
    if (b != null && b.owned) {
      b.connection.close();
    }
    if (connectExecutor != null) {
      connectExecutor.shutdownNow();
    }
    if (ownedClient != null) {
      ownedClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
    if (ownedResources != null) {
      ownedResources.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Returns the number of bucket proxies kept by the current connection (for tests). */
  int cachedBuckets() {
    Backend b = backend.get();
    return b == null ? 0 : b.buckets.size();
  }

  /** Returns a description without secrets (target, prefix, timeout, failure mode). */
  @Override
  public String toString() {
    return "RedisSharedLimits{" + target + ", keyPrefix=" + keyPrefix + ", commandTimeout=" + commandTimeout
        + ", failureMode=" + failureMode + "}";
  }

  // ---- internals ------------------------------------------------------------------------------------------

  private RateLimit fallbackLimit(RateLimit limit) {
    // Each of N instances gets 1/N of the account's rate: the same permits over N periods.
    return fallbackFleetSize == 1 ? limit : new RateLimit(limit.permits(), limit.period().multipliedBy(fallbackFleetSize));
  }

  private void keepLater(String operation, String key, Instant until) {
    long ttl = until.toEpochMilli() - clock.millis();
    if (ttl <= 0) {
      return;
    }
    Backend b = backend();
    if (b == null) {
      failed(operation, null);
      return;
    }
    try {
      b.keepLater(key, until.toEpochMilli(), ttl);
      recovered();
    } catch (RuntimeException e) {
      failed(operation, e);
    }
  }

  private @Nullable Instant readDeadline(String operation, String key) {
    Backend b = backend();
    if (b == null) {
      failed(operation, null);
      return null;
    }
    byte[] value;
    try {
      value = b.get(key);
      recovered();
    } catch (RuntimeException e) {
      failed(operation, e);
      return null;
    }
    if (value == null) {
      return null;
    }
    long millis;
    try {
      millis = Long.parseLong(new String(value, StandardCharsets.US_ASCII).strip());
    } catch (NumberFormatException e) {
      return null;
    }
    return millis > clock.millis() ? Instant.ofEpochMilli(millis) : null;
  }

  private @Nullable Backend backend() {
    Backend b = backend.get();
    if (b == null && connector != null && !closed.get()) {
      // Redis was never reached (down at start-up): try again, in the background, at most once per interval.
      long now = System.nanoTime();
      long last = lastConnectAttempt.get();
      if (now - last >= reconnectIntervalNanos) {
        connectInBackground();
      }
    }
    return b;
  }

  private CompletableFuture<Void> connectInBackground() {
    ExecutorService executor = connectExecutor;
    Supplier<StatefulRedisConnection<byte[], byte[]>> connect = connector;
    if (executor == null || connect == null || !connecting.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    lastConnectAttempt.set(System.nanoTime());
    try {
      return CompletableFuture.runAsync(() -> {
        try {
          StatefulRedisConnection<byte[], byte[]> connection = connect.get();
          connection.setTimeout(commandTimeout);
          if (closed.get()) {
            connection.close();
            return;
          }
          backend.set(new Backend(connection, true));
          LOG.info("shipping-resilience: connected to Redis at {}; limits are shared fleet-wide", target);
        } catch (RuntimeException e) {
          failed("connect", e);
          throw e;
        } finally {
          connecting.set(false);
        }
      }, executor);
    } catch (RuntimeException e) {
      connecting.set(false); // executor shut down by close()
      return CompletableFuture.completedFuture(null);
    }
  }

  private void failed(String operation, @Nullable Throwable e) {
    Counter counter = fallbacks.get(operation);
    if (counter != null) {
      counter.increment();
    }
    if (closed.get()) {
      return; // closed on purpose (shutting down): the fallback answers without warnings
    }
    if (e != null) {
      lastError.set(describe(e)); // "not connected" adds nothing to what availability() says already
    }
    failuresSinceWarning.incrementAndGet();
    long now = clock.millis();
    long last = lastWarning.get();
    if ((last == Long.MIN_VALUE || now - last >= warningIntervalMillis) && lastWarning.compareAndSet(last, now)) {
      long failures = failuresSinceWarning.getAndSet(0);
      degraded.set(true); // so the recovery is logged once per warning, not once per flap
      String what = failureMode == FailureMode.FAIL_OPEN
          ? "falling back to this instance's local limits (FAIL_OPEN)"
          : "refusing permits (FAIL_CLOSED)";
      LOG.warn("shipping-resilience: Redis at {} failed ({}: {}); {}. {} failed operation(s) since the last "
          + "warning; the next warning comes {} ms later at the earliest.", target, operation, describe(e), what,
          failures, warningIntervalMillis);
    }
  }

  private void recovered() {
    if (lastError.get() != null) {
      lastError.set(null);
    }
    if (degraded.get() && degraded.compareAndSet(true, false)) {
      LOG.info("shipping-resilience: Redis at {} answers again; limits are shared fleet-wide", target);
    }
  }

  private String describe(@Nullable Throwable e) {
    if (e == null) {
      return "not connected";
    }
    String text = e instanceof RedisUnavailableException ? String.valueOf(e.getMessage()) : rootCause(e);
    return secret == null ? Redaction.defaults().uriCredentials(text)
        : Redaction.defaults().uriCredentials(text, secret);
  }

  /** Returns the innermost cause as {@code Class: message}: Lettuce's and Bucket4j's wrappers add nothing. */
  static String rootCause(Throwable e) {
    Throwable root = e;
    for (int depth = 0; depth < 10 && root.getCause() != null && root.getCause() != root; depth++) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getName() : root.getClass().getName() + ": " + message;
  }

  private TimeMeter timeMeter() {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  /** One connection with its Bucket4j proxy manager and buckets. */
  private final class Backend {
    final StatefulRedisConnection<byte[], byte[]> connection;
    final boolean owned;
    final RedisAsyncCommands<byte[], byte[]> commands;
    final ProxyManager<byte[]> proxyManager;
    /** Bucket proxies by key, least recently used first, at most {@link #MAX_CACHED_BUCKETS}. */
    final Map<String, BucketProxy> buckets = Collections.synchronizedMap(
        new LinkedHashMap<String, BucketProxy>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, BucketProxy> eldest) {
            return size() > MAX_CACHED_BUCKETS;
          }
        });

    Backend(StatefulRedisConnection<byte[], byte[]> connection, boolean owned) {
      this.connection = connection;
      this.owned = owned;
      this.commands = connection.async();
      this.proxyManager = Bucket4jLettuce.casBasedBuilder(connection)
          .clientClock(timeMeter())
          // Bounds the whole compare-and-swap loop, each Redis round trip included.
          .requestTimeout(commandTimeout)
          .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(idleKeyExpiry))
          .build();
    }

    @Nullable Duration acquire(String account, RateLimit limit, Duration maxWait) {
      String key = bucketKey(account, limit);
      BucketProxy bucket = buckets.computeIfAbsent(key, k -> proxyManager.builder()
          .build(k.getBytes(StandardCharsets.UTF_8), () -> BucketConfiguration.builder()
              .addLimit(l -> l.capacity(limit.permits()).refillGreedy(limit.permits(), limit.period()))
              .build()));
      long maxWaitNanos = maxWait.isNegative() ? 0 : maxWait.toNanos();
      if (maxWaitNanos == 0) {
        return bucket.tryConsume(1) ? Duration.ZERO : null;
      }
      // Reserve without blocking: Bucket4j reserves the permit atomically and hands the time to wait to the
      // blocking strategy, which records it instead of parking; the engine does the waiting with its own sleeper.
      AtomicLong wait = new AtomicLong();
      boolean reserved;
      try {
        reserved = bucket.asBlocking().tryConsume(1, maxWaitNanos, wait::set);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RedisUnavailableException("interrupted while reserving a permit");
      }
      return reserved ? Duration.ofNanos(wait.get()) : null;
    }

    void keepLater(String key, long untilMillis, long ttlMillis) {
      byte[][] keys = {key.getBytes(StandardCharsets.UTF_8)};
      await(commands.<Long>eval(KEEP_LATER_DEADLINE, ScriptOutputType.INTEGER, keys,
          Long.toString(untilMillis).getBytes(StandardCharsets.US_ASCII),
          Long.toString(ttlMillis).getBytes(StandardCharsets.US_ASCII)));
    }

    byte @Nullable [] get(String key) {
      return await(commands.get(key.getBytes(StandardCharsets.UTF_8)));
    }

    private <T> T await(RedisFuture<T> future) {
      try {
        return future.get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        future.cancel(true);
        throw new RedisUnavailableException("no answer within " + commandTimeout.toMillis() + " ms");
      } catch (ExecutionException e) {
        throw new RedisUnavailableException(rootCause(e));
      } catch (InterruptedException e) {
        future.cancel(true);
        Thread.currentThread().interrupt();
        throw new RedisUnavailableException("interrupted while waiting for Redis");
      }
    }
  }

  /** A Redis operation that did not complete; its message says why, without a stack trace. */
  private static final class RedisUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisUnavailableException(String message) {
      super(message, null, false, false);
    }
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
