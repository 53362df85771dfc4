package dev.shippingresilience.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.DeadlineExceededException;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.spi.Availability;
import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.testing.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Redis down, frozen or late: calls go on (fail-open) or stop before sending (fail-closed), never hang, the
 * fallback counter says so, and sharing resumes by itself when Redis is back.
 */
class RedisOutageTest {
  private static final RateLimit TEN_PER_SECOND = new RateLimit(10, Duration.ofSeconds(1));
  /**
   * Tells a hung call from a bounded one, not a speed: a hung call would take Lettuce's default 60 s; a bounded one
   * takes well under a second, but a cold JVM on a loaded 2-core CI machine was seen at 2.2 s, so the bound is wide.
   * How much Redis work a call costs is asserted exactly, by the fallback counters.
   */
  private static final Duration CALL_BOUND = Duration.ofSeconds(10);

  private static WireMockServer provider;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final String account = "acct-" + UUID.randomUUID();
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeAll
  static void startProvider() {
    provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(20));
    provider.start();
    provider.stubFor(get(urlPathMatching("/v1/.*")).willReturn(aResponse().withStatus(200).withBody("{}")));
  }

  @AfterAll
  static void stopProvider() {
    if (provider != null) {
      provider.stop();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  private RedisServer redis() throws Exception {
    RedisServer server = RedisServer.start();
    closeAfter.add(server);
    return server;
  }

  private RedisSharedLimits limits(String uri, Consumer<RedisSharedLimits.Builder> custom) {
    RedisSharedLimits.Builder b = RedisSharedLimits.builder().uri(uri).meterRegistry(meters)
        .commandTimeout(Duration.ofMillis(100)).warningInterval(Duration.ofSeconds(1));
    custom.accept(b);
    RedisSharedLimits limits = b.build();
    closeAfter.add(0, limits);
    return limits;
  }

  private double fallbacks(String operation) {
    return meters.get(RedisSharedLimits.FALLBACK_METER).tag("operation", operation).counter().count();
  }

  private static URI target(String phase) {
    return URI.create(provider.baseUrl() + "/v1/" + phase);
  }

  private static int reached(String phase) {
    return provider.countRequestsMatching(getRequestedFor(urlPathEqualTo("/v1/" + phase)).build()).getCount();
  }

  /** Sends one call and asserts it ends within {@link #CALL_BOUND}. */
  private static CallResult<String> boundedCall(ShippingPolicy instance, String phase) throws Exception {
    long start = System.nanoTime();
    CallResult<String> result = instance.execute(RequestSnapshot.of("GET", target(phase), HeaderValues.empty(),
        null), CallOptions.none(), new JdkTransport());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_BOUND);
    return result;
  }

  /** Returns whether one of a few calls got its permit from Redis, i.e. without a fallback to local limits. */
  private boolean callWithoutFallback(ShippingPolicy instance) throws Exception {
    for (int i = 0; i < 10; i++) {
      double before = fallbacks("acquire");
      assertThat(boundedCall(instance, "before").succeeded()).isTrue();
      if (fallbacks("acquire") == before) {
        return true;
      }
    }
    return false;
  }

  private static void await(String what, Duration atMost, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void redisKilledMidRunCallsGoOnLocallyAndSharingResumesWhenItIsBack() throws Exception {
    // given: two instances sharing Redis
    RedisServer redis = redis();
    RedisSharedLimits limitsA = limits(redis.uri(), b -> {});
    RedisSharedLimits limitsB = limits(redis.uri(), b -> {});
    ShippingPolicy a = Fleet.instance(account, 10, Duration.ofSeconds(1), limitsA, ShippingListener.NONE);
    ShippingPolicy b = Fleet.instance(account, 10, Duration.ofSeconds(1), limitsB, ShippingListener.NONE);
    assertThat(boundedCall(a, "before").succeeded()).isTrue();
    // a healthy Redis serves the permit: on a loaded machine the first commands (connecting, loading the script) may
    // outlast the 100 ms command timeout and fall back once; a later call must not
    assertThat(callWithoutFallback(a)).as("a call served by Redis, no fallback").isTrue();

    double acquireFallbacks = fallbacks("acquire");
    double pauseFallbacks = fallbacks("paused_until");

    // when: Redis dies
    redis.kill();

    // then: every call still goes out, promptly, on local limits, and the counter says so
    for (int i = 0; i < 5; i++) {
      assertThat(boundedCall(a, "during").succeeded()).isTrue();
      assertThat(boundedCall(b, "during").succeeded()).isTrue();
    }
    assertThat(reached("during")).isEqualTo(10);
    // every call fell back (a slow machine may add one: a command of the last call before the kill timing out)
    assertThat(fallbacks("acquire") - acquireFallbacks).isBetween(10.0, 11.0);
    assertThat(fallbacks("paused_until") - pauseFallbacks).isBetween(10.0, 11.0);

    // when: Redis comes back on the same port (empty: no persistence)
    redis.restart();
    await("both instances reconnected", Duration.ofSeconds(5), () -> limitsA.connected() && limitsB.connected());
    double before = fallbacks("acquire");

    // then: requests are limited fleet-wide again: 2 instances x 2 callers for 1 s stay within 10 + 10 per second
    int answered = Fleet.hammer(List.of(a, b), 2, target("after"), Instant.now().plusSeconds(1));
    assertThat(reached("after")).isEqualTo(answered).isBetween(10, 10 + 10 + FleetRateTest.TIMING_TOLERANCE);
    assertThat(fallbacks("acquire")).isEqualTo(before);
  }

  @Test
  void frozenRedisCostsACallNoMoreThanTheCommandTimeouts() throws Exception {
    // given
    RedisServer redis = redis();
    RedisSharedLimits limits = limits(redis.uri(), b -> {});
    ShippingPolicy instance = Fleet.instance(account, 10, Duration.ofSeconds(1), limits, ShippingListener.NONE);
    assertThat(boundedCall(instance, "warm").succeeded()).isTrue();

    // when: Redis stops answering (SIGSTOP: the connection stays open, nothing comes back)
    redis.freeze();
    long start = System.nanoTime();
    CallResult<String> result;
    try {
      result = boundedCall(instance, "frozen");
    } finally {
      redis.thaw();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    // then: the call went out on local limits after two timed-out operations (pause check and permit)
    assertThat(result.succeeded()).isTrue();
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(190)).isLessThan(Duration.ofSeconds(1));
    assertThat(fallbacks("paused_until")).isEqualTo(1);
    assertThat(fallbacks("acquire")).isEqualTo(1);

    // and once Redis answers again, the next calls use it
    await("Redis answers again", Duration.ofSeconds(3), () -> {
      double failures = fallbacks("acquire");
      limits.acquire("probe-" + account, TEN_PER_SECOND, Duration.ZERO);
      return fallbacks("acquire") == failures;
    });
    assertThat(boundedCall(instance, "thawed").succeeded()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      FAIL_OPEN   | UNAVAILABLE_FAIL_OPEN   | local limits (fail-open)
      FAIL_CLOSED | UNAVAILABLE_FAIL_CLOSED | calls needing a permit fail (fail-closed)
      """)
  void availabilityFollowsRedisDownAndBackAndSaysWhatCallsGetMeanwhile(FailureMode mode,
      Availability.State unavailable, String meanwhile) throws Exception {
    // given: limits connected to Redis
    RedisServer redis = redis();
    RedisSharedLimits limits = limits(redis.uri(), b -> b.failureMode(mode));
    assertThat(limits.availability())
        .isEqualTo(new Availability(Availability.State.AVAILABLE, "shared fleet-wide"))
        .hasToString("AVAILABLE");

    // when: Redis dies, and nothing calls
    redis.kill();

    // then: the connection state alone turns it unavailable, saying what calls get meanwhile
    await("unavailable", Duration.ofSeconds(5), () -> !limits.availability().available());
    assertThat(limits.availability())
        .isEqualTo(new Availability(unavailable, meanwhile + "; not connected"))
        .hasToString("UNAVAILABLE: " + meanwhile + "; not connected");

    // and once an operation failed, its error says why
    limits.acquire(account, TEN_PER_SECOND, Duration.ZERO);
    Availability afterCall = limits.availability();
    assertThat(afterCall.state()).isEqualTo(unavailable);
    assertThat(afterCall.description()).startsWith(meanwhile + "; last error: ").contains("not connected");

    // when: Redis comes back, still with nothing calling
    redis.restart();

    // then: available again as soon as Lettuce has reconnected
    await("available again", Duration.ofSeconds(5), () -> limits.availability().available());
    assertThat(limits.availability().state()).isEqualTo(Availability.State.AVAILABLE);
  }

  @Test
  void availabilityOfARedisNeverReachedNamesTheErrorWithoutThePassword() throws Exception {
    // given: a password in the URI, nothing listening on the port
    String secretUri = "redis://:s3cr3t-pw@127.0.0.1:" + RedisServer.freePort();

    // when: the first connection attempt fails
    RedisSharedLimits limits = limits(secretUri, b -> b.connectTimeout(Duration.ofMillis(200)));
    await("the connection attempt failed", Duration.ofSeconds(5),
        () -> limits.availability().description().contains("last error"));

    // then
    Availability availability = limits.availability();
    assertThat(availability.state()).isEqualTo(Availability.State.UNAVAILABLE_FAIL_OPEN);
    assertThat(availability.description()).startsWith("local limits (fail-open); last error: ")
        .contains("Connection refused");
    assertThat(availability.toString()).doesNotContain("s3cr3t-pw");
    assertThat(limits.toString()).contains("redis://:***@127.0.0.1:");

    // and once closed, it says so
    limits.close();
    assertThat(limits.availability().description()).isEqualTo("local limits (fail-open); closed");
  }

  @Test
  void failClosedStopsTheCallBeforeSendingWhenRedisIsDown() throws Exception {
    // given: nothing listens on the port
    String nowhere = "redis://127.0.0.1:" + RedisServer.freePort();
    RedisSharedLimits limits = limits(nowhere, b -> b.failureMode(FailureMode.FAIL_CLOSED)
        .connectTimeout(Duration.ofMillis(200)));
    ShippingPolicy instance = Fleet.instance(account, 10, Duration.ofSeconds(1), limits, ShippingListener.NONE);

    // when / then: the call ends at once with the engine's "no permit" exception, and nothing is sent
    long start = System.nanoTime();
    assertThatThrownBy(() -> instance.execute(RequestSnapshot.of("GET", target("closed"), HeaderValues.empty(),
        null), CallOptions.none(), new JdkTransport()))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("rate limiter");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_BOUND);
    assertThat(reached("closed")).isZero();
    assertThat(fallbacks("acquire")).isEqualTo(1);
  }

  @Test
  void redisDownAtStartUpIsUsedOnceItComesUp() throws Exception {
    // given: two instances built while Redis is not there yet
    int port = RedisServer.freePort();
    String uri = "redis://127.0.0.1:" + port;
    Consumer<RedisSharedLimits.Builder> quick = b -> b.connectTimeout(Duration.ofMillis(200))
        .reconnectInterval(Duration.ofMillis(100));
    RedisSharedLimits a = limits(uri, quick);
    RedisSharedLimits b = limits(uri, quick);
    assertThat(a.connected()).isFalse();
    assertThat(a.acquire(account, TEN_PER_SECOND, Duration.ZERO)).isZero(); // served locally
    assertThat(fallbacks("acquire")).isEqualTo(1);

    // when: Redis starts
    RedisServer redis = RedisServer.startOn(port);
    closeAfter.add(redis);
    await("both instances connected", Duration.ofSeconds(5), () -> {
      a.pausedUntil(account); // calls trigger the reconnection attempts
      b.pausedUntil(account);
      return a.connected() && b.connected();
    });

    // then: they share one bucket
    for (int i = 0; i < 10; i++) {
      assertThat(a.acquire(account, TEN_PER_SECOND, Duration.ofMinutes(1))).isNotNull();
    }
    assertThat(b.acquire(account, TEN_PER_SECOND, Duration.ofMinutes(1))).isPositive();
  }

  @Test
  void localFallbackCanGiveEachInstanceItsShareOfTheRate() throws Exception {
    // given: Redis down, a fleet of 4 declared: each instance allows 10 per 4 s locally
    FakeClock clock = new FakeClock(Instant.now());
    String nowhere = "redis://127.0.0.1:" + RedisServer.freePort();
    RedisSharedLimits limits = limits(nowhere, b -> b.clock(clock).fallbackFleetSize(4)
        .connectTimeout(Duration.ofMillis(200)));
    // when
    for (int i = 0; i < 10; i++) {
      assertThat(limits.acquire(account, TEN_PER_SECOND, Duration.ZERO)).isZero();
    }
    // then: the 11th permit is a whole fleet-period away, not 1 s
    assertThat(limits.acquire(account, TEN_PER_SECOND, Duration.ofMinutes(1)))
        .isGreaterThan(Duration.ofSeconds(3)).isLessThanOrEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void warningIsRateLimitedAndNeverShowsThePassword() throws Exception {
    // given: Redis unreachable, a password in the URI, one warning a minute at most
    FakeClock clock = new FakeClock(Instant.now());
    String secretUri = "redis://:s3cr3t-pw@127.0.0.1:" + RedisServer.freePort();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      RedisSharedLimits limits = limits(secretUri, b -> b.clock(clock).warningInterval(Duration.ofMinutes(1))
          .connectTimeout(Duration.ofMillis(200)));
      // when: many operations fail within the minute, then one more after it
      for (int i = 0; i < 20; i++) {
        limits.acquire(account, TEN_PER_SECOND, Duration.ZERO);
        limits.pausedUntil(account);
      }
      clock.advance(Duration.ofSeconds(61));
      limits.acquire(account, TEN_PER_SECOND, Duration.ZERO);
    } finally {
      System.setErr(originalErr);
    }
    // then: two warnings, the second counting what the first one's interval swallowed; no password anywhere
    String log = captured.toString(StandardCharsets.UTF_8);
    List<String> warnings = Arrays.stream(log.split("\n")).filter(l -> l.contains("WARN") && l.contains("shipping-resilience: Redis at")).toList();
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).contains("WARN").contains("redis://:***@127.0.0.1:").contains("FAIL_OPEN");
    assertThat(warnings.get(1)).contains("41 failed operation(s)");
    assertThat(log).doesNotContain("s3cr3t-pw");
    assertThat(fallbacks("acquire")).isEqualTo(21);
  }
}
