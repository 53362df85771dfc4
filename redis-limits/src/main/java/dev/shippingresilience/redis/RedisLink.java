package dev.shippingresilience.redis;

import dev.shippingresilience.Redaction;
import dev.shippingresilience.spi.Availability;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
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
 * The connection to Redis, and what happens when it fails: connecting (in the background when Redis was down at
 * start-up), bounding every command by the command timeout, counting and warning about failed operations (password
 * masked), and telling a health check whether limits are shared now ({@link #availability}). Thread-safe.
 */
final class RedisLink {
  static final String ACQUIRE = "acquire";
  static final String PAUSE = "pause";
  static final String PAUSED_UNTIL = "paused_until";
  static final String HINT = "hint";
  static final String WINDOW = "window";

  private static final Logger LOG = LoggerFactory.getLogger(RedisSharedLimits.class);

  private final Duration commandTimeout;
  private final FailureMode failureMode;
  private final Clock clock;
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
  private final AtomicReference<@Nullable Connection> current = new AtomicReference<>();
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final AtomicLong lastConnectAttempt = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong failuresSinceWarning = new AtomicLong();
  private final AtomicBoolean degraded = new AtomicBoolean();
  /** Why the last failed operation failed (masked), until one succeeds again; for {@link #availability()}. */
  private final AtomicReference<@Nullable String> lastError = new AtomicReference<>();

  /** One open connection and its asynchronous commands. */
  record Connection(StatefulRedisConnection<byte[], byte[]> connection, boolean owned,
      RedisAsyncCommands<byte[], byte[]> commands) {}

  RedisLink(@Nullable String uri, @Nullable RedisClient givenClient,
      @Nullable StatefulRedisConnection<byte[], byte[]> givenConnection, Duration commandTimeout,
      Duration connectTimeout, Duration reconnectInterval, Duration warningInterval, FailureMode failureMode,
      Clock clock, MeterRegistry meterRegistry) {
    this.commandTimeout = commandTimeout;
    this.failureMode = failureMode;
    this.clock = clock;
    this.warningIntervalMillis = warningInterval.toMillis();
    this.reconnectIntervalNanos = reconnectInterval.toNanos();
    Map<String, Counter> counters = new ConcurrentHashMap<>();
    for (String op : new String[] {ACQUIRE, PAUSE, PAUSED_UNTIL, HINT, WINDOW}) {
      counters.put(op, Counter.builder(RedisSharedLimits.FALLBACK_METER)
          .description("Shared-limit operations Redis did not serve in time; the failure mode served them instead")
          .tag("operation", op)
          .register(meterRegistry));
    }
    this.fallbacks = Map.copyOf(counters);

    if (givenConnection != null) {
      this.target = "the given Lettuce connection";
      this.secret = null;
      this.connector = null;
      this.ownedClient = null;
      this.ownedResources = null;
      this.connectExecutor = null;
      current.set(new Connection(givenConnection, false, givenConnection.async()));
      return;
    }
    RedisClient client;
    if (givenClient != null) {
      client = givenClient;
      this.target = "the given Lettuce client";
      this.secret = null;
      this.ownedClient = null;
      this.ownedResources = null;
    } else {
      RedisURI redisUri = RedisURI.create(Objects.requireNonNull(uri));
      // The URI's timeout bounds the connection handshake (and Lettuce's sync API, unused here): give it the connect
      // timeout; each command is bounded by the command timeout below.
      redisUri.setTimeout(connectTimeout);
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
          .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
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
      first.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // reported by the attempt itself; calls fall back until a later attempt succeeds
    }
  }

  /** {@return the failure mode} */
  FailureMode failureMode() {
    return failureMode;
  }

  /** {@return the command timeout} */
  Duration commandTimeout() {
    return commandTimeout;
  }

  /** {@return the clock of this instance} */
  Clock clock() {
    return clock;
  }

  /** {@return whether this object was closed} */
  boolean closed() {
    return closed.get();
  }

  /**
   * {@return the current connection, or {@code null} when there is none} When Redis was never reached, also starts
   * a connection attempt in the background, at most once per reconnect interval.
   */
  @Nullable Connection connection() {
    Connection c = current.get();
    if (c == null && connector != null && !closed.get()) {
      long now = System.nanoTime();
      long last = lastConnectAttempt.get();
      if (now - last >= reconnectIntervalNanos) {
        connectInBackground();
      }
    }
    return c;
  }

  /** {@return the current connection without trying to connect, or {@code null}} */
  @Nullable Connection peek() {
    return current.get();
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
          current.set(new Connection(connection, true, connection.async()));
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

  /** Waits for {@code future} at most the command timeout; a failure becomes {@link RedisUnavailableException}. */
  <T> T await(RedisFuture<T> future) {
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

  /**
   * Records that {@code operation} failed (Redis down, slow or not connected when {@code e} is {@code null}): counts
   * it and warns at most once per warning interval.
   */
  void failed(String operation, @Nullable Throwable e) {
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

  /** Records that an operation succeeded: clears the last error and logs a recovery once. */
  void recovered() {
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

  /** {@return whether a Redis connection is established} */
  boolean connected() {
    Connection c = current.get();
    return c != null && c.connection().isOpen();
  }

  /** {@return whether limits are shared now and, when not, what calls get meanwhile} Sends nothing to Redis. */
  Availability availability() {
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

  /** {@return a description of the target without secrets} */
  String target() {
    return target;
  }

  /** Closes the connection this object opened, and the client and its threads when it created them. Idempotent. */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Connection c = current.getAndSet(null);
    if (c != null && c.owned()) {
      c.connection().close();
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

  /** A Redis operation that did not complete; its message says why, without a stack trace. */
  static final class RedisUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisUnavailableException(String message) {
      super(message, null, false, false);
    }
  }
}
