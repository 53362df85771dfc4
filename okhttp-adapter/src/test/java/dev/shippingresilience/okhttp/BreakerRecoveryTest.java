package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.BreakerOpenException;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How an open breaker finds its way back, through OkHttp against WireMock with an injected clock (no real sleeps):
 * open, refuse without sending, wait, let the half-open trial calls through, close when they succeed, and wait
 * longer each time the trials fail again before the breaker closed.
 */
class BreakerRecoveryTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String PATH = "/api/v3/create-order/";
  private static final Duration OPEN_WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper sleeper = new FakeSleeper(clock);
  private ShippingPolicy policy;
  private OkHttpClient client;

  @BeforeEach
  void start() {
    // given: every answer is final (one attempt), two BREAKs of two calls open the Clickpost breaker for 10 s,
    // each repeated trip waits twice as long, at most 40 s
    client(b -> b.breaker(50, 2, 2, OPEN_WAIT, 1).breakerOpenWaitGrowth(2, Duration.ofSeconds(40)));
  }

  private void client(Consumer<ShippingPolicy.Builder> breaker) {
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(sleeper).meterRegistry(new SimpleMeterRegistry())
            .random(new FixedRandom()).maxAttempts(1))
        .configureAll(breaker)
        .build();
    policy = policies.require("clickpost");
    client = connections.watch(new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .addInterceptor(ShippingInterceptor.of(policies))
        .build());
  }

  private void providerDown() {
    wireMock.resetAll();
    wireMock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse()
        .withBody("{\"meta\":{\"status\":500,\"message\":\"internal error\"},\"result\":null}")));
  }

  private void providerBack() {
    wireMock.resetAll();
    wireMock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withBody(
        new String(Fixtures.body("clickpost", "create-order-success.json"), StandardCharsets.UTF_8))));
  }

  private String call() throws IOException {
    Request request = new Request.Builder()
        .url("http://www.clickpost.in:" + wireMock.getPort() + PATH + "?username=u&key=SECRET")
        .post(RequestBody.create("{\"courier_partner\":3,\"reference_number\":\"R1\"}", JSON))
        .build();
    try (Response response = client.newCall(request).execute()) {
      return response.header(ShippingInterceptor.DECISION_HEADER);
    }
  }

  private void refusedWithoutSending() {
    int before = wireMock.getAllServeEvents().size();
    assertThatThrownBy(this::call).isInstanceOf(BreakerOpenException.class);
    assertThat(wireMock.getAllServeEvents()).hasSize(before);
  }

  private void trip() throws IOException {
    providerDown();
    assertThat(call()).isEqualTo("BREAK");
    assertThat(call()).isEqualTo("BREAK");
    assertThat(policy.breakerStates()).containsEntry("clickpost", "OPEN");
  }

  @Test
  void anOpenBreakerRefusesUntilItsWaitEndsThenOneTrialClosesIt() throws IOException {
    trip();
    refusedWithoutSending();
    clock.advance(OPEN_WAIT.minusMillis(1));
    refusedWithoutSending();

    // when: the provider is back and the open wait is over
    providerBack();
    clock.advance(Duration.ofMillis(2));

    // then: the caller's own call is the trial; its success closes the breaker and every call goes through again
    assertThat(call()).isEqualTo("SUCCEED");
    assertThat(policy.breakerStates()).containsEntry("clickpost", "CLOSED");
    assertThat(call()).isEqualTo("SUCCEED");
    wireMock.verify(2, postRequestedFor(urlPathEqualTo(PATH)));
  }

  @Test
  void eachFailedTrialDoublesTheOpenWaitUpToItsLongest() throws IOException {
    trip();
    Duration expected = OPEN_WAIT;
    for (Duration next : List.of(Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(40))) {
      clock.advance(expected.plusMillis(1));
      // the trial meets the outage: the breaker opens again, for longer
      assertThat(call()).isEqualTo("BREAK");
      assertThat(policy.breakerStates()).containsEntry("clickpost", "OPEN");
      clock.advance(next.minusMillis(2));
      refusedWithoutSending();
      clock.advance(Duration.ofMillis(1));
      expected = Duration.ofMillis(1);
    }
    providerBack();
    clock.advance(Duration.ofMillis(2));
    assertThat(call()).isEqualTo("SUCCEED");
    assertThat(policy.breakerStates()).containsEntry("clickpost", "CLOSED");
  }

  @Test
  void aBreakerThatClosedStartsAgainFromTheFirstWait() throws IOException {
    trip();
    clock.advance(OPEN_WAIT.plusMillis(1));
    assertThat(call()).isEqualTo("BREAK");
    clock.advance(Duration.ofSeconds(20).plusMillis(1));
    providerBack();
    assertThat(call()).isEqualTo("SUCCEED");

    // when: the provider fails again after the breaker closed
    trip();

    // then: the wait is the first one again, not the grown one
    clock.advance(OPEN_WAIT.minusMillis(1));
    refusedWithoutSending();
    providerBack();
    clock.advance(Duration.ofMillis(2));
    assertThat(call()).isEqualTo("SUCCEED");
  }

  @Test
  void byDefaultARepeatedTripWaitsHalfAsLongAgainUpToFourTimesTheFirst() throws IOException {
    client(b -> b.breaker(50, 2, 2, OPEN_WAIT, 1));
    assertThat(policy.breaker().openWaitMultiplier()).isEqualTo(ShippingPolicy.DEFAULT_OPEN_WAIT_MULTIPLIER);
    assertThat(policy.breaker().maxOpenWait()).isEqualTo(Duration.ofSeconds(40));
    trip();
    clock.advance(OPEN_WAIT.plusMillis(1));
    assertThat(call()).isEqualTo("BREAK");
    clock.advance(Duration.ofMillis(14_999));
    refusedWithoutSending();
    providerBack();
    clock.advance(Duration.ofMillis(2));
    assertThat(call()).isEqualTo("SUCCEED");
  }

  @Test
  void withoutGrowthEveryOpenWaitIsTheFirst() throws IOException {
    client(b -> b.breaker(50, 2, 2, OPEN_WAIT, 1).breakerOpenWaitGrowth(1, OPEN_WAIT));
    trip();
    clock.advance(OPEN_WAIT.plusMillis(1));
    assertThat(call()).isEqualTo("BREAK");
    clock.advance(OPEN_WAIT.plusMillis(1));
    providerBack();
    assertThat(call()).isEqualTo("SUCCEED");
    assertThat(policy.breaker().openWaitMultiplier()).isEqualTo(1.0);
  }

  @Test
  void aCallAllowedToWaitForTheBreakerBecomesItsTrialInsteadOfBeingRefused() throws IOException {
    // given: calls may wait up to 15 s for an open breaker, checking every second (the backoff's first step)
    client(b -> b.breaker(50, 2, 2, OPEN_WAIT, 1).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .breakerWait(Duration.ofSeconds(15)));
    trip();
    providerBack();

    // when: a call arrives while the breaker is open
    assertThat(call()).isEqualTo("SUCCEED");

    // then: it waited in 1 s steps until the open wait was over, then was sent once, as the trial that closed it
    assertThat(sleeper.waits()).allSatisfy(w -> assertThat(w).isEqualTo(Duration.ofSeconds(1)));
    assertThat(sleeper.total()).isBetween(OPEN_WAIT, OPEN_WAIT.plusSeconds(1));
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(PATH)));
    assertThat(policy.breakerStates()).containsEntry("clickpost", "CLOSED");
  }

  @Test
  void aCallWaitsForAnOpenBreakerNoLongerThanItsBreakerWaitThenIsRefusedWithoutSending() throws IOException {
    client(b -> b.breaker(50, 2, 2, OPEN_WAIT, 1).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .breakerWait(Duration.ofMillis(2500)));
    trip();
    providerBack();

    refusedWithoutSending();

    // 1 s, 1 s, then the 0.5 s left of the bound
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofMillis(500));
  }

  @Test
  void halfOpenLetsThroughAsManyTrialsAsSetAndClosesOnlyWhenTheyAllEnded() throws IOException {
    // given: two trial calls
    client(b -> b.breaker(50, 2, 2, OPEN_WAIT, 2));
    trip();
    clock.advance(OPEN_WAIT.plusMillis(1));
    providerBack();

    // when: the first trial succeeds, the breaker is still half-open until the second one ends
    assertThat(call()).isEqualTo("SUCCEED");
    assertThat(policy.breakerStates()).containsEntry("clickpost", "HALF_OPEN");
    assertThat(call()).isEqualTo("SUCCEED");

    // then
    assertThat(policy.breakerStates()).containsEntry("clickpost", "CLOSED");
  }
}
