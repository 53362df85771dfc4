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

/** A 429 seen by one engine instance pauses the others through Redis, in real time, until the reset. */
class SharedPauseTest {
  private static RedisServer redis;
  private static WireMockServer provider;

  private final String account = "acct-" + UUID.randomUUID();
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
}
