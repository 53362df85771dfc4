package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.BreakerOpenException;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.Decision;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingMeters;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import dev.shippingresilience.okhttp.testing.OneShotBody;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ShippingInterceptorTest {
  private static final MediaType JSON = MediaType.get("application/json");

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper sleeper = new FakeSleeper(clock);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private OkHttpClient client;

  @BeforeEach
  void start() {
    client = client(b -> {});
  }

  /** A client whose DNS sends the providers' real host names to the loopback WireMock. */
  private OkHttpClient client(Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(sleeper).meterRegistry(meters).random(new FixedRandom()))
        .configureAll(custom)
        .build();
    return connections.watch(new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .addInterceptor(ShippingInterceptor.of(policies))
        .build());
  }

  private String url(String host, String path) {
    return "http://" + host + ":" + wireMock.getPort() + path;
  }

  private static String fixture(String provider, String name) {
    return new String(Fixtures.body(provider, name), StandardCharsets.UTF_8);
  }

  private static String meta(int status) {
    return "{\"meta\":{\"status\":" + status + ",\"message\":\"m\"},\"result\":{\"waybill\":\"W1\"}}";
  }

  private Response execute(Request request) throws IOException {
    return client.newCall(request).execute();
  }

  @Nested
  class Clickpost {
    private Request create(int courier) {
      return new Request.Builder()
          .url(url("www.clickpost.in", "/api/v3/create-order/?username=u&key=SECRET"))
          .post(RequestBody.create("{\"courier_partner\":" + courier + ",\"reference_number\":\"R1\"}", JSON))
          .build();
    }

    @Test
    void createOrderIsPolledFrom202Through102To323AndReturnsThePayloadFlaggedDuplicate() throws IOException {
      wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).inScenario("async").whenScenarioStateIs(
          Scenario.STARTED).willReturn(aResponse().withBody(fixture("clickpost", "create-order-queued.json")))
          .willSetStateTo("processing"));
      wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).inScenario("async")
          .whenScenarioStateIs("processing")
          .willReturn(aResponse().withBody(fixture("clickpost", "create-order-processing.json")))
          .willSetStateTo("done"));
      wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).inScenario("async").whenScenarioStateIs("done")
          .willReturn(aResponse().withBody(fixture("clickpost", "create-order-already-placed.json"))));

      try (Response response = execute(create(1))) {
        assertThat(response.body().string()).contains("1993933981231");
        assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
        assertThat(response.header(ShippingInterceptor.DUPLICATE_HEADER)).isEqualTo("true");
        assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("3");
      }
      wireMock.verify(3, postRequestedFor(urlPathEqualTo("/api/v3/create-order/")));
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Test
    void resultHeadersTheProviderSentUnderOurNamesAreReplacedNotRepeated() throws IOException {
      wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).willReturn(aResponse()
          .withHeader("x-shipping-resilience-decision", "FAIL")
          .withHeader(ShippingInterceptor.CODE_HEADER, "999")
          .withBody(fixture("clickpost", "create-order-success.json"))));

      try (Response response = execute(create(1))) {
        assertThat(response.headers(ShippingInterceptor.DECISION_HEADER)).containsExactly("SUCCEED");
        assertThat(response.headers(ShippingInterceptor.CODE_HEADER)).containsExactly("200");
        assertThat(response.headers(ShippingInterceptor.ATTEMPTS_HEADER)).containsExactly("1");
      }
    }

    @Test
    void aUrlThatUriRefusesButOkHttpSendsIsClassifiedByItsOperation() throws IOException {
      // OkHttp leaves '|' and '[' in a query as they are; java.net.URI refuses them, so the URI is re-encoded at once
      wireMock.stubFor(get(urlPathEqualTo("/api/v3/create-order/")).willReturn(aResponse()
          .withBody(fixture("clickpost", "create-order-success.json"))));
      Request odd = new Request.Builder()
          .url(url("www.clickpost.in", "/api/v3/create-order/?username=u&key=SECRET&ref=a|b[1]")).get().build();

      try (Response response = execute(odd)) {
        assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      }
      assertThat(meters.get(ShippingMeters.CALLS).tag("operation", "fetch-order").timer().count())
          .isEqualTo(1);
    }

    @Test
    void carrierOutageOpensOnlyThatCouriersBreaker() throws IOException {
      wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/"))
          .withRequestBody(matchingJsonPath("$.courier_partner", equalTo("5")))
          .willReturn(aResponse().withBody(fixture("clickpost", "carrier-outage.json"))));
      wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/"))
          .withRequestBody(matchingJsonPath("$.courier_partner", equalTo("6")))
          .willReturn(aResponse().withBody(fixture("clickpost", "create-order-success.json"))));
      client = client(b -> b.breaker(50, 4, 4, Duration.ofMinutes(1), 1));

      try (Response first = execute(create(5))) {
        assertThat(first.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("BREAK");
      }
      int sent = wireMock.getAllServeEvents().size();
      assertThatThrownBy(() -> execute(create(5)))
          .isInstanceOfSatisfying(BreakerOpenException.class,
              e -> assertThat(e.scope()).isEqualTo("clickpost/carrier:5"))
          .hasMessageNotContaining("SECRET");
      assertThat(wireMock.getAllServeEvents()).hasSize(sent);
      try (Response other = execute(create(6))) {
        assertThat(other.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      }
    }
  }

  @Nested
  class AfterShip {
    private Request createLabel() {
      return new Request.Builder().url(url("api.aftership.com", "/postmen/v3/labels"))
          .header("as-api-key", "SECRET").post(RequestBody.create("{\"service_type\":\"dhl_express\"}", JSON))
          .build();
    }

    private void rateLimitedThenCreated(String reset) {
      wireMock.stubFor(post(urlPathEqualTo("/postmen/v3/labels")).inScenario("limit")
          .whenScenarioStateIs(Scenario.STARTED)
          .willReturn(aResponse().withStatus(429).withHeader("X-RateLimit-Reset", reset)
              .withHeader("X-RateLimit-Remaining", "0").withBody(fixture("aftership-shipping", "rate-limited.json")))
          .willSetStateTo("ok"));
      wireMock.stubFor(post(urlPathEqualTo("/postmen/v3/labels")).inScenario("limit").whenScenarioStateIs("ok")
          .willReturn(aResponse().withBody(fixture("aftership-shipping", "label-created.json"))));
    }

    @Test
    void rateLimitResetInEpochMillisecondsIsWaitedExactly() throws IOException {
      rateLimitedThenCreated(Long.toString(Fixtures.NOW.plusSeconds(4).toEpochMilli()));
      // without the spread after a reset (core's tests cover it), the wait is exactly the reset
      client = client(b -> b.pauseJitter(Duration.ZERO));
      try (Response response = execute(createLabel())) {
        assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      }
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(4));
    }

    @Test
    void rateLimitResetInEpochSecondsIsWaitedExactly() throws IOException {
      rateLimitedThenCreated(Long.toString(Fixtures.NOW.getEpochSecond() + 6));
      client = client(b -> b.pauseJitter(Duration.ZERO));
      try (Response response = execute(createLabel())) {
        assertThat(response.code()).isEqualTo(200);
      }
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(6));
    }

    @Test
    void acceptedLabelIsPolledWithGetLabelsIdUntilCreated() throws IOException {
      wireMock.stubFor(post(urlPathEqualTo("/postmen/v3/labels"))
          .willReturn(aResponse().withBody(fixture("aftership-shipping", "label-creating.json"))));
      String id = "/postmen/v3/labels/a1b2c3d4-0000-4000-8000-000000000001";
      wireMock.stubFor(get(urlPathEqualTo(id)).inScenario("poll").whenScenarioStateIs(Scenario.STARTED)
          .willReturn(aResponse().withBody("{\"meta\":{\"code\":200},\"data\":{\"status\":\"creating\"}}"))
          .willSetStateTo("created"));
      wireMock.stubFor(get(urlPathEqualTo(id)).inScenario("poll").whenScenarioStateIs("created")
          .willReturn(aResponse().withBody(fixture("aftership-shipping", "label-created.json"))));
      try (Response response = execute(createLabel())) {
        assertThat(response.body().string()).contains("\"status\": \"created\"");
        assertThat(response.request().method()).isEqualTo("GET");
      }
      wireMock.verify(1, postRequestedFor(urlPathEqualTo("/postmen/v3/labels")));
      wireMock.verify(2, getRequestedFor(urlPathEqualTo(id)).withHeader("as-api-key", equalTo("SECRET")));
    }

    @Test
    void connectionResetOnPostIsNotRepeated() {
      wireMock.stubFor(post(urlPathEqualTo("/postmen/v3/labels"))
          .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      assertThatThrownBy(() -> execute(createLabel())).isInstanceOf(IOException.class);
      wireMock.verify(1, postRequestedFor(urlPathEqualTo("/postmen/v3/labels")));
    }
  }

  @Test
  void seventeenTrackBatchWithAcceptedAndRejectedItemsIsReturnedIntact() throws IOException {
    String body = fixture("17track", "register-mixed.json");
    wireMock.stubFor(post(urlPathEqualTo("/track/v2.2/register")).willReturn(aResponse().withBody(body)));
    Request request = new Request.Builder().url(url("api.17track.net", "/track/v2.2/register"))
        .header("17token", "SECRET").post(RequestBody.create("[{\"number\":\"RR123456789CN\"}]", JSON)).build();
    try (Response response = execute(request)) {
      assertThat(response.body().string()).isEqualTo(body);
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    }
    wireMock.verify(1, postRequestedFor(urlPathEqualTo("/track/v2.2/register")));
  }

  /**
   * OkHttp keeps '{', '|' and '^' in a query as they are, which {@code java.net.URI} refuses: the interceptor reads
   * such a URL through OkHttp's re-encoding, and the call is classified and retried like any other.
   */
  @Test
  void urlWithCharactersThatUriRefusesIsStillClassifiedAndRetried() throws IOException {
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).inScenario("flaky")
        .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).inScenario("flaky").whenScenarioStateIs("ok")
        .willReturn(aResponse().withBody("{\"id\":1}")));
    Request request = new Request.Builder().url(url("carrier.example", "/shipments/1?note={a|b^c}")).build();
    try (Response response = execute(request)) {
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
    }
    wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")).withQueryParam("note", equalTo("{a|b^c}")));
  }

  @Test
  void abicartExternalServerErrorIsRetriedForAReadTheCallerVouchesFor() throws IOException {
    wireMock.stubFor(post(urlPathEqualTo("/backend/jsonrpc/v1/")).inScenario("rpc")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withBody(fixture("abicart", "external-server-error.json"))).willSetStateTo("ok"));
    wireMock.stubFor(post(urlPathEqualTo("/backend/jsonrpc/v1/")).inScenario("rpc").whenScenarioStateIs("ok")
        .willReturn(aResponse().withBody(fixture("abicart", "order-get-success.json"))));
    Request request = new Request.Builder().url(url("admin.abicart.se", "/backend/jsonrpc/v1/?auth=SECRET"))
        .post(RequestBody.create("{\"jsonrpc\":\"2.0\",\"method\":\"Order.get\",\"id\":1,\"params\":[\"1234\"]}",
            JSON))
        .tag(CallOptions.class, CallOptions.builder().safeToRepeat(true).build())
        .build();
    try (Response response = execute(request)) {
      assertThat(response.body().string()).contains("totalcost");
    }
    wireMock.verify(2, postRequestedFor(urlPathEqualTo("/backend/jsonrpc/v1/")));
  }

  @Nested
  class GenericHttp {
    private Request getShipment() {
      return new Request.Builder().url(url("carrier.example", "/shipments/1")).build();
    }

    @Test
    void gatewayHtmlPageIsRetriedThenSucceeds() throws IOException {
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).inScenario("gw").whenScenarioStateIs(Scenario.STARTED)
          .willReturn(aResponse().withStatus(503).withBody("<html><body>503 Service Unavailable</body></html>"))
          .willSetStateTo("ok"));
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).inScenario("gw").whenScenarioStateIs("ok")
          .willReturn(aResponse().withBody("{\"id\":1}")));
      try (Response response = execute(getShipment())) {
        assertThat(response.body().string()).isEqualTo("{\"id\":1}");
      }
      wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
    }

    @Test
    void connectionResetOnGetIsRetried() throws IOException {
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).inScenario("reset").whenScenarioStateIs(Scenario.STARTED)
          .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).inScenario("reset").whenScenarioStateIs("ok")
          .willReturn(aResponse().withBody("{\"id\":1}")));
      client = connections.watch(new OkHttpClient.Builder().retryOnConnectionFailure(false)
          .dns(host -> List.of(InetAddress.getLoopbackAddress()))
          .addInterceptor(ShippingInterceptor.of(ShippingPolicies.builder()
              .configureAll(b -> b.clock(clock).sleeper(sleeper).meterRegistry(meters)).build()))
          .build());
      try (Response response = execute(getShipment())) {
        assertThat(response.code()).isEqualTo(200);
      }
      wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
    }

    @Test
    void retryAfterAsHttpDateIsWaited() throws IOException {
      String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Fixtures.NOW.plusSeconds(8).atZone(ZoneOffset.UTC));
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).inScenario("ra").whenScenarioStateIs(Scenario.STARTED)
          .willReturn(aResponse().withStatus(503).withHeader("Retry-After", date)).willSetStateTo("ok"));
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).inScenario("ra").whenScenarioStateIs("ok")
          .willReturn(aResponse().withBody("ok")));
      try (Response response = execute(getShipment())) {
        assertThat(response.body().string()).isEqualTo("ok");
      }
      assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(8));
    }

    @Test
    void oneShotBodyIsNeverSentTwice() {
      wireMock.stubFor(put(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withStatus(503)));
      Request request = new Request.Builder().url(url("carrier.example", "/shipments/1"))
          .put(new OneShotBody("{\"weight\":1}")).build();
      try (Response response = assertDoesNotThrow(request)) {
        assertThat(response.code()).isEqualTo(503);
      }
      wireMock.verify(1, putRequestedFor(urlPathEqualTo("/shipments/1")));
    }

    private Response assertDoesNotThrow(Request request) {
      try {
        return execute(request);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    @Test
    void tenMebibyteBodyStreamsThroughIntactWithBoundedMemory() throws Exception {
      byte[] big = new byte[10 * 1024 * 1024];
      new Random(42).nextBytes(big);
      wireMock.stubFor(get(urlPathEqualTo("/labels/big.pdf")).willReturn(aResponse().withBody(big)
          .withHeader("Content-Type", "application/pdf")));
      Request request = new Request.Builder().url(url("carrier.example", "/labels/big.pdf")).build();
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      Response response = execute(request);
      long allocatedByInterceptor = threads.getCurrentThreadAllocatedBytes() - before;
      try (response; InputStream in = response.body().byteStream()) {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; total += n) {
          digest.update(buffer, 0, n);
        }
        assertThat(total).isEqualTo(big.length);
        assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(big));
      }
      assertThat(allocatedByInterceptor).as("bytes allocated before the caller read the body")
          .isLessThan(3L * 1024 * 1024);
    }
  }

  @Test
  void cancellationDuringALongWaitEndsTheCallPromptly() throws Exception {
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "60")));
    client = connections.watch(new OkHttpClient.Builder().dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .addInterceptor(ShippingInterceptor.of(ShippingPolicies.builder()
            .configureAll(b -> b.meterRegistry(meters)).build()))
        .build());
    Call call = client.newCall(new Request.Builder().url(url("carrier.example", "/shipments/1")).build());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try (Response ignored = call.execute()) {
        failure.set(new AssertionError("expected the call to fail"));
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    long start = System.nanoTime();
    caller.start();
    while (wireMock.getAllServeEvents().isEmpty() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
      Thread.onSpinWait();
    }
    call.cancel();
    caller.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(caller.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOf(IOException.class);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Test
  void asyncCallsBehaveLikeSyncOnes() throws Exception {
    wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).inScenario("async")
        .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withBody(meta(102))).willSetStateTo("done"));
    wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).inScenario("async").whenScenarioStateIs("done")
        .willReturn(aResponse().withBody(meta(323))));
    Request request = new Request.Builder().url(url("www.clickpost.in", "/api/v3/create-order/?key=SECRET"))
        .post(RequestBody.create("{\"reference_number\":\"R1\"}", JSON)).build();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<String> decision = new AtomicReference<>();
    client.newCall(request).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        decision.set("failure: " + e);
        done.countDown();
      }

      @Override
      public void onResponse(Call call, Response response) {
        try (response) {
          decision.set(response.header(ShippingInterceptor.DECISION_HEADER) + " duplicate="
              + response.header(ShippingInterceptor.DUPLICATE_HEADER));
        }
        done.countDown();
      }
    });
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(decision.get()).isEqualTo(Decision.SUCCEED + " duplicate=true");
  }

  @Test
  void secretsStayOutOfMetrics() throws IOException {
    wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).willReturn(aResponse().withBody(meta(301))));
    Request request = new Request.Builder().url(url("www.clickpost.in", "/api/v3/create-order/?key=SECRET"))
        .post(RequestBody.create("{\"key\":\"SECRET\"}", JSON)).build();
    try (Response response = execute(request)) {
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("FAIL");
    }
    assertThat(meters.getMeters()).allSatisfy(m -> assertThat(m.getId().toString()).doesNotContain("SECRET"));
  }
}
