package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.BreakerOpenException;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingCallException;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.testing.CapturedLogs;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.HookedSleeper;
import dev.shippingresilience.testing.RecordingListener;
import dev.shippingresilience.testing.ShownText;
import dev.shippingresilience.testing.VirtualTimeSleeper;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12's promises of the engine, kept through a real OkHttp client against WireMock: a 429 pause holds back the
 * callers already waiting for a permit, the caller's own idempotency key makes a POST repeatable, no secret reaches
 * a log line, event or error, and a breaker that opens during a backoff hands back the provider's last answer.
 */
class EnginePromisesTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String CALLER_KEY = "caller-key-7f3a";
  /** A custom profile whose own secret query parameter ({@code acct}) the default redaction does not know. */
  private static final String SECRET_CARRIER = "{\"id\": \"secret-carrier\", \"name\": \"Secret Carrier\", "
      + "\"hosts\": [\"secret-carrier.example\"], \"secrets\": {\"query\": [\"acct\"]}, "
      + "\"httpStatuses\": {\"2xx\": {\"decision\": \"SUCCEED\", \"reason\": \"success\"}, "
      + "\"5xx\": {\"decision\": \"BREAK\", \"reason\": \"server error\"}}}";
  private static final List<String> SECRETS = List.of("SECRET123456", "ACCT654321", "pw123456");

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper fakeSleeper = new FakeSleeper(clock);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private ShippingPolicies policies(Consumer<ShippingPolicy.Builder> custom) {
    return ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(fakeSleeper).meterRegistry(meters).random(new FixedRandom()))
        .configureAll(custom)
        .build();
  }

  /** A client whose DNS sends every host to the loopback WireMock, with {@code network} run for each attempt. */
  private OkHttpClient client(ShippingPolicies policies, Interceptor... network) {
    OkHttpClient.Builder builder = new OkHttpClient.Builder()
        .retryOnConnectionFailure(false)
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .addInterceptor(ShippingInterceptor.of(policies));
    for (Interceptor n : network) {
      builder.addNetworkInterceptor(n);
    }
    return connections.watch(builder.build());
  }

  private String url(String host, String path) {
    return "http://" + host + ":" + wireMock.getPort() + path;
  }

  private static String fixture(String provider, String name) {
    return new String(Fixtures.body(provider, name), StandardCharsets.UTF_8);
  }

  /** What one attempt sent, by the fake clock, and what came back. */
  private record Send(Instant at, int status) {}

  @Test
  void noRequestReachesTheProviderDuringAPauseThatBeganWhileACallerWaitedForItsPermit() throws Exception {
    // given AfterShip at one request a second, whose first answer is a 429 with its reset 3 s ahead
    Instant reset = Fixtures.NOW.plusSeconds(3);
    wireMock.stubFor(post(urlPathEqualTo("/postmen/v3/labels")).inScenario("limit")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("X-RateLimit-Reset", Long.toString(reset.toEpochMilli()))
            .withHeader("X-RateLimit-Remaining", "0").withBody(fixture("aftership-shipping", "rate-limited.json")))
        .willSetStateTo("ok"));
    wireMock.stubFor(post(urlPathEqualTo("/postmen/v3/labels")).inScenario("limit").whenScenarioStateIs("ok")
        .willReturn(aResponse().withBody(fixture("aftership-shipping", "label-created.json"))));
    // two callers on one fake clock: it moves only when both sleep
    VirtualTimeSleeper time = new VirtualTimeSleeper(clock, 2);
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(time).meterRegistry(meters).random(new FixedRandom()))
        .configure("aftership-shipping", b -> b.rateLimit(1, Duration.ofSeconds(1)).pauseJitter(Duration.ZERO))
        .build();
    List<Send> sends = new CopyOnWriteArrayList<>();
    CountDownLatch firstInFlight = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    OkHttpClient client = client(policies, chain -> {
      Instant at = clock.instant();
      if (first.getAndSet(false)) {
        // the first request is answered only once the second caller waits for its permit, a second ahead
        firstInFlight.countDown();
        try {
          time.awaitSleepers(1);
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      Response response = chain.proceed(chain.request());
      sends.add(new Send(at, response.code()));
      return response;
    });
    Request create = new Request.Builder().url(url("api.aftership.com", "/postmen/v3/labels"))
        .header("as-api-key", "SECRET").post(RequestBody.create("{\"service_type\":\"dhl_express\"}", JSON)).build();
    List<String> outcomes = new CopyOnWriteArrayList<>();

    // when
    Thread caller1 = caller(client, create, time, outcomes);
    caller1.start();
    assertThat(firstInFlight.await(10, TimeUnit.SECONDS)).isTrue();
    Thread caller2 = caller(client, create, time, outcomes);
    caller2.start();
    caller1.join(TimeUnit.SECONDS.toMillis(20));
    caller2.join(TimeUnit.SECONDS.toMillis(20));

    // then only the throttled request went out before the reset
    assertThat(outcomes).containsExactly("SUCCEED", "SUCCEED");
    assertThat(sends).hasSize(3);
    assertThat(sends.get(0)).isEqualTo(new Send(Fixtures.NOW, 429));
    assertThat(sends.subList(1, sends.size())).as("requests sent after the 429, with the account paused until %s",
        reset).allSatisfy(s -> assertThat(s.at()).isAfterOrEqualTo(reset));
    wireMock.verify(3, postRequestedFor(urlPathEqualTo("/postmen/v3/labels")));
  }

  private static Thread caller(OkHttpClient client, Request request, VirtualTimeSleeper time, List<String> outcomes) {
    return new Thread(() -> {
      try (Response response = client.newCall(request).execute()) {
        outcomes.add(response.header(ShippingInterceptor.DECISION_HEADER));
      } catch (IOException | RuntimeException e) {
        outcomes.add(e.toString());
      } finally {
        time.leave();
      }
    });
  }

  @Test
  void postCarryingItsOwnIdempotencyKeyIsRepeatedWithThatKey() throws IOException {
    // given a POST answered 503, then 201, and a policy that names the key header but adds no key itself
    wireMock.stubFor(post(urlPathEqualTo("/shipments")).inScenario("create").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
    wireMock.stubFor(post(urlPathEqualTo("/shipments")).inScenario("create").whenScenarioStateIs("up")
        .willReturn(aResponse().withStatus(201).withBody("{\"id\":\"S1\"}")));
    OkHttpClient client = client(policies(b -> b.idempotencyKey("Idempotency-Key", false)));
    Request request = new Request.Builder().url(url("carrier.example", "/shipments"))
        .header("Idempotency-Key", CALLER_KEY).post(RequestBody.create("{\"weight\":1}", JSON)).build();

    // when
    try (Response response = client.newCall(request).execute()) {
      // then the caller gets the 201 of the repeat
      assertThat(response.code()).isEqualTo(201);
      assertThat(response.body().string()).isEqualTo("{\"id\":\"S1\"}");
      assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
    }
    // and both requests carried the caller's key, once
    wireMock.verify(2, postRequestedFor(urlPathEqualTo("/shipments")));
    assertThat(wireMock.getAllServeEvents()).allSatisfy(e ->
        assertThat(e.getRequest().getHeaders().getHeader("Idempotency-Key").values()).containsExactly(CALLER_KEY));
  }

  @Test
  void profileSecretsAndTheUrlsUserInfoStayOutOfLogsEventsAndErrors() throws IOException {
    // given a custom profile with its own secret query parameter, and a breaker that opens after two failures
    RecordingListener events = new RecordingListener();
    ShippingPolicies policies = ShippingPolicies.builder()
        .profiles(ProviderProfiles.builtIn().with(ProviderProfiles.parse("secret-carrier.json",
            new ByteArrayInputStream(SECRET_CARRIER.getBytes(StandardCharsets.UTF_8)))))
        .configureAll(b -> b.clock(clock).sleeper(fakeSleeper).meterRegistry(meters).random(new FixedRandom())
            .listener(events).throwOnFailure(true).breaker(50, 2, 2, Duration.ofMinutes(1), 1))
        .build();
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
        .willReturn(aResponse().withStatus(503).withBody("<html>503 Service Unavailable</html>")));
    // the first attempt fails in the transport with a message that quotes the whole URL
    AtomicBoolean failFirst = new AtomicBoolean(true);
    OkHttpClient client = client(policies, chain -> {
      if (failFirst.getAndSet(false)) {
        throw new IOException("cannot reach " + chain.request().url());
      }
      return chain.proceed(chain.request());
    });
    Request request = new Request.Builder()
        .url("http://user:pw123456@secret-carrier.example:" + wireMock.getPort()
            + "/shipments/1?api_token=SECRET123456&acct=ACCT654321")
        .build();

    // when the call fails (transport failure, then a 503 that opens the breaker) and the next is refused
    List<String> logged;
    Throwable failed;
    Throwable refused;
    try (CapturedLogs.Capture log = CapturedLogs.start()) {
      failed = catchThrowable(() -> client.newCall(request).execute().close());
      refused = catchThrowable(() -> client.newCall(request).execute().close());
      logged = log.lines().stream().map(CapturedLogs.Line::toString).toList();
    }

    // then the engine logged the transport failure at DEBUG, and what it shows masks every secret
    assertThat(failed).isInstanceOf(ShippingCallException.class);
    assertThat(refused).isInstanceOf(BreakerOpenException.class);
    assertThat(logged).anySatisfy(line -> assertThat(line).contains("attempt 1 failed"));
    assertThat(events.events()).anySatisfy(e -> assertThat(e).startsWith("AttemptEvent"));
    List<String> shown = new ArrayList<>(logged);
    shown.addAll(events.events());
    shown.addAll(ShownText.ofChain(failed));
    shown.addAll(ShownText.ofChain(refused));
    for (String secret : SECRETS) {
      assertThat(shown).noneSatisfy(text -> assertThat(text).contains(secret));
    }
  }

  @Test
  void breakerThatOpensDuringBackoffEndsTheCallWithTheProvidersLastAnswer() throws IOException {
    // given a host that answers 503, and a breaker that opens at the second failure
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
        .willReturn(aResponse().withStatus(503).withBody("<html>503 Service Unavailable</html>")));
    AtomicReference<String> other = new AtomicReference<>();
    AtomicReference<OkHttpClient> client = new AtomicReference<>();
    ShippingPolicies policies = policies(b -> b.breaker(50, 2, 2, Duration.ofMinutes(1), 1)
        .sleeper(new HookedSleeper(fakeSleeper, () -> other.set(decisionOf(client.get(), getShipment())))));
    client.set(client(policies));

    // when call A backs off after its 503 and meanwhile call B's 503 opens the breaker
    try (Response response = client.get().newCall(getShipment()).execute()) {
      // then A ends with its own 503 and its classification, not BreakerOpenException
      assertThat(response.code()).isEqualTo(503);
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("BREAK");
      assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("1");
      assertThat(response.body().string()).isEqualTo("<html>503 Service Unavailable</html>");
    }
    assertThat(other.get()).isEqualTo("BREAK");
    assertThat(policies.require(ProviderProfiles.GENERIC_HTTP).breakerStates()).containsValue("OPEN");
    wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Test
  void breakerThatOpensDuringBackoffThrowsWhenTheCallerAskedForExceptions() {
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withStatus(503)));
    AtomicReference<OkHttpClient> client = new AtomicReference<>();
    AtomicReference<Throwable> other = new AtomicReference<>();
    ShippingPolicies policies = policies(b -> b.breaker(50, 2, 2, Duration.ofMinutes(1), 1).throwOnFailure(true)
        .sleeper(new HookedSleeper(fakeSleeper, () -> other.set(catchThrowable(
            () -> client.get().newCall(getShipment()).execute().close())))));
    client.set(client(policies));

    assertThatThrownBy(() -> client.get().newCall(getShipment()).execute().close())
        .isInstanceOf(BreakerOpenException.class);
    assertThat(other.get()).isInstanceOf(ShippingCallException.class);
    wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  private Request getShipment() {
    return new Request.Builder().url(url("carrier.example", "/shipments/1")).build();
  }

  private static String decisionOf(OkHttpClient client, Request request) {
    try (Response response = client.newCall(request).execute()) {
      return response.header(ShippingInterceptor.DECISION_HEADER);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
