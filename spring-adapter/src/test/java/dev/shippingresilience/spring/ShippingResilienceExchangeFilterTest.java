package dev.shippingresilience.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.BreakerOpenException;
import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ShippingCallException;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.DecisionEvent;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.spring.testing.LargeBodies;
import dev.shippingresilience.spring.testing.CountingDataBufferFactory;
import dev.shippingresilience.spring.testing.Stubs;
import dev.shippingresilience.spring.testing.VirtualTime;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FixedRandom;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Disposable;

/**
 * {@link ShippingResilienceExchangeFilter} on a real {@link WebClient} over the JDK connector, against WireMock on
 * loopback. The engine's waits run in virtual time ({@link VirtualTime}); the connector's received buffers are
 * reference-counted, and every test ends with all of them released.
 */
class ShippingResilienceExchangeFilterTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

  private final VirtualTime time = new VirtualTime(new FakeClock(Fixtures.NOW));
  private final CountingDataBufferFactory buffers = new CountingDataBufferFactory();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<Classification> decisions = new CopyOnWriteArrayList<>();
  private ShippingPolicies policies;

  /** A WebClient whose requests to WireMock (127.0.0.1) go through {@code provider}'s policy. */
  private WebClient client(String provider, Consumer<ShippingPolicy.Builder> custom) {
    policies = ShippingPolicies.builder()
        .configureAll(b -> b.clock(time.clock()).scheduler(time.scheduler()).meterRegistry(meters)
            .random(new FixedRandom())
            .listener(new ShippingListener() {
              @Override
              public void onDecision(DecisionEvent event) {
                decisions.add(event.classification());
              }
            }))
        .configureAll(custom)
        .build();
    return webClient(ShippingResilienceExchangeFilter.builder(policies).host("127.0.0.1", provider).build());
  }

  private WebClient client(String provider) {
    return client(provider, b -> {});
  }

  /** A WebClient with {@code filter} over the JDK connector (HTTP/1.1) whose received buffers are counted. */
  private WebClient webClient(ShippingResilienceExchangeFilter filter) {
    JdkClientHttpConnector connector = new JdkClientHttpConnector(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
    connector.setBufferFactory(buffers);
    return WebClient.builder()
        .clientConnector(connector)
        .baseUrl("http://127.0.0.1:" + wireMock.getPort())
        .apply(filter::addTo)
        .build();
  }

  @AfterEach
  void everyReceivedBufferWasReleasedOnce() throws InterruptedException {
    assertThat(buffers.awaitReleased(Duration.ofSeconds(5))).as("received buffers never released").isZero();
  }

  private static String fixture(String provider, String name) {
    return new String(Fixtures.body(provider, name), StandardCharsets.UTF_8);
  }

  private static String header(ResponseEntity<?> response, String name) {
    return response.getHeaders().getFirst(name);
  }

  @Test
  void successPassesTheBodyAndAddsTheResultHeaders() throws Throwable {
    // given
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{\"status\":\"ok\"}")));

    // when
    ResponseEntity<String> response = time.await(client("generic-http").get().uri("/shipments/1").retrieve()
        .toEntity(String.class));

    // then
    assertThat(response.getBody()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(header(response, ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    assertThat(header(response, ShippingResilienceInterceptor.DUPLICATE_HEADER)).isEqualTo("false");
    assertThat(header(response, ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("1");
    assertThat(header(response, ShippingResilienceInterceptor.CODE_HEADER)).isNull();
    assertThat(time.waits()).isEmpty();
  }

  @Test
  void serverErrorIsSentAgainAfterTheBackoffThenSucceeds() throws Throwable {
    // given
    Stubs.inOrder(wireMock, () -> get(urlPathEqualTo("/shipments/1")),
        aResponse().withStatus(503).withBody("{\"error\":\"busy\"}"), aResponse().withBody("{\"status\":\"ok\"}"));

    // when
    ResponseEntity<String> response = time.await(client("generic-http").get().uri("/shipments/1").retrieve()
        .toEntity(String.class));

    // then
    assertThat(response.getBody()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(header(response, ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
    assertThat(time.waits()).hasSize(1);
    assertThat(decisions).extracting(Classification::decision).containsExactly(Decision.BREAK, Decision.SUCCEED);
    wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Test
  void tooManyRequestsWithRetryAfterPausesExactlyThatLongThenSucceeds() throws Throwable {
    // given
    Stubs.inOrder(wireMock, () -> get(urlPathEqualTo("/shipments/1")),
        aResponse().withStatus(429).withHeader("Retry-After", "5"), aResponse().withBody("{\"status\":\"ok\"}"));

    // when
    String body = time.await(client("generic-http", b -> b.pauseJitter(Duration.ZERO)).get().uri("/shipments/1")
        .retrieve().bodyToMono(String.class));

    // then
    assertThat(body).isEqualTo("{\"status\":\"ok\"}");
    assertThat(time.waits()).containsExactly(Duration.ofSeconds(5));
    wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Nested
  class Clickpost {
    private static final String CREATE = "/api/v3/create-order/";

    private WebClient.RequestHeadersSpec<?> create(WebClient client, int courier) {
      return client.post().uri(CREATE + "?username=u&key=SECRET")
          .contentType(MediaType.APPLICATION_JSON)
          .body(ShippingResilienceExchangeFilter.bytes(
              "{\"courier_partner\":" + courier + ",\"reference_number\":\"R1\"}"));
    }

    @Test
    void createOrderIsPolledThrough102And102ToThePlacedOrder() throws Throwable {
      // given
      Stubs.clickpostCreateAnswers(wireMock, "create-order-processing.json", "create-order-processing.json",
          "create-order-success.json");

      // when
      ResponseEntity<String> response = time.await(create(client("clickpost"), 1).retrieve()
          .toEntity(String.class));

      // then
      assertThat(response.getBody()).contains("\"waybill\": \"785578015860\"");
      assertThat(header(response, ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      assertThat(header(response, ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("3");
      assertThat(decisions).extracting(Classification::decision)
          .containsExactly(Decision.POLL, Decision.POLL, Decision.SUCCEED);
      assertThat(time.waits()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
      wireMock.verify(3, postRequestedFor(urlPathEqualTo(CREATE))
          .withRequestBody(matchingJsonPath("$.reference_number", equalTo("R1"))));
    }

    @Test
    void carrierOutageOpensOnlyThatCouriersBreakerAndTheNextCallFailsFastWithoutTraffic() throws Throwable {
      // given
      wireMock.stubFor(post(urlPathEqualTo(CREATE))
          .withRequestBody(matchingJsonPath("$.courier_partner", equalTo("5")))
          .willReturn(aResponse().withBody(fixture("clickpost", "carrier-outage.json"))));
      wireMock.stubFor(post(urlPathEqualTo(CREATE))
          .withRequestBody(matchingJsonPath("$.courier_partner", equalTo("6")))
          .willReturn(aResponse().withBody(fixture("clickpost", "create-order-success.json"))));
      WebClient client = client("clickpost", b -> b.breaker(50, 4, 4, Duration.ofMinutes(1), 1));

      // when the courier's outage answers every attempt
      ResponseEntity<String> first = time.await(create(client, 5).retrieve().toEntity(String.class));

      // then the provider's last answer comes back and the courier's breaker (read from the body) is open
      assertThat(header(first, ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("BREAK");
      assertThat(header(first, ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("4");
      assertThat(policies.require("clickpost").breakerStates())
          .containsEntry("clickpost/carrier:5", "OPEN")
          .containsEntry("clickpost", "CLOSED");
      int sent = wireMock.getAllServeEvents().size();

      // and the next call to that courier fails fast with the engine's exception itself
      Throwable fastFailure = catchThrowable(() -> time.await(create(client, 5).retrieve().toEntity(String.class)));
      assertThat(fastFailure).isInstanceOfSatisfying(BreakerOpenException.class, e -> {
        assertThat(e.scope()).isEqualTo("clickpost/carrier:5");
        assertThat(e.provider()).isEqualTo("clickpost");
      }).hasMessageNotContaining("SECRET");
      assertThat(wireMock.getAllServeEvents()).hasSize(sent);

      // while another courier still goes through
      ResponseEntity<String> other = time.await(create(client, 6).retrieve().toEntity(String.class));
      assertThat(header(other, ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    }

    @Test
    void carrierAttributeScopesTheBreakerOfABodyTheEngineDoesNotRead() throws Throwable {
      // given a body from bodyValue, which is sent but not read by the engine
      wireMock.stubFor(post(urlPathEqualTo(CREATE))
          .willReturn(aResponse().withBody(fixture("clickpost", "carrier-outage.json"))));
      WebClient client = client("clickpost", b -> b.maxAttempts(1));

      // when
      String body = time.await(client.post().uri(CREATE).contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{\"courier_partner\":5}")
          .attribute(ShippingRequestAttributes.CARRIER, 9)
          .retrieve().bodyToMono(String.class));

      // then
      assertThat(body).contains("322");
      assertThat(decisions).singleElement().satisfies(c -> {
        assertThat(c.decision()).isEqualTo(Decision.BREAK);
        assertThat(c.scope()).isEqualTo("clickpost/carrier:9");
      });
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE)).withRequestBody(equalToJson("{\"courier_partner\":5}")));
    }
  }

  @Nested
  class AfterShip {
    private static final String LABELS = "/postmen/v3/labels";

    private WebClient.RequestHeadersSpec<?> createLabel(WebClient client) {
      return client.post().uri(LABELS).header("as-api-key", "SECRET")
          .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"service_type\":\"dhl_express\"}");
    }

    @Test
    void rateLimitWithXRateLimitResetIsWaitedExactlyThenTheLabelIsCreated() throws Throwable {
      // given
      Stubs.afterShipRateLimitedOnce(wireMock);

      // when
      ResponseEntity<String> response = time.await(createLabel(
          client("aftership-shipping", b -> b.pauseJitter(Duration.ZERO))).retrieve().toEntity(String.class));

      // then
      assertThat(response.getStatusCode().value()).isEqualTo(200);
      assertThat(response.getBody()).contains("\"status\": \"created\"");
      assertThat(time.waits()).containsExactly(Duration.ofSeconds(4));
      wireMock.verify(2, postRequestedFor(urlPathEqualTo(LABELS)));
    }

    @Test
    void acceptedLabelIsPolledWithABodilessGetOfLabelsIdCarryingTheOriginalHeaders() throws Throwable {
      // given
      Stubs.afterShipLabelPolled(wireMock);

      // when
      String body = time.await(createLabel(client("aftership-shipping")).retrieve().bodyToMono(String.class));

      // then: the poll request is built from the original one (ClientRequest.from), less its body
      assertThat(body).contains("\"status\": \"created\"");
      Stubs.assertLabelPolledWithBodilessGets(wireMock);
    }

    @Test
    void connectionResetOnAPostWithoutAKeyIsNotRepeated() {
      // given
      wireMock.stubFor(post(urlPathEqualTo(LABELS)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      WebClient client = client("aftership-shipping");

      // when
      Throwable failure = catchThrowable(() -> time.await(createLabel(client).retrieve().bodyToMono(String.class)));

      // then: WebClient's own exception for a transport failure, caused by the transport's, not the engine's
      assertThat(failure).isInstanceOf(WebClientRequestException.class)
          .cause().isInstanceOf(IOException.class).isNotInstanceOf(ShippingCallException.class);
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(LABELS)));
    }

    @Test
    void idempotencyKeyAttributeIsSentOnEveryAttemptAndMakesThePostRepeatable() throws Throwable {
      // given
      Stubs.afterShipTryAgainThenCreated(wireMock);
      WebClient client = client("aftership-shipping", b -> b.idempotencyKey("Idempotency-Key", false));

      // when
      String body = time.await(createLabel(client).attribute(ShippingRequestAttributes.IDEMPOTENCY_KEY, "order-42")
          .retrieve().bodyToMono(String.class));

      // then: the retry re-wrote the bodyValue body
      assertThat(body).contains("created");
      wireMock.verify(2, postRequestedFor(urlPathEqualTo(LABELS)).withHeader("Idempotency-Key", equalTo("order-42"))
          .withHeader("Content-Type", equalTo("application/json"))
          .withRequestBody(equalToJson("{\"service_type\":\"dhl_express\"}")));
    }
  }

  @Nested
  class Cancellation {
    @Test
    void cancellingTheSubscriptionDuringAWaitSendsNothingMore() throws Exception {
      // given a provider that asks for a minute
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
          .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "60").withBody("{\"error\":\"busy\"}")));
      WebClient client = client("generic-http");
      CompletableFuture<Void> waiting = time.nextWait();
      Disposable call = client.get().uri("/shipments/1").retrieve().toBodilessEntity().subscribe();
      waiting.get(10, TimeUnit.SECONDS);
      assertThat(time.waits()).containsExactly(Duration.ofSeconds(60));

      // when
      call.dispose();

      // then the wait is gone, and when its time would have come nothing is sent
      assertThat(time.queued()).isZero();
      time.runUntilIdle();
      wireMock.verify(1, getRequestedFor(urlPathEqualTo("/shipments/1")));
    }

    @Test
    void pollingCallHoldsNoThreadWhileItWaits() throws Exception {
      // given Clickpost answering "processing" once
      String create = "/api/v3/create-order/";
      Stubs.clickpostCreateAnswers(wireMock, "create-order-processing.json", "create-order-success.json");
      WebClient client = client("clickpost");
      CompletableFuture<Void> waiting = time.nextWait();

      // when the call waits for its poll
      CompletableFuture<String> call = client.post().uri(create).contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{}").retrieve().bodyToMono(String.class).toFuture();
      waiting.get(10, TimeUnit.SECONDS);

      // then no thread is parked in the library meanwhile (a blocking engine would sleep or wait in it)
      assertThat(call).isNotDone();
      assertThat(threadsWaitingInTheLibrary()).isEmpty();
      time.awaitEnd(call);
      assertThat(call.join()).contains("785578015860");
    }

    /** Names of the threads, other than this one, waiting or blocked with a frame of the library on their stack. */
    private List<String> threadsWaitingInTheLibrary() {
      long self = Thread.currentThread().getId();
      return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
          .filter(t -> t.getThreadId() != self)
          .filter(t -> t.getThreadState() != Thread.State.RUNNABLE)
          .filter(t -> Arrays.stream(t.getStackTrace())
              .anyMatch(frame -> frame.getClassName().startsWith("dev.shippingresilience.")))
          .map(ThreadInfo::getThreadName)
          .toList();
    }
  }

  @Nested
  class Bodies {
    @Test
    void bodyMuchLargerThanThePeekLimitReachesTheCallerByteIdenticalAtItsPace() throws Throwable {
      // given two mebibytes, which arrive in many chunks
      byte[] big = LargeBodies.random(2 * 1024 * 1024, 42);
      wireMock.stubFor(get(urlPathEqualTo("/labels/big.pdf"))
          .willReturn(aResponse().withBody(big).withHeader("Content-Type", "application/pdf")));
      AtomicLong receivedBeforeTheCallerRead = new AtomicLong();

      // when the caller streams the body, releasing each buffer
      byte[] digest = time.await(client("generic-http").get().uri("/labels/big.pdf").exchangeToMono(response -> {
        receivedBeforeTheCallerRead.set(buffers.bytesMade());
        return response.bodyToFlux(DataBuffer.class).reduce(LargeBodies.sha256(), (sha, buffer) -> {
          byte[] bytes = new byte[buffer.readableByteCount()];
          buffer.read(bytes);
          DataBufferUtils.release(buffer);
          sha.update(bytes);
          return sha;
        }).map(MessageDigest::digest);
      }));

      // then
      assertThat(digest).isEqualTo(LargeBodies.sha256().digest(big));
      assertThat(buffers.made()).as("chunks received").isGreaterThan(10);
      assertThat(buffers.bytesMade()).isEqualTo(big.length);
      assertThat(receivedBeforeTheCallerRead.get()).as("bytes taken from the connection before the caller read")
          .isGreaterThan(policies.require("generic-http").classifier().peekLimit())
          .isLessThan(256 * 1024);
      assertThat(decisions).singleElement().extracting(Classification::decision).isEqualTo(Decision.SUCCEED);
    }

    @Test
    void wholeLargeBodyConvertsToBytes() throws Throwable {
      byte[] big = LargeBodies.random(2 * 1024 * 1024, 7);
      wireMock.stubFor(get(urlPathEqualTo("/labels/big.pdf")).willReturn(aResponse().withBody(big)));
      WebClient client = client("generic-http").mutate()
          .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024)).build();
      byte[] body = time.await(client.get().uri("/labels/big.pdf").retrieve().bodyToMono(byte[].class));
      assertThat(body).isEqualTo(big);
    }

    @Test
    void failedResponseAfterExhaustedRetriesReachesRetrieveAsItsException() {
      // given
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
          .willReturn(aResponse().withStatus(503).withBody("{\"error\":\"busy\"}")));
      WebClient client = client("generic-http", b -> b.maxAttempts(2));

      // when
      Throwable failure = catchThrowable(() -> time.await(client.get().uri("/shipments/1").retrieve()
          .bodyToMono(String.class)));

      // then: the provider's last answer, read whole by WebClient, the earlier one released
      assertThat(failure).isInstanceOfSatisfying(WebClientResponseException.class, e -> {
        assertThat(e.getStatusCode().value()).isEqualTo(503);
        assertThat(e.getResponseBodyAsString()).isEqualTo("{\"error\":\"busy\"}");
        assertThat(e.getHeaders().getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
      });
      wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
    }
  }

  @Nested
  class Selection {
    @Test
    void attributeOfTheWrongTypeIsRejectedBeforeAnythingIsSent() {
      WebClient client = client("generic-http");
      Throwable failure = catchThrowable(() -> time.await(client.get().uri("/shipments/1")
          .attribute(ShippingRequestAttributes.DEADLINE, "30s").retrieve().toBodilessEntity()));
      assertThat(failure).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(ShippingRequestAttributes.DEADLINE).hasMessageContaining("java.time.Duration");
      assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void unknownProviderAttributeIsRejectedNamingTheKnownOnes() {
      WebClient client = client("generic-http");
      Throwable failure = catchThrowable(() -> time.await(client.get().uri("/shipments/1")
          .attribute(ShippingRequestAttributes.PROVIDER, "dhl").retrieve().toBodilessEntity()));
      assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dhl")
          .hasMessageContaining("clickpost");
      assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void unknownHostsPassThroughUntouchedUnlessGenericFallbackIsOn() throws Throwable {
      // given
      wireMock.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse().withStatus(503)));
      client("generic-http");
      WebClient passThrough = webClient(ShippingResilienceExchangeFilter.builder(policies).genericFallback(false)
          .build());

      // when
      ResponseEntity<Void> response = time.await(passThrough.get().uri("/items")
          .exchangeToMono(r -> r.toBodilessEntity()));

      // then
      assertThat(response.getStatusCode().value()).isEqualTo(503);
      assertThat(header(response, ShippingResilienceInterceptor.DECISION_HEADER)).isNull();
      wireMock.verify(1, getRequestedFor(urlPathEqualTo("/items")));
      assertThat(ShippingResilienceExchangeFilter.of(policies).policyFor(request("http://127.0.0.1/items")))
          .extracting(ShippingPolicy::provider).isEqualTo("generic-http");
    }

    @Test
    void filterOfOnePolicyAppliesItToEveryHostAndRejectsAnotherProviderAttribute() {
      ShippingPolicy clickpost = ShippingPolicies.builder()
          .configureAll(b -> b.meterRegistry(new SimpleMeterRegistry())).build().require("clickpost");
      ShippingResilienceExchangeFilter filter = ShippingResilienceExchangeFilter.of(clickpost);

      assertThat(filter.policyFor(request("https://api.aftership.com/postmen/v3/labels"))).isSameAs(clickpost);
      assertThat(catchThrowable(() -> filter.policyFor(ClientRequest.create(HttpMethod.GET,
          URI.create("https://example.com/")).attribute(ShippingRequestAttributes.PROVIDER, "17track").build())))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("17track")
          .hasMessageContaining("clickpost");
    }

    @Test
    void addToPutsTheFilterFirstAndOnlyOnce() {
      ShippingResilienceExchangeFilter filter = ShippingResilienceExchangeFilter.of(ShippingPolicies.builder()
          .configureAll(b -> b.meterRegistry(new SimpleMeterRegistry())).build());
      ExchangeFilterFunction logging = (request, next) -> next.exchange(request);
      WebClient.Builder builder = WebClient.builder().filter(logging);

      builder.apply(filter::addTo).apply(filter::addTo);

      List<ExchangeFilterFunction> filters = new CopyOnWriteArrayList<>();
      builder.filters(filters::addAll);
      assertThat(filters).containsExactly(filter, logging);
    }

    private static ClientRequest request(String url) {
      return ClientRequest.create(HttpMethod.GET, URI.create(url)).build();
    }
  }
}
