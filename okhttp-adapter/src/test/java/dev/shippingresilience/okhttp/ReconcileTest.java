package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingMeters;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.AttemptEvent;
import dev.shippingresilience.event.ReconcileEvent;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.okhttp.testing.Enqueued;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18 item 1 through OkHttp against WireMock: a label create whose answer is lost (the connection resets after
 * the request was sent) is reconciled with AfterShip's {@code GET /labels?order_number=...} before anything is sent
 * again, and a user's own profile that declares a lookup is reconciled the same way.
 */
class ReconcileTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String LABELS = "/postmen/v3/labels";
  private static final String FOUND = "{\"meta\":{\"code\":200,\"message\":\"OK\",\"details\":[]},\"data\":{"
      + "\"labels\":[{\"id\":\"L-1\",\"status\":\"created\",\"tracking_numbers\":[\"TN1\"]}]}}";
  private static final String ABSENT = "{\"meta\":{\"code\":200,\"message\":\"OK\",\"details\":[]},\"data\":{"
      + "\"labels\":[]}}";
  private static final String CREATED = "{\"meta\":{\"code\":200,\"message\":\"OK\",\"details\":[]},\"data\":{"
      + "\"id\":\"L-2\",\"status\":\"created\"}}";

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final ShippingListener listener = new ShippingListener() {
    @Override
    public void onAttempt(AttemptEvent e) {
      events.add(e.method() + " " + e.redactedUrl().replaceFirst("^http://[^/]+", ""));
    }

    @Override
    public void onReconcile(ReconcileEvent e) {
      events.add("reconcile " + e.outcome());
    }
  };

  /** Policies with millisecond waits, the built-in profiles plus {@code extra}. */
  private ShippingPolicies policies(String... extra) {
    ShippingPolicies.Builder b = ShippingPolicies.builder();
    for (String profile : extra) {
      b.addProfiles(List.of(ProviderProfiles.parse("my-carrier.json",
          new ByteArrayInputStream(profile.getBytes(StandardCharsets.UTF_8)))));
    }
    return b.configureAll(p -> p.meterRegistry(meters).listener(listener)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(1))).build();
  }

  /** A client whose DNS sends the providers' host names to the loopback WireMock. */
  private static OkHttpClient.Builder loopback() {
    return new OkHttpClient.Builder().dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .retryOnConnectionFailure(false);
  }

  private OkHttpClient interceptorClient(ShippingPolicies policies, Duration readTimeout) {
    return connections.watch(loopback().readTimeout(readTimeout).addInterceptor(ShippingInterceptor.of(policies))
        .build());
  }

  private static String url(String host, String path) {
    return "http://" + host + ":" + wireMock.getPort() + path;
  }

  private static Request createLabel(String body) {
    return new Request.Builder().url(url("api.aftership.com", LABELS)).header("as-api-key", "SECRET")
        .post(RequestBody.create(body, JSON)).build();
  }

  private static final String ORDER = "{\"order_number\":\"#1001 A\",\"service_type\":\"dhl_express\"}";

  /** The label create answers {@code first}, then (if asked again) a created label. */
  private static void createAnswers(ResponseDefinitionBuilder first) {
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).inScenario("create").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(first).willSetStateTo("again"));
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).inScenario("create").whenScenarioStateIs("again")
        .willReturn(aResponse().withBody(CREATED)));
  }

  private static ResponseDefinitionBuilder reset() {
    return aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
  }

  private double reconciles(String outcome) {
    var counter = meters.find(ShippingMeters.RECONCILES).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Nested
  class AfterShipThroughTheInterceptor {
    @Test
    void aLostCreateThatTheLookupFindsSucceedsWithTheFoundLabelAndIsNotSentAgain() throws IOException {
      createAnswers(reset());
      wireMock.stubFor(get(urlPathEqualTo(LABELS)).willReturn(aResponse().withBody(FOUND)));

      try (Response response = interceptorClient(policies(), Duration.ofSeconds(5)).newCall(createLabel(ORDER))
          .execute()) {
        assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
        assertThat(response.header(ShippingInterceptor.DUPLICATE_HEADER)).isEqualTo("true");
        assertThat(response.body().string()).contains("\"L-1\"");
      }
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(LABELS)));
      // the order number percent-encoded, the API key along
      wireMock.verify(1, getRequestedFor(urlPathEqualTo(LABELS)).withQueryParam("order_number", equalTo("#1001 A"))
          .withHeader("as-api-key", equalTo("SECRET")));
      assertThat(wireMock.getAllServeEvents()).anySatisfy(e ->
          assertThat(e.getRequest().getUrl()).isEqualTo(LABELS + "?order_number=%231001%20A"));
      assertThat(events).containsExactly("POST " + LABELS, "GET " + LABELS + "?order_number=%231001%20A",
          "reconcile found");
      assertThat(reconciles("found")).isEqualTo(1);
    }

    @Test
    void aLostCreateThatTheLookupProvesAbsentIsSentAgainAndMakesExactlyOneLabel() throws IOException {
      createAnswers(reset());
      wireMock.stubFor(get(urlPathEqualTo(LABELS)).willReturn(aResponse().withBody(ABSENT)));

      try (Response response = interceptorClient(policies(), Duration.ofSeconds(5)).newCall(createLabel(ORDER))
          .execute()) {
        assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
        assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("3");
        assertThat(response.body().string()).contains("\"L-2\"");
      }
      // the lost create was proven not processed, so the second POST is the only label
      wireMock.verify(2, postRequestedFor(urlPathEqualTo(LABELS)));
      wireMock.verify(1, getRequestedFor(urlPathEqualTo(LABELS)));
      assertThat(reconciles("absent")).isEqualTo(1);
    }

    @Test
    void aLookupAnswering503HandsTheOriginalErrorBackAndNeverRePosts() {
      createAnswers(reset());
      wireMock.stubFor(get(urlPathEqualTo(LABELS)).willReturn(aResponse().withStatus(503)
          .withBody("<html>503</html>")));

      assertThatThrownBy(() -> interceptorClient(policies(), Duration.ofSeconds(5)).newCall(createLabel(ORDER))
          .execute().close())
          .isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class)
          .satisfies(e -> assertThat(e.getSuppressed()).anySatisfy(s ->
              assertThat(s.getMessage()).startsWith("not reconciled: the lookup proved nothing (HTTP 503")))
          .hasMessageNotContaining("SECRET");
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(LABELS)));
      wireMock.verify(1, getRequestedFor(urlPathEqualTo(LABELS)));
      assertThat(reconciles("unknown")).isEqualTo(1);
    }

    @Test
    void aLookupWhoseConnectionResetsHandsTheOriginalErrorBackAndNeverRePosts() {
      createAnswers(aResponse().withFault(Fault.EMPTY_RESPONSE));
      wireMock.stubFor(get(urlPathEqualTo(LABELS)).willReturn(reset()));

      assertThatThrownBy(() -> interceptorClient(policies(), Duration.ofSeconds(5)).newCall(createLabel(ORDER))
          .execute().close())
          .isInstanceOf(IOException.class)
          .satisfies(e -> assertThat(e.getSuppressed()).anySatisfy(s ->
              assertThat(s.getMessage()).startsWith("not reconciled: the lookup failed")));
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(LABELS)));
      wireMock.verify(1, getRequestedFor(urlPathEqualTo(LABELS)));
    }

    @Test
    void aLookupThatTimesOutHandsTheOriginalErrorBackAndNeverRePosts() {
      createAnswers(reset());
      wireMock.stubFor(get(urlPathEqualTo(LABELS)).willReturn(aResponse().withBody(FOUND).withFixedDelay(2_000)));

      assertThatThrownBy(() -> interceptorClient(policies(), Duration.ofMillis(200)).newCall(createLabel(ORDER))
          .execute().close())
          .isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class)
          .satisfies(e -> assertThat(e.getSuppressed()).anySatisfy(s ->
              assertThat(s.getMessage()).contains("not reconciled: the lookup failed")
                  .contains("SocketTimeoutException")));
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(LABELS)));
    }

    @Test
    void aCreateWithoutTheOrderNumberIsNotReconciledAndSaysWhy() {
      createAnswers(reset());
      wireMock.stubFor(get(urlPathEqualTo(LABELS)).willReturn(aResponse().withBody(FOUND)));

      assertThatThrownBy(() -> interceptorClient(policies(), Duration.ofSeconds(5))
          .newCall(createLabel("{\"service_type\":\"dhl_express\"}")).execute().close())
          .isInstanceOf(IOException.class)
          .satisfies(e -> assertThat(e.getSuppressed()).anySatisfy(s -> assertThat(s.getMessage())
              .isEqualTo("not reconciled: the request carries no /order_number in the request body, a variable of "
                  + "the operation's reconcile lookup")));
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(LABELS)));
      wireMock.verify(0, getRequestedFor(urlPathEqualTo(LABELS)));
      assertThat(reconciles("not_possible")).isEqualTo(1);
    }
  }

  @Test
  void theAsyncCallFactoryReconcilesToo() throws Exception {
    createAnswers(reset());
    wireMock.stubFor(get(urlPathEqualTo(LABELS)).willReturn(aResponse().withBody(ABSENT)));
    ShippingCallFactory factory = ShippingCallFactory.wrap(connections.watch(loopback().build()), policies());

    try (Response response = Enqueued.start(factory.newCall(createLabel(ORDER))).response()) {
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      assertThat(response.body().string()).contains("\"L-2\"");
    }
    wireMock.verify(2, postRequestedFor(urlPathEqualTo(LABELS)));
    wireMock.verify(1, getRequestedFor(urlPathEqualTo(LABELS)).withHeader("as-api-key", equalTo("SECRET")));
    assertThat(events).containsExactly("POST " + LABELS, "GET " + LABELS + "?order_number=%231001%20A",
        "reconcile absent", "POST " + LABELS);
  }

  /** A user's own profile: the key is a query secret, the lookup reads the reference from the body. */
  private static final String USER_PROFILE = """
      {"id":"my-carrier","name":"My Carrier","hosts":["api.my-carrier.example"],
       "envelope":{"codePointers":["/error/code"],"successPointer":"/booking","bodySignalsSuccess":true},
       "operations":[{"name":"book","method":"POST","path":"/v1/bookings",
         "reconcile":{"method":"GET","path":"/v1/bookings?reference={requestBody:/reference}",
           "found":"/bookings/0/id","absent":"/bookings"}}],
       "secrets":{"query":["key"]}}
      """;

  @Test
  void aUserProfilesLookupFindsTheLostBookingWithTheQuerySecretRedactedInEvents() throws IOException {
    wireMock.stubFor(post(urlPathEqualTo("/v1/bookings")).willReturn(reset()));
    wireMock.stubFor(get(urlPathEqualTo("/v1/bookings")).willReturn(aResponse()
        .withBody("{\"bookings\":[{\"id\":\"B-7\"}]}")));
    Request book = new Request.Builder().url(url("api.my-carrier.example", "/v1/bookings?key=TOPSECRET"))
        .post(RequestBody.create("{\"reference\":\"R/7\"}", JSON)).build();

    try (Response response = interceptorClient(policies(USER_PROFILE), Duration.ofSeconds(5)).newCall(book)
        .execute()) {
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      assertThat(response.body().string()).contains("B-7");
    }
    wireMock.verify(1, postRequestedFor(urlPathEqualTo("/v1/bookings")));
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/v1/bookings")).withQueryParam("reference", equalTo("R/7"))
        .withQueryParam("key", equalTo("TOPSECRET")));
    assertThat(events).hasSize(3).noneMatch(e -> e.contains("TOPSECRET"));
    assertThat(events.get(1)).startsWith("GET /v1/bookings?reference=R%2F7&key=");
  }

  @Test
  void aUserProfilesLookupProvingAbsenceSendsTheBookingAgain() throws IOException {
    wireMock.stubFor(post(urlPathEqualTo("/v1/bookings")).inScenario("book").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(reset()).willSetStateTo("again"));
    wireMock.stubFor(post(urlPathEqualTo("/v1/bookings")).inScenario("book").whenScenarioStateIs("again")
        .willReturn(aResponse().withBody("{\"booking\":{\"id\":\"B-8\"}}")));
    wireMock.stubFor(get(urlPathEqualTo("/v1/bookings")).willReturn(aResponse().withBody("{\"bookings\":[]}")));
    Request book = new Request.Builder().url(url("api.my-carrier.example", "/v1/bookings"))
        .post(RequestBody.create("{\"reference\":\"R8\"}", JSON)).build();

    try (Response response = interceptorClient(policies(USER_PROFILE), Duration.ofSeconds(5)).newCall(book)
        .execute()) {
      assertThat(response.body().string()).contains("B-8");
    }
    wireMock.verify(2, postRequestedFor(urlPathEqualTo("/v1/bookings")));
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/v1/bookings")));
  }
}
