package dev.shippingresilience.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.BreakerOpenException;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.ScriptedTransport;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RedisSharedLimitsTest {
  private static final RateLimit TEN_PER_SECOND = new RateLimit(10, Duration.ofSeconds(1));
  private static final Duration LONG_WAIT = Duration.ofMinutes(1);

  private static RedisServer redis;
  private static RedisClient inspectorClient;
  private static StatefulRedisConnection<String, String> inspector;

  private final FakeClock clock = new FakeClock(Instant.now());
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<RedisSharedLimits> opened = new ArrayList<>();
  private final String account = "acct-" + UUID.randomUUID();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    inspectorClient = RedisClient.create(redis.uri());
    inspector = inspectorClient.connect();
  }

  @AfterAll
  static void stop() {
    if (inspector != null) {
      inspector.close();
      inspectorClient.shutdown();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeLimits() {
    opened.forEach(RedisSharedLimits::close);
  }

  private RedisSharedLimits limits(Consumer<RedisSharedLimits.Builder> custom) {
    RedisSharedLimits.Builder b = RedisSharedLimits.builder().uri(redis.uri()).clock(clock).meterRegistry(meters);
    custom.accept(b);
    RedisSharedLimits limits = b.build();
    opened.add(limits);
    return limits;
  }

  private RedisSharedLimits limits() {
    return limits(b -> {});
  }

  private static RedisCommands<String, String> redisCli() {
    return inspector.sync();
  }

  private double fallbacks(String operation) {
    return meters.get(RedisSharedLimits.FALLBACK_METER).tag("operation", operation).counter().count();
  }

  @Nested
  class Buckets {
    @Test
    void instancesDrawFromOneBucket() {
      // given: two instances, each with its own connection
      RedisSharedLimits a = limits();
      RedisSharedLimits b = limits();
      // when: the bucket's 10 permits are taken from both
      for (int i = 0; i < 5; i++) {
        assertThat(a.acquire(account, TEN_PER_SECOND, LONG_WAIT)).isZero();
        assertThat(b.acquire(account, TEN_PER_SECOND, LONG_WAIT)).isZero();
      }
      // then: the next permits are reserved in the future, 100 ms apart, whoever asks
      assertThat(b.acquire(account, TEN_PER_SECOND, LONG_WAIT)).isEqualTo(Duration.ofMillis(100));
      assertThat(a.acquire(account, TEN_PER_SECOND, LONG_WAIT)).isEqualTo(Duration.ofMillis(200));
      assertThat(fallbacks("acquire")).isZero();
    }

    @Test
    void noPermitBeyondMaxWaitAndNothingIsConsumedThen() {
      RedisSharedLimits a = limits();
      for (int i = 0; i < 10; i++) {
        a.acquire(account, TEN_PER_SECOND, LONG_WAIT);
      }
      assertThat(a.acquire(account, TEN_PER_SECOND, Duration.ofMillis(50))).isNull();
      assertThat(a.acquire(account, TEN_PER_SECOND, Duration.ZERO)).isNull();
      // the refusals took nothing: the next permit is still the one 100 ms away
      assertThat(a.acquire(account, TEN_PER_SECOND, LONG_WAIT)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void bucketRefillsWithTheClock() {
      RedisSharedLimits a = limits();
      for (int i = 0; i < 10; i++) {
        a.acquire(account, TEN_PER_SECOND, LONG_WAIT);
      }
      clock.advance(Duration.ofSeconds(1));
      for (int i = 0; i < 10; i++) {
        assertThat(a.acquire(account, TEN_PER_SECOND, Duration.ZERO)).isZero();
      }
      assertThat(a.acquire(account, TEN_PER_SECOND, Duration.ZERO)).isNull();
    }

    @Test
    void accountsAndRatesHaveSeparateBuckets() {
      RedisSharedLimits a = limits();
      for (int i = 0; i < 10; i++) {
        a.acquire(account, TEN_PER_SECOND, LONG_WAIT);
      }
      assertThat(a.acquire(account + "-other", TEN_PER_SECOND, Duration.ZERO)).isZero();
      assertThat(a.acquire(account, new RateLimit(3, Duration.ofSeconds(1)), Duration.ZERO)).isZero();
    }

    @Test
    void bucketProxiesOfManyHostsAreBoundedAndADroppedOneKeepsItsRedisState() {
      // given an account whose bucket is empty
      RedisSharedLimits a = limits();
      for (int i = 0; i < 10; i++) {
        a.acquire(account, TEN_PER_SECOND, LONG_WAIT);
      }

      // when more hosts than the bound take a permit each
      for (int h = 0; h <= RedisSharedLimits.MAX_CACHED_BUCKETS; h++) {
        assertThat(a.acquire(account + "/host:h" + h, TEN_PER_SECOND, Duration.ZERO)).isZero();
      }

      // then the proxies are bounded, and the first account's bucket (its proxy dropped) is still empty in Redis
      assertThat(a.cachedBuckets()).isEqualTo(RedisSharedLimits.MAX_CACHED_BUCKETS);
      assertThat(a.acquire(account, TEN_PER_SECOND, Duration.ZERO)).isNull();
    }

    @Test
    void bucketKeyCarriesThePrefixAndExpiresOnceIdle() throws InterruptedException {
      // given: a real clock, 10 per 100 ms (refilled 10 ms after a permit), idle keys kept 200 ms
      RedisSharedLimits a = limits(b -> b.clock(java.time.Clock.systemUTC()).keyPrefix("test-" + account + ":")
          .idleKeyExpiry(Duration.ofMillis(200)));
      RateLimit fast = new RateLimit(10, Duration.ofMillis(100));
      // when
      a.acquire(account, fast, LONG_WAIT);
      // then
      String key = a.bucketKey(account, fast);
      assertThat(key).isEqualTo("test-" + account + ":rate:" + account + ":10/100ms");
      assertThat(redisCli().keys("test-" + account + ":*")).containsExactly(key);
      assertThat(redisCli().pttl(key)).isBetween(1L, 210L);
      assertThat(waitUntilGone(key, Duration.ofSeconds(2))).isTrue();
    }
  }

  @Nested
  class Pauses {
    @Test
    void pauseIsSeenByEveryInstanceAndTheLaterOneWins() {
      RedisSharedLimits a = limits();
      RedisSharedLimits b = limits();
      Instant now = clock.instant();
      a.pause(account, now.plusSeconds(2));
      b.pause(account, now.plusSeconds(1));
      assertThat(b.pausedUntil(account)).isEqualTo(Instant.ofEpochMilli(now.plusSeconds(2).toEpochMilli()));
      assertThat(limits().pausedUntil(account)).isEqualTo(Instant.ofEpochMilli(now.plusSeconds(2).toEpochMilli()));
      assertThat(redisCli().pttl("shipres:pause:" + account)).isBetween(1500L, 2000L);
    }

    @Test
    void pauseEndsWhenItsKeyExpires() throws InterruptedException {
      RedisSharedLimits a = limits(b -> b.clock(java.time.Clock.systemUTC()));
      RedisSharedLimits b = limits(x -> x.clock(java.time.Clock.systemUTC()));
      a.pause(account, Instant.now().plusMillis(300));
      assertThat(b.pausedUntil(account)).isNotNull();
      assertThat(waitUntilGone("shipres:pause:" + account, Duration.ofSeconds(2))).isTrue();
      assertThat(b.pausedUntil(account)).isNull();
      assertThat(a.pausedUntil(account)).isNull();
    }

    @Test
    void pauseInThePastIsIgnored() {
      RedisSharedLimits a = limits();
      a.pause(account, clock.instant().minusSeconds(1));
      assertThat(a.pausedUntil(account)).isNull();
      assertThat(redisCli().exists("shipres:pause:" + account)).isZero();
    }
  }

  @Nested
  class BreakerHints {
    @Test
    void hintIsSeenByOtherInstancesUntilItEnds() {
      RedisSharedLimits a = limits();
      RedisSharedLimits b = limits();
      Instant until = Instant.ofEpochMilli(clock.instant().plusSeconds(30).toEpochMilli());
      a.hintOpen("clickpost/carrier:" + account, until);
      assertThat(b.openHint("clickpost/carrier:" + account)).isEqualTo(until);
      assertThat(b.openHint("clickpost/carrier:other")).isNull();
      clock.advance(Duration.ofSeconds(31));
      assertThat(b.openHint("clickpost/carrier:" + account)).isNull();
    }

    @Test
    void breakerOpenedByOneInstanceFailsTheOthersFastWithoutTraffic() throws Exception {
      // given: two engine instances on clickpost, sharing breaker hints through Redis
      FakeSleeper sleeper = new FakeSleeper(clock);
      RedisSharedLimits a = limits(x -> x.keyPrefix("hints-" + account + ":"));
      RedisSharedLimits b = limits(x -> x.keyPrefix("hints-" + account + ":"));
      ShippingPolicy first = clickpost(a, sleeper);
      ShippingPolicy second = clickpost(b, sleeper);
      String url = "https://www.clickpost.in/api/v3/create-order/?username=u&key=K";
      RequestSnapshot carrier5 = RequestSnapshot.of("POST", URI.create(url), HeaderValues.empty(),
          "{\"courier_partner\":5}".getBytes(StandardCharsets.UTF_8));
      // when: the carrier is down for the first instance until its breaker opens
      first.execute(carrier5, CallOptions.none(),
          new ScriptedTransport().then(200, "{\"meta\":{\"status\":322,\"message\":\"down\"}}"));
      // then: the second fails fast on that carrier without sending anything
      ScriptedTransport healthy = new ScriptedTransport().then(200,
          "{\"meta\":{\"status\":200,\"message\":\"ok\"},\"result\":{\"waybill\":\"W1\"}}");
      assertThatThrownBy(() -> second.execute(carrier5, CallOptions.none(), healthy))
          .isInstanceOf(BreakerOpenException.class);
      assertThat(healthy.sends()).isZero();
      assertThat(redisCli().keys("hints-" + account + ":hint:*")).isNotEmpty();
    }

    private ShippingPolicy clickpost(RedisSharedLimits limits, FakeSleeper sleeper) {
      return ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost"))
          .clock(clock).sleeper(sleeper).meterRegistry(meters)
          .sharedLimits(limits).shareBreakerHints(true)
          .breaker(50, 4, 4, Duration.ofSeconds(60), 1)
          .build();
    }
  }

  @Nested
  class Configuration {
    @Test
    void settingsAreValidatedWhereTheyAreSet() {
      RedisSharedLimits.Builder b = RedisSharedLimits.builder();
      assertThatThrownBy(() -> b.commandTimeout(Duration.ZERO))
          .hasMessage("Invalid commandTimeout (PT0S): must be positive");
      assertThatThrownBy(() -> b.idleKeyExpiry(Duration.ofSeconds(-1)))
          .hasMessage("Invalid idleKeyExpiry (PT-1S): must be positive");
      assertThatThrownBy(() -> b.keyPrefix(" ")).hasMessageStartingWith("Invalid keyPrefix ( )");
      assertThatThrownBy(() -> b.fallbackFleetSize(0)).hasMessage("Invalid fallbackFleetSize (0): must be >= 1");
      assertThatThrownBy(() -> b.uri("http://:hunter2@example.com")).hasMessageNotContaining("hunter2");
    }

    @Test
    void exactlyOneRedisTargetIsRequired() {
      assertThatThrownBy(() -> RedisSharedLimits.builder().build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one of uri, client or connection");
      RedisClient client = RedisClient.create(redis.uri());
      try {
        assertThatThrownBy(() -> RedisSharedLimits.builder().uri(redis.uri()).client(client).build())
            .hasMessageContaining("(2 set)");
      } finally {
        client.shutdown();
      }
    }

    @Test
    void anExistingClientIsUsedAndLeftOpen() {
      RedisClient client = RedisClient.create(redis.uri());
      try {
        RedisSharedLimits a = RedisSharedLimits.builder().client(client).clock(clock).meterRegistry(meters).build();
        RedisSharedLimits b = limits();
        assertThat(a.connected()).isTrue();
        for (int i = 0; i < 10; i++) {
          a.acquire(account, TEN_PER_SECOND, LONG_WAIT);
        }
        assertThat(b.acquire(account, TEN_PER_SECOND, LONG_WAIT)).isEqualTo(Duration.ofMillis(100));
        a.close();
        // the application's client still works
        try (StatefulRedisConnection<String, String> c = client.connect()) {
          assertThat(c.sync().ping()).isEqualTo("PONG");
        }
      } finally {
        client.shutdown();
      }
    }

    @Test
    void anExistingConnectionIsUsedAndLeftOpen() {
      RedisClient client = RedisClient.create(redis.uri());
      try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
        RedisSharedLimits a = RedisSharedLimits.builder().connection(connection).clock(clock).meterRegistry(meters)
            .build();
        a.pause(account, clock.instant().plusSeconds(5));
        assertThat(limits().pausedUntil(account)).isNotNull();
        a.close();
        assertThat(connection.isOpen()).isTrue();
      } finally {
        client.shutdown();
      }
    }

    @Test
    void passwordsAreMaskedInUrisAndMessages() {
      RedisSharedLimits secured = RedisSharedLimits.builder().uri("redis://:s3cret@127.0.0.1:1/0").build();
      try {
        assertThat(secured.toString()).contains("redis://:***@127.0.0.1:1/0").doesNotContain("s3cret");
      } finally {
        secured.close();
      }
      RedisSharedLimits limits = limits();
      assertThat(limits.toString()).contains("redis://127.0.0.1:").contains("FAIL_OPEN");
    }
  }

  /** Polls {@code uri}'s Redis until {@code key} is gone; returns {@code false} after {@code atMost}. */
  static boolean waitUntilGoneAt(String uri, String key, Duration atMost) throws InterruptedException {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      long deadline = System.nanoTime() + atMost.toNanos();
      while (System.nanoTime() < deadline) {
        if (c.sync().exists(key) == 0) {
          return true;
        }
        Thread.sleep(20);
      }
      return false;
    } finally {
      client.shutdown();
    }
  }

  static boolean waitUntilGone(String key, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      if (redisCli().exists(key) == 0) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
