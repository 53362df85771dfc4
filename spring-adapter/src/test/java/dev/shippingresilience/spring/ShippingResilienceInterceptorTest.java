package dev.shippingresilience.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.shippingresilience.BreakerOpenException;
import dev.shippingresilience.CallCancelledException;
import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ItemClassification;
import dev.shippingresilience.ShippingCallException;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.Sleeper;
import dev.shippingresilience.event.DecisionEvent;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.spring.testing.LargeBodies;
import dev.shippingresilience.spring.testing.CountingRequestFactory;
import dev.shippingresilience.spring.testing.NoLeakedResponses;
import dev.shippingresilience.spring.testing.Stubs;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

class ShippingResilienceInterceptorTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedResponses responses = new NoLeakedResponses();

  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper sleeper = new FakeSleeper(clock);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<Classification> decisions = new CopyOnWriteArrayList<>();
  private final CountingRequestFactory transport = responses.jdk();
  private ShippingPolicies policies;

  /** A RestClient whose requests to WireMock (127.0.0.1) go through {@code provider}'s policy. */
  private RestClient client(String provider, Consumer<ShippingPolicy.Builder> custom) {
    policies = ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(sleeper).meterRegistry(meters).random(new FixedRandom())
            .listener(new ShippingListener() {
              @Override
              public void onDecision(DecisionEvent event) {
                decisions.add(event.classification());
              }
            }))
        .configureAll(custom)
        .build();
    ShippingResilienceInterceptor interceptor = ShippingResilienceInterceptor.builder(policies)
        .host("127.0.0.1", provider)
        .build();
    return RestClient.builder()
        .requestFactory(transport)
        .baseUrl("http://127.0.0.1:" + wireMock.getPort())
        .apply(new ShippingResilienceCustomizer(interceptor))
        .build();
  }

  private RestClient client(String provider) {
    return client(provider, b -> {});
  }

  private static String fixture(String provider, String name) {
    return new String(Fixtures.body(provider, name), StandardCharsets.UTF_8);
  }

  @Nested
  class Clickpost {
    private static final String CREATE = "/api/v3/create-order/";

    private RestClient.RequestBodySpec create(RestClient client, int courier) {
      return client.post().uri(CREATE + "?username=u&key=SECRET")
          .contentType(MediaType.APPLICATION_JSON)
          .body("{\"courier_partner\":" + courier + ",\"reference_number\":\"R1\"}");
    }

    @Test
    void createOrderIsPolledFrom202Through102To323AndReturnsThePayloadFlaggedDuplicate() {
      // given
      Stubs.clickpostCreateAnswers(wireMock, "create-order-queued.json", "create-order-processing.json",
          "create-order-already-placed.json");
      RestClient client = client("clickpost");

      // when
      ResponseEntity<String> response = create(client, 1).retrieve().toEntity(String.class);

      // then
      assertThat(response.getBody()).contains("\"waybill\": \"1993933981231\"");
      assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.DUPLICATE_HEADER)).isEqualTo("true");
      assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("3");
      assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.CODE_HEADER)).isEqualTo("323");
      wireMock.verify(3, postRequestedFor(urlPathEqualTo(CREATE))
          .withRequestBody(matchingJsonPath("$.reference_number", equalTo("R1"))));
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
      assertThat(transport.opened()).isEqualTo(3);
    }

    @Test
    void carrierOutageOpensOnlyThatCouriersBreakerAndTheNextCallFailsFastWithoutTraffic() {
      // given
      wireMock.stubFor(post(urlPathEqualTo(CREATE))
          .withRequestBody(matchingJsonPath("$.courier_partner", equalTo("5")))
          .willReturn(aResponse().withBody(fixture("clickpost", "carrier-outage.json"))));
      wireMock.stubFor(post(urlPathEqualTo(CREATE))
          .withRequestBody(matchingJsonPath("$.courier_partner", equalTo("6")))
          .willReturn(aResponse().withBody(fixture("clickpost", "create-order-success.json"))));
      RestClient client = client("clickpost", b -> b.breaker(50, 4, 4, Duration.ofMinutes(1), 1));

      // when the courier's outage answers every attempt
      ResponseEntity<String> first = create(client, 5).retrieve().toEntity(String.class);

      // then the provider's last answer comes back and the courier's breaker is open
      assertThat(first.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("BREAK");
      assertThat(first.getHeaders().getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("4");
      assertThat(policies.require("clickpost").breakerStates())
          .containsEntry("clickpost/carrier:5", "OPEN")
          .containsEntry("clickpost", "CLOSED");
      int sent = wireMock.getAllServeEvents().size();

      // and the next call to that courier fails fast, as a RestClientException caused by ours
      assertThatThrownBy(() -> create(client, 5).retrieve().toEntity(String.class))
          .isInstanceOf(ResourceAccessException.class)
          .hasMessageNotContaining("SECRET")
          .cause().isInstanceOfSatisfying(BreakerOpenException.class, e -> {
            assertThat(e.scope()).isEqualTo("clickpost/carrier:5");
            assertThat(e.provider()).isEqualTo("clickpost");
          });
      assertThat(wireMock.getAllServeEvents()).hasSize(sent);

      // while another courier still goes through
      ResponseEntity<String> other = create(client, 6).retrieve().toEntity(String.class);
      assertThat(other.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    }

    @Test
    void carrierAttributeScopesTheBreakerAndOperationAttributePicksTheCodeTable() {
      // given a path no Clickpost operation matches
      wireMock.stubFor(post(urlPathEqualTo("/proxy/orders"))
          .willReturn(aResponse().withBody(fixture("clickpost", "carrier-outage.json"))));
      RestClient client = client("clickpost", b -> b.maxAttempts(1));

      // when
      String body = client.post().uri("/proxy/orders").contentType(MediaType.APPLICATION_JSON).body("{}")
          .attribute(ShippingRequestAttributes.CARRIER, 9)
          .attribute(ShippingRequestAttributes.OPERATION, "create-order")
          .retrieve().body(String.class);

      // then
      assertThat(body).contains("322");
      assertThat(decisions).singleElement().satisfies(c -> {
        assertThat(c.operation()).isEqualTo("create-order");
        assertThat(c.decision()).isEqualTo(Decision.BREAK);
        assertThat(c.scope()).isEqualTo("clickpost/carrier:9");
      });
      assertThat(policies.require("clickpost").breakerStates()).containsKey("clickpost/carrier:9");
    }
  }

  @Nested
  class AfterShip {
    private static final String LABELS = "/postmen/v3/labels";

    private RestClient.RequestBodySpec createLabel(RestClient client) {
      return client.post().uri(LABELS).header("as-api-key", "SECRET")
          .contentType(MediaType.APPLICATION_JSON).body("{\"service_type\":\"dhl_express\"}");
    }

    @Test
    void rateLimitWithXRateLimitResetIsWaitedExactlyThenTheLabelIsCreated() {
      // given
      Stubs.afterShipRateLimitedOnce(wireMock);

      // when (without the spread after a reset, which core's tests cover, the wait is exactly the reset)
      ResponseEntity<String> response = createLabel(client("aftership-shipping", b -> b.pauseJitter(Duration.ZERO)))
          .retrieve().toEntity(String.class);

      // then
      assertThat(response.getStatusCode().value()).isEqualTo(200);
      assertThat(response.getBody()).contains("\"status\": \"created\"");
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(4));
      wireMock.verify(2, postRequestedFor(urlPathEqualTo(LABELS)));
    }

    @Test
    void acceptedLabelIsPolledWithABodilessGetOfLabelsIdCarryingTheOriginalHeaders() {
      // given
      Stubs.afterShipLabelPolled(wireMock);

      // when
      String body = createLabel(client("aftership-shipping")).retrieve().body(String.class);

      // then
      assertThat(body).contains("\"status\": \"created\"");
      Stubs.assertLabelPolledWithBodilessGets(wireMock);
    }

    @Test
    void connectionResetOnAPostIsNotRepeated() {
      // given
      wireMock.stubFor(post(urlPathEqualTo(LABELS)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      RestClient client = client("aftership-shipping");

      // when / then
      assertThatThrownBy(() -> createLabel(client).retrieve().body(String.class))
          .isInstanceOf(ResourceAccessException.class)
          .cause().isInstanceOf(IOException.class).isNotInstanceOf(ShippingCallException.class);
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(LABELS)));
    }

    @Test
    void idempotencyKeyAttributeIsSentOnEveryAttemptAndMakesThePostRepeatable() {
      // given
      Stubs.afterShipTryAgainThenCreated(wireMock);
      RestClient client = client("aftership-shipping", b -> b.idempotencyKey("Idempotency-Key", false));

      // when
      String body = createLabel(client).attribute(ShippingRequestAttributes.IDEMPOTENCY_KEY, "order-42")
          .retrieve().body(String.class);

      // then
      assertThat(body).contains("created");
      wireMock.verify(2, postRequestedFor(urlPathEqualTo(LABELS)).withHeader("Idempotency-Key", equalTo("order-42"))
          .withHeader("Content-Type", equalTo("application/json")));
    }
  }

  @Test
  void seventeenTrackMixedBatchSucceedsWithItsBodyIntactAndOneDecisionPerItem() {
    // given
    String batch = fixture("17track", "register-mixed.json");
    wireMock.stubFor(post(urlPathEqualTo("/track/v2.2/register")).willReturn(aResponse().withBody(batch)));

    // when
    ResponseEntity<String> response = client("17track").post().uri("/track/v2.2/register")
        .header("17token", "SECRET").contentType(MediaType.APPLICATION_JSON)
        .body("[{\"number\":\"LZ123456789CN\"},{\"number\":\"RR123456789CN\"},{\"number\":\"ABC\"}]")
        .retrieve().toEntity(String.class);

    // then
    assertThat(response.getBody()).isEqualTo(batch);
    assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    assertThat(decisions).singleElement().extracting(Classification::items)
        .satisfies(items -> assertThat(items).extracting(ItemClassification::decision)
            .containsExactly(Decision.SUCCEED, Decision.SUCCEED, Decision.FAIL));
    wireMock.verify(1, postRequestedFor(urlPathEqualTo("/track/v2.2/register")));
  }

  @Nested
  class Abicart {
    private static final String RPC = "/backend/jsonrpc/v1/";

    private void externalServerErrorThenSuccess() {
      Stubs.inOrder(wireMock, () -> post(urlPathEqualTo(RPC)), Stubs.fixture("abicart", "external-server-error.json"),
          Stubs.fixture("abicart", "order-get-success.json"));
    }

    private RestClient.RequestBodySpec orderGet() {
      return client("abicart").post().uri(RPC + "?auth=SECRET")
          .contentType(MediaType.APPLICATION_JSON)
          .body("{\"jsonrpc\":\"2.0\",\"method\":\"Order.get\",\"id\":1,\"params\":[\"1234\"]}");
    }

    @Test
    void externalServerError9005IsRetriedForAReadTheCallerVouchesFor() {
      // given
      externalServerErrorThenSuccess();

      // when
      String body = orderGet().attribute(ShippingRequestAttributes.SAFE_TO_REPEAT, true).retrieve()
          .body(String.class);

      // then
      assertThat(body).contains("totalcost");
      wireMock.verify(2, postRequestedFor(urlPathEqualTo(RPC)));
      assertThat(decisions).extracting(Classification::code).containsExactly("9005", null);
    }

    @Test
    void externalServerError9005IsHandedBackWhenThePostIsNotVouchedFor() {
      // given
      externalServerErrorThenSuccess();

      // when
      ResponseEntity<String> response = orderGet().retrieve().toEntity(String.class);

      // then
      assertThat(response.getBody()).contains("9005");
      assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("BREAK");
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(RPC)));
    }
  }

  @Nested
  class Bodies {
    @Test
    void twoMebibyteBodyIsReadIntactByTheCallerAfterThePeek() throws Exception {
      // given
      byte[] big = LargeBodies.random(2 * 1024 * 1024, 42);
      wireMock.stubFor(get(urlPathEqualTo("/labels/big.pdf"))
          .willReturn(aResponse().withBody(big).withHeader("Content-Type", "application/pdf")));
      RestClient client = client("generic-http");
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      AtomicReference<Long> allocatedBeforeRead = new AtomicReference<>();
      long before = threads.getCurrentThreadAllocatedBytes();

      // when the caller streams the body
      byte[] digest = client.get().uri("/labels/big.pdf").exchange((request, response) -> {
        allocatedBeforeRead.set(threads.getCurrentThreadAllocatedBytes() - before);
        MessageDigest sha = LargeBodies.sha256();
        long total = 0;
        try (InputStream in = response.getBody()) {
          byte[] buffer = new byte[8192];
          for (int n; (n = in.read(buffer)) > 0; total += n) {
            sha.update(buffer, 0, n);
          }
        }
        assertThat(total).isEqualTo(big.length);
        return sha.digest();
      });

      // then
      assertThat(digest).isEqualTo(LargeBodies.sha256().digest(big));
      assertThat(decisions).singleElement().extracting(Classification::decision).isEqualTo(Decision.SUCCEED);
      assertThat(allocatedBeforeRead.get()).as("bytes allocated on the calling thread before the caller read")
          .isLessThan(1024L * 1024);
    }

    @Test
    void wholeLargeBodyConvertsToBytes() {
      byte[] big = LargeBodies.random(2 * 1024 * 1024, 7);
      wireMock.stubFor(get(urlPathEqualTo("/labels/big.pdf")).willReturn(aResponse().withBody(big)));
      byte[] body = client("generic-http").get().uri("/labels/big.pdf").retrieve().body(byte[].class);
      assertThat(body).isEqualTo(big);
    }
  }

  @Nested
  class Attributes {
    @Test
    void deadlineAttributeStopsAWaitThatWouldPassIt() {
      // given
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
          .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "30")));

      // when
      int status = client("generic-http").get().uri("/shipments/1")
          .attribute(ShippingRequestAttributes.DEADLINE, Duration.ofSeconds(10))
          .exchange((request, response) -> response.getStatusCode().value());

      // then
      assertThat(status).isEqualTo(503);
      assertThat(sleeper.waits()).isEmpty();
      wireMock.verify(1, getRequestedFor(urlPathEqualTo("/shipments/1")));
    }

    @Test
    void providerAttributeWinsOverTheHost() {
      wireMock.stubFor(post(urlPathEqualTo("/x")).willReturn(aResponse().withBody("{\"meta\":{\"status\":200}}")));
      client("generic-http").post().uri("/x").attribute(ShippingRequestAttributes.PROVIDER, "clickpost")
          .contentType(MediaType.APPLICATION_JSON).body("{}").retrieve().toBodilessEntity();
      assertThat(decisions).singleElement().extracting(Classification::provider).isEqualTo("clickpost");
    }

    @Test
    void attributeOfTheWrongTypeIsRejectedBeforeAnythingIsSent() {
      RestClient client = client("generic-http");
      assertThatThrownBy(() -> client.get().uri("/shipments/1")
          .attribute(ShippingRequestAttributes.DEADLINE, "30s").retrieve().toBodilessEntity())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(ShippingRequestAttributes.DEADLINE).hasMessageContaining("java.time.Duration");
      assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void unknownProviderAttributeIsRejectedNamingTheKnownOnes() {
      RestClient client = client("generic-http");
      assertThatThrownBy(() -> client.get().uri("/shipments/1")
          .attribute(ShippingRequestAttributes.PROVIDER, "dhl").retrieve().toBodilessEntity())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dhl").hasMessageContaining("clickpost");
      assertThat(wireMock.getAllServeEvents()).isEmpty();
    }
  }

  @Test
  void interruptingTheCallerDuringAWaitEndsTheCallPromptly() throws Exception {
    // given a real sleeper (that says when it starts waiting) and a provider asking for a minute
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "60")));
    CountDownLatch waiting = new CountDownLatch(1);
    Sleeper signallingSleeper = (duration, token) -> {
      waiting.countDown();
      Sleeper.SYSTEM.sleep(duration, token);
    };
    RestClient client = client("generic-http", b -> b.sleeper(signallingSleeper));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        client.get().uri("/shipments/1").retrieve().toBodilessEntity();
        failure.set(new AssertionError("expected the call to fail"));
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    long start = System.nanoTime();

    // when
    caller.start();
    assertThat(waiting.await(10, TimeUnit.SECONDS)).as("the engine started waiting").isTrue();
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(10));

    // then
    assertThat(caller.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOf(ResourceAccessException.class)
        .cause().isInstanceOf(CallCancelledException.class);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Test
  void secretsStayOutOfMetricsAndExceptionMessages() {
    wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/"))
        .willReturn(aResponse().withBody("{\"meta\":{\"status\":102}}")));
    RestClient client = client("clickpost", b -> b.maxPolls(1));
    assertThatThrownBy(() -> client.post().uri("/api/v3/create-order/?key=SECRET")
        .contentType(MediaType.APPLICATION_JSON).body("{\"key\":\"SECRET\"}").retrieve().body(String.class))
        .isInstanceOf(ResourceAccessException.class)
        .hasMessageNotContaining("SECRET")
        .cause().hasMessageNotContaining("SECRET").hasMessageStartingWith("provider clickpost: still POLL");
    assertThat(meters.getMeters()).allSatisfy(m -> assertThat(m.getId().toString()).doesNotContain("SECRET"));
    assertThat(meters.get("shipping.resilience.calls").tag("outcome", "poll_timeout").timer().count()).isEqualTo(1);
  }

  @Nested
  class Selection {
    private ShippingResilienceInterceptor interceptor(boolean genericFallback) {
      return ShippingResilienceInterceptor.builder(ShippingPolicies.builder().configureAll(b -> b.meterRegistry(meters))
              .build())
          .host("gw.example.com", "aftership-shipping")
          .genericFallback(genericFallback)
          .build();
    }

    private HttpRequest request(String url, Map<String, Object> attributes) {
      return new HttpRequest() {
        @Override
        public HttpMethod getMethod() {
          return HttpMethod.GET;
        }

        @Override
        public URI getURI() {
          return URI.create(url);
        }

        @Override
        public Map<String, Object> getAttributes() {
          return attributes;
        }

        @Override
        public HttpHeaders getHeaders() {
          return new HttpHeaders();
        }
      };
    }

    @Test
    void profileHostsPickTheProvider() {
      assertThat(interceptor(false).policyFor(request("https://www.clickpost.in/api/v3/create-order/", Map.of())))
          .extracting(ShippingPolicy::provider).isEqualTo("clickpost");
    }

    @Test
    void hostMappingsMatchSubdomainsBeforeProfileHosts() {
      assertThat(interceptor(false).policyFor(request("https://eu.GW.example.com/labels", Map.of())))
          .extracting(ShippingPolicy::provider).isEqualTo("aftership-shipping");
    }

    @Test
    void unknownHostsPassThroughUnlessGenericFallbackIsOn() {
      assertThat(interceptor(false).policyFor(request("https://inventory.internal/items", Map.of()))).isNull();
      assertThat(interceptor(true).policyFor(request("https://inventory.internal/items", Map.of())))
          .extracting(ShippingPolicy::provider).isEqualTo("generic-http");
    }

    @Test
    void providerAttributeBeatsEverything() {
      assertThat(interceptor(false).policyFor(request("https://gw.example.com/x",
          Map.of(ShippingRequestAttributes.PROVIDER, "17track"))))
          .extracting(ShippingPolicy::provider).isEqualTo("17track");
    }

    @Test
    void hostMappedToAnUnknownProviderIsRejected() {
      assertThatThrownBy(() -> ShippingResilienceInterceptor.builder(ShippingPolicies.builder().build())
          .host("gw.example.com", "dhl"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'dhl'")
          .hasMessageContaining("gw.example.com");
    }

    @Test
    void passThroughRequestsReachTheServerUntouched() {
      wireMock.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse().withStatus(503)));
      RestClient client = RestClient.builder().requestFactory(transport)
          .apply(new ShippingResilienceCustomizer(interceptor(false))).build();
      ResponseEntity<Void> response = client.get().uri("http://127.0.0.1:" + wireMock.getPort() + "/items")
          .exchange((request, r) -> ResponseEntity.status(r.getStatusCode()).headers(r.getHeaders()).build());
      assertThat(response.getStatusCode().value()).isEqualTo(503);
      assertThat(response.getHeaders().containsHeader(ShippingResilienceInterceptor.DECISION_HEADER)).isFalse();
      wireMock.verify(1, getRequestedFor(urlPathEqualTo("/items")));
    }
  }

  @Test
  void customizerAddsTheInterceptorFirstAndOnlyOnce() {
    ShippingResilienceInterceptor interceptor = ShippingResilienceInterceptor.of(ShippingPolicies.builder()
        .configureAll(b -> b.meterRegistry(meters)).build());
    List<Object> seen = new CopyOnWriteArrayList<>();
    RestClient.builder()
        .requestInterceptor((request, body, execution) -> execution.execute(request, body))
        .apply(new ShippingResilienceCustomizer(interceptor))
        .apply(new ShippingResilienceCustomizer(ShippingResilienceInterceptor.of(interceptor.policies())))
        .requestInterceptors(seen::addAll);
    assertThat(seen).hasSize(2).first().isSameAs(interceptor);
  }
}
