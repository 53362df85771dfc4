package dev.shippingresilience.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.event.WaitEvent;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 429 seen by one engine instance pauses the others through Redis, in real time, until the reset; and the window a
 * provider announces is one for the whole fleet.
 */
class SharedPauseTest {
  private static RedisServer redis;
  private static WireMockServer provider;
  private static final Instant START = Instant.parse("2026-12-02T06:00:00Z");

  private final String account = "acct-" + UUID.randomUUID();
  private final FakeClock clock = new FakeClock(START);
  private RedisSharedLimits limitsA;
  private RedisSharedLimits limitsB;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    provider.start();
    provider.stubFor(get(urlPathEqualTo("/v1/b")).willReturn(aResponse().withStatus(200).withBody("{}")));
  }

  @AfterAll
  static void stop() {
    if (provider != null) {
      provider.stop();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void close() {
    limitsA.close();
    limitsB.close();
  }

  /** Records the engine's waits. */
  static final class Waits implements ShippingListener {
    final List<WaitEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onWait(WaitEvent event) {
      events.add(event);
    }

    List<WaitEvent> pauses() {
      return events.stream().filter(e -> e.cause().equals("pause")).toList();
    }
  }

  private static RequestSnapshot getRequest(String path) {
    return RequestSnapshot.of("GET", URI.create(provider.baseUrl() + path), HeaderValues.empty(), null);
  }

  @Test
  void a429SeenByOneInstancePausesTheOthersUntilTheResetAndTheTtlResumesThem() throws Exception {
    // given: two instances (separate Redis connections) on one account; A's next answer is a 429 resetting in 700 ms
    limitsA = RedisSharedLimits.builder().uri(redis.uri())
        .commandTimeout(FleetRateTest.SHARING_TEST_COMMAND_TIMEOUT).build();
    limitsB = RedisSharedLimits.builder().uri(redis.uri())
        .commandTimeout(FleetRateTest.SHARING_TEST_COMMAND_TIMEOUT).build();
    Waits waitsA = new Waits();
    Waits waitsB = new Waits();
    ShippingPolicy a = Fleet.instance(account, 100, Duration.ofSeconds(1), limitsA, waitsA);
    ShippingPolicy b = Fleet.instance(account, 100, Duration.ofSeconds(1), limitsB, waitsB);
    a.execute(getRequest("/v1/b"), CallOptions.none(), new JdkTransport()); // warm both paths up
    b.execute(getRequest("/v1/b"), CallOptions.none(), new JdkTransport());
    provider.resetRequests();
    Instant reset = Instant.now().plusMillis(700);
    provider.stubFor(get(urlPathEqualTo("/v1/a")).willReturn(aResponse().withStatus(429)
        .withHeader("X-RateLimit-Reset", Long.toString(reset.toEpochMilli()))));

    // when: A sees the 429 (no retries), then B calls
    CallResult<String> limited = a.execute(getRequest("/v1/a"), CallOptions.none(), new JdkTransport());
    Instant bStart = Instant.now();
    assertThat(bStart).as("A's call left time before the reset").isBefore(reset.minusMillis(200));
    CallResult<String> paused = b.execute(getRequest("/v1/b"), CallOptions.none(), new JdkTransport());
    Instant bEnd = Instant.now();

    // then: B waited for the pause A saw, and its request reached the provider only after the reset
    assertThat(limited.classification().httpStatus()).isEqualTo(429);
    assertThat(paused.succeeded()).isTrue();
    assertThat(waitsB.pauses()).hasSize(1);
    // (the engine ends the pause at "classified at + hint", a few ms after the reset itself)
    Duration expected = Duration.between(bStart, reset);
    assertThat(waitsB.pauses().get(0).duration())
        .isBetween(expected.minusMillis(50), expected.plusMillis(30));
    assertThat(Duration.between(bStart, bEnd)).isGreaterThanOrEqualTo(expected.minusMillis(5));
    List<LoggedRequest> arrived = provider.findAll(getRequestedFor(urlPathEqualTo("/v1/b")));
    assertThat(arrived).hasSize(1);
    assertThat(arrived.get(0).getLoggedDate().toInstant()).isAfterOrEqualTo(reset.minusMillis(5));

    // and then: the pause key has expired with its TTL, and both instances call without pausing
    assertThat(RedisSharedLimitsTest.waitUntilGoneAt(redis.uri(), "shipres:pause:" + account, Duration.ofSeconds(1)))
        .isTrue();
    assertThat(limitsA.pausedUntil(account)).isNull();
    assertThat(limitsB.pausedUntil(account)).isNull();
    b.execute(getRequest("/v1/b"), CallOptions.none(), new JdkTransport());
    a.execute(getRequest("/v1/b"), CallOptions.none(), new JdkTransport());
    assertThat(waitsB.pauses()).hasSize(1);
    assertThat(waitsA.pauses()).isEmpty();
  }

  private ShippingPolicy instance(RedisSharedLimits limits, FakeSleeper sleeper) {
    return ShippingPolicy.builder(Fleet.PROFILE).account(account).maxAttempts(1).clock(clock).sleeper(sleeper)
        .sharedLimits(limits).meterRegistry(new SimpleMeterRegistry()).build();
  }

  /**
   * The rate-limit window a provider announces is learned once for the whole fleet: two instances on one account
   * pace by the one window in Redis, on a shared fake clock (no real sleeps).
   */
  @Test
  void twoInstancesShareOneLearnedWindow() throws Exception {
    // given two instances on one account; the provider announces 1 request left of 5 until 2 s from now
    limitsA = RedisSharedLimits.builder().uri(redis.uri()).clock(clock)
        .commandTimeout(FleetRateTest.SHARING_TEST_COMMAND_TIMEOUT).build();
    limitsB = RedisSharedLimits.builder().uri(redis.uri()).clock(clock)
        .commandTimeout(FleetRateTest.SHARING_TEST_COMMAND_TIMEOUT).build();
    FakeSleeper sleeperA = new FakeSleeper(clock);
    FakeSleeper sleeperB = new FakeSleeper(clock);
    ShippingPolicy a = instance(limitsA, sleeperA);
    ShippingPolicy b = instance(limitsB, sleeperB);
    Instant reset = START.plusSeconds(2);
    provider.stubFor(get(urlPathEqualTo("/v1/window")).willReturn(aResponse().withStatus(200).withBody("{}")
        .withHeader("X-RateLimit-Limit", "5").withHeader("X-RateLimit-Remaining", "1")
        .withHeader("X-RateLimit-Reset", Long.toString(reset.toEpochMilli()))));
    provider.resetRequests();

    // when A learns the window and spends its last request, then B, which has seen no answer yet, calls
    assertThat(a.execute(getRequest("/v1/window"), CallOptions.none(), new JdkTransport()).succeeded()).isTrue();
    assertThat(a.execute(getRequest("/v1/window"), CallOptions.none(), new JdkTransport()).succeeded()).isTrue();
    assertThat(sleeperA.waits()).isEmpty();
    assertThat(b.execute(getRequest("/v1/window"), CallOptions.none(), new JdkTransport()).succeeded()).isTrue();

    // then B waited for the reset of the window A learned
    assertThat(sleeperB.waits()).containsExactly(Duration.ofSeconds(2));
    assertThat(clock.instant()).isEqualTo(reset);
    provider.verify(3, getRequestedFor(urlPathEqualTo("/v1/window")));
  }

  @Test
  void anAccountWithoutAnnouncedWindowsIsNotPaced() throws Exception {
    limitsA = RedisSharedLimits.builder().uri(redis.uri()).clock(clock)
        .commandTimeout(FleetRateTest.SHARING_TEST_COMMAND_TIMEOUT).build();
    limitsB = RedisSharedLimits.builder().uri(redis.uri()).clock(clock)
        .commandTimeout(FleetRateTest.SHARING_TEST_COMMAND_TIMEOUT).build();
    provider.stubFor(get(urlPathEqualTo("/v1/plain")).willReturn(aResponse().withStatus(200).withBody("{}")));
    FakeSleeper sleeper = new FakeSleeper(clock);
    ShippingPolicy a = instance(limitsA, sleeper);

    for (int i = 0; i < 5; i++) {
      assertThat(a.execute(getRequest("/v1/plain"), CallOptions.none(), new JdkTransport()).succeeded()).isTrue();
    }

    assertThat(sleeper.waits()).isEmpty();
    assertThat(limitsA.acquireLearned(account, Duration.ofSeconds(1), false)).isEqualTo(Duration.ZERO);
  }
}
