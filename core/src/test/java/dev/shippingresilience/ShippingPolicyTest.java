package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.event.BreakerEvent;
import dev.shippingresilience.event.DecisionEvent;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.event.WaitEvent;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ScriptedTransport;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ShippingPolicyTest {
  private static final String CLICKPOST_CREATE = "https://www.clickpost.in/api/v3/create-order/?username=u&key=K";
  private static final String AFTERSHIP_LABELS = "https://api.aftership.com/postmen/v3/labels";
  private static final String GENERIC = "https://carrier.example/api/shipments";

  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper sleeper = new FakeSleeper(clock);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private ShippingPolicy policy(String provider, Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require(provider))
        .clock(clock).sleeper(sleeper).meterRegistry(meters).random(new FixedRandom());
    custom.accept(b);
    return b.build();
  }

  private static RequestSnapshot post(String url, String body) {
    return RequestSnapshot.of("POST", URI.create(url), HeaderValues.empty(), body.getBytes(StandardCharsets.UTF_8));
  }

  private static String meta(int status) {
    return "{\"meta\":{\"status\":" + status + ",\"message\":\"m\"},\"result\":{\"waybill\":\"W1\"}}";
  }

  private static RequestSnapshot get(String host) {
    return RequestSnapshot.of("GET", "https://" + host + "/api/shipments/1");
  }

  /** Meters whose name starts with {@code prefix}. */
  private long metersNamed(String prefix) {
    return meters.getMeters().stream().filter(m -> m.getId().getName().startsWith(prefix)).count();
  }

  /** Distinct {@code name} tags (one per breaker or limiter) among the meters whose name starts with {@code prefix}. */
  private long instancesMetered(String prefix) {
    return meters.getMeters().stream().map(Meter::getId).filter(id -> id.getName().startsWith(prefix))
        .map(id -> id.getTag("name")).distinct().count();
  }

  @Nested
  class Polling {
    @Test
    void clickpostProcessingIsPolledUntilAlreadyPlaced() throws IOException {
      // given
      ShippingPolicy policy = policy("clickpost", b -> {});
      ScriptedTransport transport = new ScriptedTransport().then(200, meta(202)).then(200, meta(102))
          .then(200, meta(323));
      // when
      CallResult<String> result = policy.execute(post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"),
          CallOptions.none(), transport);
      // then
      assertThat(result.succeeded()).isTrue();
      assertThat(result.duplicate()).isTrue();
      assertThat(result.response()).contains("W1");
      assertThat(result.polls()).isEqualTo(2);
      assertThat(result.attempts()).isEqualTo(3);
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
      assertThat(transport.requests()).allMatch(AttemptRequest::original);
      assertThat(transport.leaked()).isZero();
    }

    @Test
    void pollingStopsAtMaxPollsWithTheLastPendingResponse() {
      ShippingPolicy policy = policy("clickpost", b -> b.maxPolls(3));
      ScriptedTransport transport = new ScriptedTransport().then(200, meta(102));
      assertThatThrownBy(() -> policy.execute(post(CLICKPOST_CREATE, "{}"), CallOptions.none(), transport))
          .isInstanceOfSatisfying(PollTimeoutException.class, e -> {
            assertThat(e.polls()).isEqualTo(3);
            assertThat(e.decision()).isEqualTo(Decision.POLL);
            assertThat(e.code()).isEqualTo("102");
            assertThat(new String(e.lastResponse().bodyPrefix(), StandardCharsets.UTF_8)).contains("102");
            assertThat(e.getMessage()).startsWith("provider clickpost: still POLL").doesNotContain("key=K");
          });
      assertThat(transport.sends()).isEqualTo(4);
      assertThat(transport.leaked()).isZero();
    }

    @Test
    void pollingStopsAtMaxPollDuration() {
      ShippingPolicy policy = policy("clickpost", b -> b.maxPollDuration(Duration.ofSeconds(25)).maxPolls(100));
      ScriptedTransport transport = new ScriptedTransport().then(200, meta(102));
      assertThatThrownBy(() -> policy.execute(post(CLICKPOST_CREATE, "{}"), CallOptions.none(), transport))
          .isInstanceOf(PollTimeoutException.class).hasMessageContaining("maxPollDuration");
      assertThat(sleeper.total()).isLessThanOrEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void afterShipAcceptedLabelIsPolledWithGetLabelsId() throws IOException {
      ShippingPolicy policy = policy("aftership-shipping", b -> {});
      ScriptedTransport transport = new ScriptedTransport()
          .then(200, new String(Fixtures.body("aftership-shipping", "label-creating.json"), StandardCharsets.UTF_8))
          .then(200, "{\"meta\":{\"code\":200},\"data\":{\"id\":\"a1\",\"status\":\"creating\"}}")
          .then(200, new String(Fixtures.body("aftership-shipping", "label-created.json"), StandardCharsets.UTF_8));
      CallResult<String> result = policy.execute(post(AFTERSHIP_LABELS, "{\"service_type\":\"dhl_express\"}"),
          CallOptions.none(), transport);
      assertThat(result.succeeded()).isTrue();
      assertThat(result.classification().operation()).isEqualTo("get-label");
      List<AttemptRequest> sent = transport.requests();
      assertThat(sent.get(1).original()).isFalse();
      assertThat(sent.get(1).method()).isEqualTo("GET");
      assertThat(sent.get(1).uri().toString())
          .isEqualTo("https://api.aftership.com/postmen/v3/labels/a1b2c3d4-0000-4000-8000-000000000001");
      assertThat(sent.get(2).uri()).isEqualTo(sent.get(1).uri());
    }

    @Test
    void failedPollRequestIsRetriedBecauseGetIsSafe() throws IOException {
      ShippingPolicy policy = policy("aftership-shipping", b -> b.noRateLimit());
      ScriptedTransport transport = new ScriptedTransport()
          .then(200, new String(Fixtures.body("aftership-shipping", "label-creating.json"), StandardCharsets.UTF_8))
          .then(503, "<html>bad gateway</html>", "Retry-After", "2")
          .then(200, new String(Fixtures.body("aftership-shipping", "label-created.json"), StandardCharsets.UTF_8));
      CallResult<String> result = policy.execute(post(AFTERSHIP_LABELS, "{}"), CallOptions.none(), transport);
      assertThat(result.succeeded()).isTrue();
      assertThat(transport.requests()).extracting(AttemptRequest::method).containsExactly("POST", "GET", "GET");
    }

    @Test
    void retryAfterLongerThanThePollIntervalIsHonoured() throws IOException {
      ShippingPolicy policy = policy("clickpost", b -> {});
      ScriptedTransport transport = new ScriptedTransport().then(200, meta(102), "Retry-After", "45")
          .then(200, meta(200));
      policy.execute(post(CLICKPOST_CREATE, "{}"), CallOptions.none(), transport);
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(45));
    }
  }

  @Nested
  class Retrying {
    @Test
    void rateLimitWaitsExactlyUntilTheResetThenSucceeds() throws IOException {
      ShippingPolicy policy = policy("aftership-shipping", b -> b.noRateLimit().pauseJitter(Duration.ZERO));
      long resetMs = Fixtures.NOW.plusSeconds(3).toEpochMilli();
      ScriptedTransport transport = new ScriptedTransport()
          .then(429, new String(Fixtures.body("aftership-shipping", "rate-limited.json"), StandardCharsets.UTF_8),
              "X-RateLimit-Reset", Long.toString(resetMs), "X-RateLimit-Remaining", "0")
          .then(200, new String(Fixtures.body("aftership-shipping", "label-created.json"), StandardCharsets.UTF_8));
      CallResult<String> result = policy.execute(post(AFTERSHIP_LABELS, "{}"), CallOptions.none(), transport);
      assertThat(result.succeeded()).isTrue();
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(3));
      assertThat(transport.sends()).isEqualTo(2);
    }

    @Test
    void throttledRetryResumesWithinTheSpreadAfterTheReset() throws IOException {
      ShippingPolicy policy = policy("aftership-shipping", b -> b.noRateLimit());
      long resetMs = Fixtures.NOW.plusSeconds(3).toEpochMilli();
      ScriptedTransport transport = new ScriptedTransport()
          .then(429, new String(Fixtures.body("aftership-shipping", "rate-limited.json"), StandardCharsets.UTF_8),
              "X-RateLimit-Reset", Long.toString(resetMs), "X-RateLimit-Remaining", "0")
          .then(200, new String(Fixtures.body("aftership-shipping", "label-created.json"), StandardCharsets.UTF_8));
      policy.execute(post(AFTERSHIP_LABELS, "{}"), CallOptions.none(), transport);
      // the reset, plus half (the fixed random) of the default 1 s spread; then no second wait for the pause
      assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(3500));
    }

    @Test
    void exhaustedRetriesReturnTheLastResponse() throws IOException {
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(3));
      ScriptedTransport transport = new ScriptedTransport().then(503, "<html>down</html>");
      CallResult<String> result = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
      assertThat(result.classification().decision()).isEqualTo(Decision.BREAK);
      assertThat(result.attempts()).isEqualTo(3);
      assertThat(result.response()).isEqualTo("<html>down</html>");
      assertThat(transport.leaked()).isZero();
      // backoff with full jitter at 0.5 of the exponential ceiling: 250 ms, then 500 ms
      assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
    }

    @Test
    void exhaustedRetriesThrowWhenTheUserOptsIn() {
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(2).throwOnFailure(true));
      ScriptedTransport transport = new ScriptedTransport().then(503, "");
      assertThatThrownBy(() -> policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport))
          .isInstanceOf(ShippingCallException.class)
          .hasMessageStartingWith("provider generic-http: BREAK after 2 attempts (http 503");
      assertThat(transport.leaked()).isZero();
    }

    @Test
    void failIsReturnedOnTheFirstAttempt() throws IOException {
      ShippingPolicy policy = policy("clickpost", b -> {});
      ScriptedTransport transport = new ScriptedTransport().then(200, meta(328));
      CallResult<String> result = policy.execute(post(CLICKPOST_CREATE, "{}"), CallOptions.none(), transport);
      assertThat(result.classification().decision()).isEqualTo(Decision.FAIL);
      assertThat(transport.sends()).isEqualTo(1);
      assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void waitBeyondTheDeadlineIsNotWaited() throws IOException {
      ShippingPolicy policy = policy("generic-http", b -> b.deadline(Duration.ofSeconds(10)));
      ScriptedTransport transport = new ScriptedTransport().then(429, "", "Retry-After", "30").then(200, "ok");
      CallResult<String> result = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
      assertThat(result.classification().decision()).isEqualTo(Decision.RETRY);
      assertThat(transport.sends()).isEqualTo(1);
      assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void settingsAreReadBackAsSet() {
      ShippingPolicy policy = policy("clickpost", b -> b.backoff(Duration.ofMillis(1500), Duration.ofSeconds(45))
          .breaker(12.5f, 9, 3, Duration.ofSeconds(7), 1));
      assertThat(policy.initialBackoff()).isEqualTo(Duration.ofMillis(1500));
      assertThat(policy.maxBackoff()).isEqualTo(Duration.ofSeconds(45));
      assertThat(policy.breaker()).isEqualTo(new BreakerSettings(12.5f, 9, 3, Duration.ofSeconds(7), 1, 1.5,
          Duration.ofSeconds(28)));
      assertThat(policy("clickpost", b -> {}).breaker())
          .isEqualTo(new BreakerSettings(50, 20, 5, Duration.ofSeconds(20), 1, 1.5, Duration.ofSeconds(80)));
    }

    @Test
    void deadlineGrowsToFitPollingUnlessOneWasSet() {
      assertThat(policy("clickpost", b -> b.maxPollDuration(Duration.ofMinutes(10))).deadline())
          .isEqualTo(Duration.ofMinutes(10).plusSeconds(30));
      assertThat(policy("clickpost", b -> b.deadline(Duration.ofMinutes(1)).maxPollDuration(Duration.ofMinutes(10)))
          .deadline()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void deadlineIsNeverOvershot() throws IOException {
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(50).retryBudget(1000, 1)
          .backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)));
      ScriptedTransport transport = new ScriptedTransport().then(503, "");
      CallOptions options = CallOptions.builder().deadline(Duration.ofSeconds(20)).build();
      policy.execute(RequestSnapshot.of("GET", GENERIC), options, transport);
      assertThat(sleeper.total()).isLessThanOrEqualTo(Duration.ofSeconds(20));
      assertThat(transport.sends()).isGreaterThan(2);
    }
  }

  @Nested
  class PostSafety {
    @Test
    void postIsNotRepeatedAfterAnAmbiguousFailure() {
      ShippingPolicy policy = policy("aftership-shipping", b -> {});
      ScriptedTransport transport = new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
          .then(200, "{\"meta\":{\"code\":200}}");
      assertThatThrownBy(() -> policy.execute(post(AFTERSHIP_LABELS, "{}"), CallOptions.none(), transport))
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(transport.sends()).isEqualTo(1);
    }

    @Test
    void postIsRepeatedWhenItNeverReachedTheServer() throws IOException {
      ShippingPolicy policy = policy("aftership-shipping", b -> {});
      ScriptedTransport transport = new ScriptedTransport().thenFail(new ConnectException("refused"))
          .then(200, "{\"meta\":{\"code\":200},\"data\":{\"status\":\"created\"}}");
      CallResult<String> result = policy.execute(post(AFTERSHIP_LABELS, "{}"), CallOptions.none(), transport);
      assertThat(result.succeeded()).isTrue();
      assertThat(transport.sends()).isEqualTo(2);
    }

    @Test
    void postIsNotRepeatedAfterACarrierOutageWithoutAKey() throws IOException {
      ShippingPolicy policy = policy("aftership-shipping", b -> {});
      ScriptedTransport transport = new ScriptedTransport()
          .then(200, new String(Fixtures.body("aftership-shipping", "courier-unavailable.json"), StandardCharsets.UTF_8));
      CallResult<String> result = policy.execute(post(AFTERSHIP_LABELS, "{}"), CallOptions.none(), transport);
      // no slug in the request: the carrier outage is transient for this call, and still never re-posted
      assertThat(result.classification().decision()).isEqualTo(Decision.RETRY);
      assertThat(transport.sends()).isEqualTo(1);
    }

    @Test
    void postWithAnIdempotencyKeyIsRepeatedWithTheSameKey() throws IOException {
      ShippingPolicy policy = policy("aftership-shipping", b -> b.idempotencyKey("Idempotency-Key", true));
      ScriptedTransport transport = new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
          .then(200, "{\"meta\":{\"code\":4101}}")
          .then(200, "{\"meta\":{\"code\":200},\"data\":{\"status\":\"created\"}}");
      CallResult<String> result = policy.execute(post(AFTERSHIP_LABELS, "{}"), CallOptions.none(), transport);
      assertThat(result.succeeded()).isTrue();
      List<String> keys = transport.requests().stream().map(r -> r.extraHeader("Idempotency-Key")).toList();
      assertThat(keys).hasSize(3).doesNotContainNull();
      assertThat(keys).containsOnly(keys.get(0));
    }

    @Test
    void rateLimitedPostIsRepeatedBecauseItWasNotProcessed() throws IOException {
      ShippingPolicy policy = policy("aftership-shipping", b -> b.noRateLimit());
      ScriptedTransport transport = new ScriptedTransport().then(429, "{\"meta\":{\"code\":429}}", "Retry-After", "1")
          .then(200, "{\"meta\":{\"code\":200},\"data\":{\"status\":\"created\"}}");
      assertThat(policy.execute(post(AFTERSHIP_LABELS, "{}"), CallOptions.none(), transport).succeeded()).isTrue();
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Nested
  class Breakers {
    private ShippingPolicy clickpost() {
      return policy("clickpost", b -> b.breaker(50, 4, 4, Duration.ofSeconds(60), 2));
    }

    private CallResult<String> create(ShippingPolicy policy, int courier, ScriptedTransport transport)
        throws IOException {
      return policy.execute(post(CLICKPOST_CREATE, "{\"courier_partner\":" + courier + "}"), CallOptions.none(),
          transport);
    }

    @Test
    void carrierOutageOpensOnlyThatCarriersBreaker() throws IOException {
      ShippingPolicy policy = clickpost();
      ScriptedTransport outage = new ScriptedTransport().then(200, meta(322));
      CallResult<String> first = create(policy, 5, outage);
      assertThat(first.classification().decision()).isEqualTo(Decision.BREAK);
      assertThat(first.attempts()).isEqualTo(4);
      assertThat(policy.breakerStates()).containsEntry("clickpost/carrier:5", "OPEN")
          .containsEntry("clickpost", "CLOSED");
      int sendsBefore = outage.sends();
      assertThatThrownBy(() -> create(policy, 5, outage)).isInstanceOfSatisfying(BreakerOpenException.class,
          e -> assertThat(e.scope()).isEqualTo("clickpost/carrier:5"));
      assertThat(outage.sends()).isEqualTo(sendsBefore);
      ScriptedTransport healthy = new ScriptedTransport().then(200, meta(200));
      assertThat(create(policy, 6, healthy).succeeded()).isTrue();
    }

    @Test
    void openBreakerRecoversThroughHalfOpen() throws IOException {
      List<BreakerEvent> events = new CopyOnWriteArrayList<>();
      ShippingPolicy policy = policy("clickpost", b -> b.breaker(50, 4, 4, Duration.ofSeconds(60), 2)
          .listener(new ShippingListener() {
            @Override
            public void onBreakerStateChange(BreakerEvent event) {
              events.add(event);
            }
          }));
      ScriptedTransport outage = new ScriptedTransport().then(200, meta(322));
      create(policy, 5, outage);
      assertThat(policy.breakerStates()).containsEntry("clickpost/carrier:5", "OPEN");
      clock.advance(Duration.ofSeconds(61));
      ScriptedTransport healthy = new ScriptedTransport().then(200, meta(200));
      create(policy, 5, healthy);
      assertThat(policy.breakerStates()).containsEntry("clickpost/carrier:5", "HALF_OPEN");
      create(policy, 5, healthy);
      assertThat(policy.breakerStates()).containsEntry("clickpost/carrier:5", "CLOSED");
      assertThat(events).extracting(BreakerEvent::to).containsExactly("OPEN", "HALF_OPEN", "CLOSED");
    }

    @Test
    void failAndRetryNeverCountAgainstTheBreaker() throws IOException {
      ShippingPolicy policy = policy("clickpost", b -> b.breaker(50, 2, 2, Duration.ofSeconds(60), 1));
      ScriptedTransport failing = new ScriptedTransport().then(200, meta(328));
      for (int i = 0; i < 10; i++) {
        create(policy, 5, failing);
      }
      assertThat(policy.breakerStates()).doesNotContainValue("OPEN");
    }

    @Test
    void genericFallbackKeepsOneBreakerPerHost() throws IOException {
      // given the generic policy that serves every unknown host
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(1)
          .breaker(50, 2, 2, Duration.ofSeconds(60), 1));
      ScriptedTransport down = new ScriptedTransport().then(503, "");
      ScriptedTransport up = new ScriptedTransport().then(200, "ok");

      // when one host fails until its breaker opens
      policy.execute(RequestSnapshot.of("GET", "https://down.example/a"), CallOptions.none(), down);
      policy.execute(RequestSnapshot.of("GET", "https://down.example/b"), CallOptions.none(), down);

      // then that host fails fast, and an unrelated host is still called
      assertThat(policy.breakerStates()).containsEntry("generic-http/host:down.example", "OPEN")
          .doesNotContainKey("generic-http");
      assertThatThrownBy(() -> policy.execute(RequestSnapshot.of("GET", "https://down.example/c"),
          CallOptions.none(), down)).isInstanceOfSatisfying(BreakerOpenException.class,
              e -> assertThat(e.scope()).isEqualTo("generic-http/host:down.example"));
      assertThat(policy.execute(RequestSnapshot.of("GET", "https://up.example/a"), CallOptions.none(), up)
          .succeeded()).isTrue();
      assertThat(down.sends()).isEqualTo(2);
    }

    @Test
    void breakersAreBoundedAndIdleOnesEvicted() throws IOException {
      ShippingPolicy policy = policy("clickpost", b -> b.maxBreakers(5));
      ScriptedTransport oneFailure = new ScriptedTransport().then(200, meta(322));
      for (int courier = 0; courier < 20; courier++) {
        create(policy, courier, oneFailure);
      }
      assertThat(policy.breakerStates()).hasSizeLessThanOrEqualTo(5);
    }

    private static final String CB_METERS = "resilience4j.circuitbreaker";

    private ShippingPolicy generic(int maxBreakers) {
      return policy("generic-http", b -> b.maxAttempts(1).maxBreakers(maxBreakers)
          .breaker(50, 2, 2, Duration.ofSeconds(60), 1));
    }

    private void failTwice(ShippingPolicy policy, String host, ScriptedTransport down) throws IOException {
      policy.execute(get(host), CallOptions.none(), down);
      policy.execute(get(host), CallOptions.none(), down);
    }

    @Test
    void twoThousandFailingHostsKeepAtMostMaxBreakersAndTheirMeters() throws IOException {
      // given the default maxBreakers (1000) and one breaker's meters as the unit
      ShippingPolicy policy = generic(ShippingPolicy.DEFAULT_MAX_BREAKERS);
      ScriptedTransport down = new ScriptedTransport().then(503, "");
      failTwice(policy, "host0.example", down);
      long perBreaker = metersNamed(CB_METERS);
      assertThat(policy.breakerStates()).containsEntry("generic-http/host:host0.example", "OPEN");

      // when 2,000 hosts fail until their breakers open
      for (int h = 1; h < 2000; h++) {
        failTwice(policy, "host" + h + ".example", down);
      }

      // then breakers and meters stay within the bound, whatever their states
      assertThat(policy.breakerStates()).hasSizeLessThanOrEqualTo(ShippingPolicy.DEFAULT_MAX_BREAKERS)
          .containsEntry("generic-http/host:host1999.example", "OPEN");
      assertThat(instancesMetered(CB_METERS)).isLessThanOrEqualTo(ShippingPolicy.DEFAULT_MAX_BREAKERS);
      assertThat(metersNamed(CB_METERS)).isLessThanOrEqualTo(ShippingPolicy.DEFAULT_MAX_BREAKERS * perBreaker);
    }

    @Test
    void openBreakersOfHostsNoLongerCalledExpireWithTheirMeters() throws IOException {
      // given 20 hosts whose breakers opened (open wait 60 s)
      ShippingPolicy policy = generic(ShippingPolicy.DEFAULT_MAX_BREAKERS);
      ScriptedTransport down = new ScriptedTransport().then(503, "");
      for (int h = 0; h < 20; h++) {
        failTwice(policy, "host" + h + ".example", down);
      }
      assertThat(policy.breakerStates()).hasSize(20).containsValue("OPEN");

      // when six hours pass without a call
      clock.advance(Duration.ofHours(6));

      // then none of them is reported or metered any more
      assertThat(policy.breakerStates()).isEmpty();
      assertThat(metersNamed(CB_METERS)).isZero();
    }

    @Test
    void providerBreakerStillTripsWhenTheRegistryIsFullOfOpenBreakers() throws IOException {
      // given clickpost with room for 5 breakers, 4 of them carriers left OPEN, plus the provider's own
      ShippingPolicy policy = policy("clickpost", b -> b.maxAttempts(1).maxBreakers(5)
          .breaker(50, 2, 2, Duration.ofSeconds(60), 1));
      ScriptedTransport carrierDown = new ScriptedTransport().then(200, meta(322));
      for (int courier = 1; courier <= 4; courier++) {
        create(policy, courier, carrierDown);
        create(policy, courier, carrierDown);
      }
      assertThat(policy.breakerStates()).hasSize(5).containsEntry("clickpost", "CLOSED")
          .containsEntry("clickpost/carrier:4", "OPEN");

      // when new carriers' outages alternate with failures of the provider itself
      ScriptedTransport providerDown = new ScriptedTransport().thenFail(new ConnectException("Connection refused"));
      for (int courier = 10; courier < 12; courier++) {
        create(policy, courier, carrierDown);
        int c = courier;
        assertThatThrownBy(() -> create(policy, c + 100, providerDown)).isInstanceOf(ConnectException.class);
      }

      // then the provider's breaker counted both failures and opened: the next call fails fast
      assertThat(policy.breakerStates()).hasSizeLessThanOrEqualTo(5).containsEntry("clickpost", "OPEN");
      ScriptedTransport healthy = new ScriptedTransport().then(200, meta(200));
      assertThatThrownBy(() -> create(policy, 50, healthy)).isInstanceOfSatisfying(BreakerOpenException.class,
          e -> assertThat(e.scope()).isEqualTo("clickpost"));
      assertThat(healthy.sends()).isZero();
    }

    @Test
    void aNewHostCannotPushOutTheHostBeingCalledWhenTheRegistryIsFull() throws IOException {
      // given room for 5 breakers, all taken by hosts left OPEN
      ShippingPolicy policy = generic(5);
      ScriptedTransport down = new ScriptedTransport().then(503, "");
      for (int h = 0; h < 5; h++) {
        failTwice(policy, "old" + h + ".example", down);
      }
      assertThat(policy.breakerStates()).hasSize(5).doesNotContainValue("CLOSED");

      // when a failing host's calls alternate with calls to new hosts
      policy.execute(get("flaky.example"), CallOptions.none(), down);
      policy.execute(get("new1.example"), CallOptions.none(), down);
      policy.execute(get("flaky.example"), CallOptions.none(), down);
      policy.execute(get("new2.example"), CallOptions.none(), down);

      // then the failing host's breaker kept both failures and opened
      assertThat(policy.breakerStates()).hasSizeLessThanOrEqualTo(5)
          .containsEntry("generic-http/host:flaky.example", "OPEN");
      int before = down.sends();
      assertThatThrownBy(() -> policy.execute(get("flaky.example"), CallOptions.none(), down))
          .isInstanceOf(BreakerOpenException.class);
      assertThat(down.sends()).isEqualTo(before);
    }
  }

  @Nested
  class Budget {
    @Test
    void outageDrainsTheBudgetSoRetriesStop() throws IOException {
      // the default budget (10 tokens, 0.25 back per success)
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(5)
          .breaker(100, 1000, 1000, Duration.ofSeconds(1), 1));
      ScriptedTransport outage = new ScriptedTransport().then(503, "");
      int firstCallSends;
      policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), outage);
      firstCallSends = outage.sends();
      for (int i = 0; i < 5; i++) {
        policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), outage);
      }
      int before = outage.sends();
      policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), outage);
      assertThat(firstCallSends).isEqualTo(5);
      assertThat(outage.sends() - before).isEqualTo(1);
      assertThat(policy.retryBudgetTokens()).isLessThanOrEqualTo(5);
    }

    @Test
    void defaultBudgetKeepsRetryingWhenOneCallInFiveFailsOnce() throws IOException {
      // given the default budget and a provider where every fifth call fails once (1 attempt in 6 fails)
      ShippingPolicy policy = policy("generic-http", b -> b.breaker(50, 100, 100, Duration.ofSeconds(60), 1));
      ScriptedTransport flaky = new ScriptedTransport();
      for (int i = 0; i < 100; i++) {
        if (i % 5 == 0) {
          flaky.then(503, "");
        }
        flaky.then(200, "ok");
      }

      // when 100 calls go through it
      int succeeded = 0;
      for (int i = 0; i < 100; i++) {
        if (policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), flaky).succeeded()) {
          succeeded++;
        }
      }

      // then every failure was retried: the budget sustains a partial failure, it only stops outages
      assertThat(succeeded).isEqualTo(100);
      assertThat(flaky.sends()).isEqualTo(120);
    }

    @Test
    void oneHostsFailuresDoNotEmptyTheRetryBudgetOfAnother() throws IOException {
      // given the generic fallback with the default budget, its breakers kept closed
      ShippingPolicy policy = policy("generic-http", b -> b.breaker(100, 1000, 1000, Duration.ofSeconds(1), 1));
      ScriptedTransport hostA = new ScriptedTransport().then(503, "");
      for (int i = 0; i < 3; i++) {
        policy.execute(get("a.example"), CallOptions.none(), hostA);
      }
      assertThat(hostA.sends()).as("six 503s from host A").isEqualTo(6);

      // when unrelated host B resets the connection once, then answers
      ScriptedTransport hostB = new ScriptedTransport().thenFail(new SocketException("Connection reset"))
          .then(200, "ok");
      CallResult<String> result = policy.execute(get("b.example"), CallOptions.none(), hostB);

      // then B's GET was retried and succeeded
      assertThat(result.succeeded()).isTrue();
      assertThat(hostB.sends()).isEqualTo(2);
    }

    @Test
    void retryBudgetsOfManyHostsAreBounded() throws IOException {
      // given
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(1));
      ScriptedTransport down = new ScriptedTransport().then(503, "");

      // when more hosts than the bound fail once each
      for (int h = 0; h < ShippingPolicy.MAX_RETRY_BUDGETS + 100; h++) {
        policy.execute(get("host" + h + ".example"), CallOptions.none(), down);
      }

      // then
      assertThat(policy.retryBudgets()).isLessThanOrEqualTo(ShippingPolicy.MAX_RETRY_BUDGETS);
      assertThat(policy.retryBudgetTokens()).isEqualTo(ShippingPolicy.DEFAULT_BUDGET_TOKENS - 1);
    }
  }

  @Nested
  class RateLimiting {
    @Test
    void a429FromOneUnknownHostDoesNotPauseAnother() throws IOException {
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(1));
      policy.execute(RequestSnapshot.of("GET", "https://busy.example/a"), CallOptions.none(),
          new ScriptedTransport().then(429, "", "Retry-After", "7"));

      policy.execute(RequestSnapshot.of("GET", "https://quiet.example/a"), CallOptions.none(),
          new ScriptedTransport().then(200, "ok"));
      assertThat(sleeper.waits()).isEmpty();
      policy.execute(RequestSnapshot.of("GET", "https://busy.example/b"), CallOptions.none(),
          new ScriptedTransport().then(200, "ok"));
      assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(7500));
    }

    @Test
    void pausedCallersResumeSpreadOverThePauseJitterAfterTheReset() throws IOException {
      ShippingPolicy spread = policy("generic-http", b -> b.maxAttempts(1).pauseJitter(Duration.ofSeconds(4)));
      spread.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(),
          new ScriptedTransport().then(429, "", "Retry-After", "1"));
      spread.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(),
          new ScriptedTransport().then(200, "ok"));
      ShippingPolicy noSpread = policy("generic-http", b -> b.maxAttempts(1).pauseJitter(Duration.ZERO));
      noSpread.execute(RequestSnapshot.of("GET", "https://other.example/"), CallOptions.none(),
          new ScriptedTransport().then(429, "", "Retry-After", "3"));
      noSpread.execute(RequestSnapshot.of("GET", "https://other.example/"), CallOptions.none(),
          new ScriptedTransport().then(200, "ok"));

      // the reset plus half the 4 s spread (the fixed random draws 0.5), even after a short pause; ZERO: the reset
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    @Test
    void throttlingWithAResetDoesNotDrainTheRetryBudget() throws IOException {
      // given a small budget and a provider that throttles, naming its reset, before answering
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(2).retryBudget(4, 0.1));
      ScriptedTransport throttled = new ScriptedTransport()
          .then(429, "", "Retry-After", "1").then(200, "ok")
          .then(429, "", "Retry-After", "1").then(200, "ok")
          .then(429, "", "Retry-After", "1").then(200, "ok");

      // when three calls are each throttled once
      for (int i = 0; i < 3; i++) {
        assertThat(policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), throttled).succeeded())
            .isTrue();
      }

      // then every one was retried and the budget is still full
      assertThat(throttled.sends()).isEqualTo(6);
      assertThat(policy.retryBudgetTokens()).isEqualTo(4.0);
    }

    @Test
    void a429PausesOtherCallsToTheSameProviderUntilTheReset() throws IOException {
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(1));
      ScriptedTransport limited = new ScriptedTransport().then(429, "", "Retry-After", "7");
      policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), limited);
      List<String> causes = new CopyOnWriteArrayList<>();
      ShippingPolicy sameProvider = policy;
      ScriptedTransport ok = new ScriptedTransport().then(200, "ok");
      sameProvider.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), ok);
      // the reset, plus this caller's share of the 1 s spread (the fixed random draws 0.5)
      assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(7500));
      assertThat(causes).isEmpty();
    }

    @Test
    void clientSideLimiterSpacesCalls() throws IOException {
      ShippingPolicy policy = policy("17track", b -> {});
      ScriptedTransport ok = new ScriptedTransport().then(200, "{\"code\":0,\"data\":{\"accepted\":[],\"rejected\":[]}}");
      for (int i = 0; i < 6; i++) {
        policy.execute(post("https://api.17track.net/track/v2.2/gettrackinfo", "[]"), CallOptions.none(), ok);
      }
      // 3 per second: the fourth call waits for the next period
      assertThat(sleeper.total()).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void rateLimitedGenericFallbackKeepsBoundedLimitersAndMetersOverTenThousandHosts() throws IOException {
      // given a rate-limited generic fallback
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(1).rateLimit(10, Duration.ofSeconds(1)));
      ScriptedTransport ok = new ScriptedTransport().then(200, "ok");

      // when 10,000 hosts are called once each
      for (int h = 0; h < 10_000; h++) {
        assertThat(policy.execute(get("host" + h + ".example"), CallOptions.none(), ok).succeeded()).isTrue();
      }

      // then limiters (and their meters) are bounded
      assertThat(instancesMetered("resilience4j.ratelimiter"))
          .isLessThanOrEqualTo(dev.shippingresilience.spi.LocalLimits.DEFAULT_MAX_ACCOUNTS);
    }
  }

  @Nested
  class SharedLimitsSpi {
    @Test
    void twoInstancesSharingLimitsPauseTogetherAfterA429() throws IOException {
      dev.shippingresilience.spi.LocalLimits shared = new dev.shippingresilience.spi.LocalLimits(clock, meters);
      ShippingPolicy instanceA = policy("generic-http", b -> b.maxAttempts(1).sharedLimits(shared));
      ShippingPolicy instanceB = policy("generic-http", b -> b.maxAttempts(1).sharedLimits(shared));
      instanceA.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(),
          new ScriptedTransport().then(429, "", "Retry-After", "9"));
      instanceB.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), new ScriptedTransport().then(200, ""));
      // the reset, plus this caller's share of the 1 s spread (the fixed random draws 0.5)
      assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(9500));
    }

    @Test
    void breakerHintFromAnotherInstanceFailsFastWithoutTraffic() throws IOException {
      dev.shippingresilience.spi.SharedLimits hints = new dev.shippingresilience.spi.SharedLimits() {
        private final java.util.Map<String, java.time.Instant> open = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Duration acquire(String account, dev.shippingresilience.spi.RateLimit limit, Duration maxWait) {
          return Duration.ZERO;
        }

        @Override
        public void pause(String account, java.time.Instant until) {}

        @Override
        public java.time.Instant pausedUntil(String account) {
          return null;
        }

        @Override
        public void hintOpen(String scope, java.time.Instant until) {
          open.put(scope, until);
        }

        @Override
        public java.time.Instant openHint(String scope) {
          return open.get(scope);
        }
      };
      ShippingPolicy a = policy("clickpost", b -> b.sharedLimits(hints).shareBreakerHints(true)
          .breaker(50, 4, 4, Duration.ofSeconds(60), 1));
      ShippingPolicy b = policy("clickpost", x -> x.sharedLimits(hints).shareBreakerHints(true));
      a.execute(post(CLICKPOST_CREATE, "{\"courier_partner\":5}"), CallOptions.none(),
          new ScriptedTransport().then(200, meta(322)));
      ScriptedTransport other = new ScriptedTransport().then(200, meta(200));
      assertThatThrownBy(() -> b.execute(post(CLICKPOST_CREATE, "{\"courier_partner\":5}"), CallOptions.none(),
          other)).isInstanceOf(BreakerOpenException.class);
      assertThat(other.sends()).isZero();
      assertThat(b.execute(post(CLICKPOST_CREATE, "{\"courier_partner\":6}"), CallOptions.none(), other)
          .succeeded()).isTrue();
    }
  }

  @Nested
  class TimeAndCancellation {
    @Test
    void interruptionEndsTheCallAndRestoresTheFlag() {
      ShippingPolicy policy = policy("generic-http", b -> {});
      ScriptedTransport transport = new ScriptedTransport().then(503, "");
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport))
            .isInstanceOf(CallCancelledException.class).hasMessageContaining("interrupted");
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
    }

    @Test
    void cancellationStopsPolling() {
      CancellationToken token = CancellationToken.create();
      ShippingPolicy policy = policy("clickpost", b -> b.sleeper((d, t) -> token.cancel()));
      ScriptedTransport transport = new ScriptedTransport().then(200, meta(102));
      CallOptions options = CallOptions.builder().cancellation(token).build();
      assertThatThrownBy(() -> policy.execute(post(CLICKPOST_CREATE, "{}"), options, transport))
          .isInstanceOf(CallCancelledException.class);
      assertThat(transport.sends()).isEqualTo(1);
      assertThat(transport.leaked()).isZero();
    }

    @Test
    void realSleeperReturnsPromptlyWhenCancelled() throws InterruptedException {
      CancellationToken token = CancellationToken.create();
      token.cancel();
      long start = System.nanoTime();
      assertThat(token.await(Duration.ofMinutes(5))).isTrue();
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
  }

  @Nested
  class Observability {
    @Test
    void listenerExceptionsDoNotBreakCalls() throws IOException {
      ShippingPolicy policy = policy("clickpost", b -> b.listener(new ShippingListener() {
        @Override
        public void onDecision(DecisionEvent event) {
          throw new IllegalStateException("listener bug");
        }

        @Override
        public void onWait(WaitEvent event) {
          throw new IllegalStateException("listener bug");
        }
      }));
      ScriptedTransport transport = new ScriptedTransport().then(200, meta(102)).then(200, meta(323));
      assertThat(policy.execute(post(CLICKPOST_CREATE, "{}"), CallOptions.none(), transport).succeeded()).isTrue();
    }

    @Test
    void resultHeadersSayTheDecisionDuplicateAttemptsAndCode() throws IOException {
      ShippingPolicy policy = policy("clickpost", b -> {});
      CallResult<String> placed = policy.execute(post(CLICKPOST_CREATE, "{}"), CallOptions.none(),
          new ScriptedTransport().then(200, meta(102)).then(200, meta(323)));
      CallResult<String> generic = policy("generic-http", b -> {}).execute(RequestSnapshot.of("GET", GENERIC),
          CallOptions.none(), new ScriptedTransport().then(200, "ok"));

      assertThat(placed.resultHeaders()).containsExactly(Map.entry(ResultHeaders.DECISION, "SUCCEED"),
          Map.entry(ResultHeaders.DUPLICATE, "true"), Map.entry(ResultHeaders.ATTEMPTS, "2"),
          Map.entry(ResultHeaders.CODE, "323"));
      assertThat(generic.resultHeaders()).as("no code, no code header").containsOnlyKeys(ResultHeaders.DECISION,
          ResultHeaders.DUPLICATE, ResultHeaders.ATTEMPTS);
    }

    @Test
    void metricsCountAttemptsByDecisionWithClosedCodeTags() throws IOException {
      ShippingPolicy policy = policy("clickpost", b -> {});
      policy.execute(post(CLICKPOST_CREATE, "{}"), CallOptions.none(),
          new ScriptedTransport().then(200, meta(102)).then(200, meta(323)));
      policy.execute(post(CLICKPOST_CREATE, "{}"), CallOptions.none(), new ScriptedTransport().then(200, meta(999)));
      assertThat(meters.get(ShippingMeters.ATTEMPTS).tag("decision", "POLL").tag("code", "102").counter().count())
          .isEqualTo(1);
      assertThat(meters.get(ShippingMeters.ATTEMPTS).tag("decision", "FAIL").tag("code", "other").counter().count())
          .isEqualTo(1);
      assertThat(meters.get(ShippingMeters.CALLS).tag("outcome", "duplicate").timer().count()).isEqualTo(1);
      assertThat(meters.get(ShippingMeters.POLLS).counter().count()).isEqualTo(1);
      assertThat(meters.get(ShippingMeters.WAITS).tag("cause", "poll").timer().count()).isEqualTo(1);
      assertThat(meters.find("resilience4j.circuitbreaker.state").tags("name", "clickpost").gauges()).isNotEmpty();
      assertThat(meters.getMeters()).allSatisfy(m -> assertThat(m.getId().toString()).doesNotContain("key=K"));
    }
  }

  @Test
  void manyThreadsShareOnePolicyWithoutLostCountsOrDeadlock() throws Exception {
    ShippingPolicy policy = policy("clickpost", b -> b.breaker(50, 100, 100, Duration.ofSeconds(60), 2));
    AtomicInteger calls = new AtomicInteger();
    ScriptedTransport transport = new ScriptedTransport().then(200, meta(200));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int courier = t % 4;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            create(policy, courier, transport);
            calls.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(calls.get()).isEqualTo(3200);
    assertThat(transport.sends()).isEqualTo(3200);
    assertThat(meters.get(ShippingMeters.ATTEMPTS).tag("decision", "SUCCEED").counter().count()).isEqualTo(3200);
    assertThat(policy.breakerStates()).containsEntry("clickpost", "CLOSED");
    assertThat(transport.leaked()).isZero();
  }

  private CallResult<String> create(ShippingPolicy policy, int courier, ScriptedTransport transport)
      throws IOException {
    return policy.execute(post(CLICKPOST_CREATE, "{\"courier_partner\":" + courier + "}"), CallOptions.none(),
        transport);
  }

  @Test
  void builderRejectsInvalidSettingsNamingThem() {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost"));
    assertThatThrownBy(() -> b.maxAttempts(0)).hasMessage("Invalid maxAttempts (0): must be >= 1");
    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .hasMessageContaining("Invalid maxBackoff");
    assertThatThrownBy(() -> b.pollInterval(Duration.ZERO)).hasMessageContaining("Invalid pollInterval");
    assertThatThrownBy(() -> b.idempotencyKey(null, true)).hasMessageContaining("idempotencyKey");
    assertThatThrownBy(() -> b.breakerWait(Duration.ofSeconds(-1)))
        .hasMessage("Invalid breakerWait (PT-1S): must not be negative");
  }

  @Test
  void breakerOpenWaitGrowthIsValidatedWhereSetAndAgainstTheFirstWaitAtBuild() {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost"));
    assertThatThrownBy(() -> b.breakerOpenWaitGrowth(0.5, Duration.ofSeconds(60)))
        .hasMessage("Invalid breaker openWaitMultiplier (0.5): must be in [1, 10]");
    assertThatThrownBy(() -> b.breakerOpenWaitGrowth(2, Duration.ZERO))
        .hasMessageContaining("Invalid maxWaitDurationInOpenState");
    b.breaker(50, 20, 5, Duration.ofSeconds(30), 1).breakerOpenWaitGrowth(2, Duration.ofSeconds(10));
    assertThatThrownBy(b::build).hasMessage("Invalid maxWaitDurationInOpenState (PT10S): must be >= "
        + "waitDurationInOpenState (PT30S)");
    assertThat(b.breakerOpenWaitGrowth(2, Duration.ofSeconds(90)).build().breaker())
        .isEqualTo(new BreakerSettings(50, 20, 5, Duration.ofSeconds(30), 1, 2, Duration.ofSeconds(90)));
  }
}
