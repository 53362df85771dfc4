package dev.shippingresilience.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.BreakerOpenException;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingCallException;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spring.testing.CountingRequestFactory;
import dev.shippingresilience.spring.testing.NoLeakedResponses;
import dev.shippingresilience.testing.CapturedLogs;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.HookedSleeper;
import dev.shippingresilience.testing.RecordingListener;
import dev.shippingresilience.testing.ShownText;
import dev.shippingresilience.testing.VirtualTimeSleeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Issue 12's promises of the engine, kept through a real {@link RestClient} (JDK HttpClient, our customizer)
 * against WireMock: a 429 pause holds back the callers already waiting for a permit, the caller's own idempotency
 * key makes a POST repeatable, no secret reaches a log line, event or error, and a breaker that opens during a
 * backoff hands back the provider's last answer.
 */
class EnginePromisesTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedResponses responses = new NoLeakedResponses();
  private static final String LABELS = "/postmen/v3/labels";
  private static final String CALLER_KEY = "caller-key-7f3a";
  /** A custom profile whose own secret query parameter ({@code acct}) the default redaction does not know. */
  private static final String SECRET_CARRIER = "{\"id\": \"secret-carrier\", \"name\": \"Secret Carrier\", "
      + "\"httpStatuses\": {\"2xx\": {\"decision\": \"SUCCEED\", \"reason\": \"success\"}, "
      + "\"5xx\": {\"decision\": \"BREAK\", \"reason\": \"server error\"}}, \"secrets\": {\"query\": [\"acct\"]}}";
  private static final List<String> SECRETS = List.of("SECRET123456", "ACCT654321", "pw123456");

  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper fakeSleeper = new FakeSleeper(clock);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final CountingRequestFactory transport = responses.jdk();

  private ShippingPolicies policies(Consumer<ShippingPolicy.Builder> custom) {
    return ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(fakeSleeper).meterRegistry(meters).random(new FixedRandom()))
        .configureAll(custom)
        .build();
  }

  /**
   * A RestClient to WireMock with our customizer, 127.0.0.1 mapped to {@code provider} (generic-http when null), and
   * {@code perAttempt} run for each attempt, after our interceptor.
   */
  private RestClient client(ShippingPolicies policies, String provider, ClientHttpRequestInterceptor... perAttempt) {
    ShippingResilienceInterceptor.Builder interceptor = ShippingResilienceInterceptor.builder(policies);
    if (provider != null) {
      interceptor.host("127.0.0.1", provider);
    }
    RestClient.Builder builder = RestClient.builder().requestFactory(transport)
        .baseUrl("http://127.0.0.1:" + wireMock.getPort());
    for (ClientHttpRequestInterceptor i : perAttempt) {
      builder.requestInterceptor(i);
    }
    return builder.apply(new ShippingResilienceCustomizer(interceptor.build())).build();
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
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("X-RateLimit-Reset", Long.toString(reset.toEpochMilli()))
            .withHeader("X-RateLimit-Remaining", "0").withBody(fixture("aftership-shipping", "rate-limited.json")))
        .willSetStateTo("ok"));
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).inScenario("limit").whenScenarioStateIs("ok")
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
    RestClient client = client(policies, "aftership-shipping", (request, body, execution) -> {
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
      ClientHttpResponse response = execution.execute(request, body);
      sends.add(new Send(at, response.getStatusCode().value()));
      return response;
    });
    List<String> outcomes = new CopyOnWriteArrayList<>();

    // when
    Thread caller1 = caller(client, time, outcomes);
    caller1.start();
    assertThat(firstInFlight.await(10, TimeUnit.SECONDS)).isTrue();
    Thread caller2 = caller(client, time, outcomes);
    caller2.start();
    caller1.join(TimeUnit.SECONDS.toMillis(20));
    caller2.join(TimeUnit.SECONDS.toMillis(20));

    // then only the throttled request went out before the reset
    assertThat(outcomes).containsExactly("SUCCEED", "SUCCEED");
    assertThat(sends).hasSize(3);
    assertThat(sends.get(0)).isEqualTo(new Send(Fixtures.NOW, 429));
    assertThat(sends.subList(1, sends.size())).as("requests sent after the 429, with the account paused until %s",
        reset).allSatisfy(s -> assertThat(s.at()).isAfterOrEqualTo(reset));
    wireMock.verify(3, postRequestedFor(urlPathEqualTo(LABELS)));
  }

  private static Thread caller(RestClient client, VirtualTimeSleeper time, List<String> outcomes) {
    return new Thread(() -> {
      try {
        ResponseEntity<String> response = client.post().uri(LABELS).header("as-api-key", "SECRET")
            .contentType(MediaType.APPLICATION_JSON).body("{\"service_type\":\"dhl_express\"}")
            .retrieve().toEntity(String.class);
        outcomes.add(response.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER));
      } catch (RuntimeException e) {
        outcomes.add(e.toString());
      } finally {
        time.leave();
      }
    });
  }

  @Test
  void postCarryingItsOwnIdempotencyKeyIsRepeatedWithThatKey() {
    // given a POST answered 503, then 201, and a policy that names the key header but adds no key itself
    wireMock.stubFor(post(urlPathEqualTo("/shipments")).inScenario("create").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
    wireMock.stubFor(post(urlPathEqualTo("/shipments")).inScenario("create").whenScenarioStateIs("up")
        .willReturn(aResponse().withStatus(201).withBody("{\"id\":\"S1\"}")));
    RestClient client = client(policies(b -> b.idempotencyKey("Idempotency-Key", false)), null);

    // when
    ResponseEntity<String> response = client.post().uri("/shipments").header("Idempotency-Key", CALLER_KEY)
        .contentType(MediaType.APPLICATION_JSON).body("{\"weight\":1}")
        .retrieve().onStatus(status -> true, (request, r) -> { }).toEntity(String.class);

    // then the caller gets the 201 of the repeat
    assertThat(response.getStatusCode().value()).isEqualTo(201);
    assertThat(response.getBody()).isEqualTo("{\"id\":\"S1\"}");
    assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
    // and both requests carried the caller's key, once
    wireMock.verify(2, postRequestedFor(urlPathEqualTo("/shipments")));
    assertThat(wireMock.getAllServeEvents()).allSatisfy(e ->
        assertThat(e.getRequest().getHeaders().getHeader("Idempotency-Key").values()).containsExactly(CALLER_KEY));
  }

  @Test
  void profileSecretsAndTheUrlsUserInfoStayOutOfLogsEventsAndErrors() {
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
    RestClient client = client(policies, "secret-carrier", (request, body, execution) -> {
      if (failFirst.getAndSet(false)) {
        throw new IOException("cannot reach " + request.getURI());
      }
      return execution.execute(request, body);
    });
    URI uri = URI.create("http://user:pw123456@127.0.0.1:" + wireMock.getPort()
        + "/shipments/1?api_token=SECRET123456&acct=ACCT654321");

    // when the call fails (transport failure, then a 503 that opens the breaker) and the next is refused
    List<String> logged;
    Throwable failed;
    Throwable refused;
    try (CapturedLogs.Capture log = CapturedLogs.start()) {
      failed = catchThrowable(() -> client.get().uri(uri).retrieve().toBodilessEntity());
      refused = catchThrowable(() -> client.get().uri(uri).retrieve().toBodilessEntity());
      logged = log.lines().stream().map(CapturedLogs.Line::toString).toList();
    }

    // then the engine logged the transport failure at DEBUG, and what it shows masks every secret
    assertThat(failed).isInstanceOf(ResourceAccessException.class).cause().isInstanceOf(ShippingCallException.class);
    assertThat(refused).isInstanceOf(ResourceAccessException.class).cause().isInstanceOf(BreakerOpenException.class);
    assertThat(logged).anySatisfy(line -> assertThat(line).contains("attempt 1 failed"));
    assertThat(events.events()).anySatisfy(e -> assertThat(e).startsWith("AttemptEvent"));
    List<String> shown = new ArrayList<>(logged);
    shown.addAll(events.events());
    // Spring's ResourceAccessException quotes the URL itself; the library's text starts at its cause
    shown.addAll(ShownText.ofChain(failed.getCause()));
    shown.addAll(ShownText.ofChain(refused.getCause()));
    for (String secret : SECRETS) {
      assertThat(shown).noneSatisfy(text -> assertThat(text).contains(secret));
    }
  }

  @Test
  void breakerThatOpensDuringBackoffEndsTheCallWithTheProvidersLastAnswer() {
    // given a host that answers 503, and a breaker that opens at the second failure
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
        .willReturn(aResponse().withStatus(503).withBody("<html>503 Service Unavailable</html>")));
    AtomicReference<RestClient> client = new AtomicReference<>();
    AtomicReference<String> other = new AtomicReference<>();
    ShippingPolicies policies = policies(b -> b.breaker(50, 2, 2, Duration.ofMinutes(1), 1)
        .sleeper(new HookedSleeper(fakeSleeper, () -> other.set(client.get().get().uri("/shipments/1")
            .exchange((request, r) -> r.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER))))));
    client.set(client(policies, null));

    // when call A backs off after its 503 and meanwhile call B's 503 opens the breaker
    ResponseEntity<String> response = client.get().get().uri("/shipments/1").retrieve()
        .onStatus(status -> true, (request, r) -> { }).toEntity(String.class);

    // then A ends with its own 503 and its classification, not BreakerOpenException
    assertThat(response.getStatusCode().value()).isEqualTo(503);
    assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("BREAK");
    assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("1");
    assertThat(response.getBody()).isEqualTo("<html>503 Service Unavailable</html>");
    assertThat(other.get()).isEqualTo("BREAK");
    assertThat(policies.require(ProviderProfiles.GENERIC_HTTP).breakerStates()).containsValue("OPEN");
    wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Test
  void breakerThatOpensDuringBackoffThrowsWhenTheCallerAskedForExceptions() {
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withStatus(503)));
    AtomicReference<RestClient> client = new AtomicReference<>();
    AtomicReference<Throwable> other = new AtomicReference<>();
    ShippingPolicies policies = policies(b -> b.breaker(50, 2, 2, Duration.ofMinutes(1), 1).throwOnFailure(true)
        .sleeper(new HookedSleeper(fakeSleeper, () -> other.set(catchThrowable(
            () -> client.get().get().uri("/shipments/1").retrieve().toBodilessEntity())))));
    client.set(client(policies, null));

    Throwable thrown = catchThrowable(() -> client.get().get().uri("/shipments/1").retrieve().toBodilessEntity());

    assertThat(thrown).isInstanceOf(ResourceAccessException.class).cause().isInstanceOf(BreakerOpenException.class);
    assertThat(other.get()).isInstanceOf(ResourceAccessException.class).cause()
        .isInstanceOf(ShippingCallException.class);
    wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }
}
