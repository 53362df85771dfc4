package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.CallCancelledException;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.event.WaitEvent;
import dev.shippingresilience.okhttp.testing.Enqueued;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import dev.shippingresilience.okhttp.testing.OneShotBody;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14 item 2: {@link ShippingCallFactory} through a real OkHttp client against WireMock on loopback. The
 * engine's waits are scheduled on the real scheduler but last a millisecond (the tests never sleep); the tests that
 * cancel during a wait keep the profile's own, long waits.
 */
class ShippingCallFactoryTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String CREATE_ORDER = "/api/v3/create-order/";

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** A client whose DNS sends the providers' real host names to the loopback WireMock. */
  private static OkHttpClient client() {
    return connections.watch(new OkHttpClient.Builder().dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .build());
  }

  /** Policies whose waits last a millisecond, customised by {@code custom}. */
  private ShippingPolicies quick(Consumer<ShippingPolicy.Builder> custom) {
    return ShippingPolicies.builder()
        .configureAll(b -> b.meterRegistry(meters).backoff(Duration.ofMillis(1), Duration.ofMillis(1))
            .pollInterval(Duration.ofMillis(1)).pauseJitter(Duration.ZERO))
        .configureAll(custom)
        .build();
  }

  private ShippingCallFactory factory(Consumer<ShippingPolicy.Builder> custom) {
    return ShippingCallFactory.wrap(client(), quick(custom));
  }

  private static String url(String host, String path) {
    return "http://" + host + ":" + wireMock.getPort() + path;
  }

  private static String meta(int status) {
    return "{\"meta\":{\"status\":" + status + ",\"message\":\"m\"},\"result\":{\"waybill\":\"W1\"}}";
  }

  private static Request createOrder(String host) {
    return new Request.Builder().url(url(host, CREATE_ORDER + "?username=u&key=SECRET"))
        .post(RequestBody.create("{\"courier_partner\":5,\"reference_number\":\"R1\"}", JSON)).build();
  }

  private static Request getShipment() {
    return new Request.Builder().url(url("carrier.example", "/shipments/1")).build();
  }

  /** Stubs {@code request} to answer with {@code answers} in turn, the last one from then on. */
  private static void answers(Supplier<MappingBuilder> request, ResponseDefinitionBuilder... answers) {
    String name = "sequence-" + System.nanoTime();
    for (int i = 0; i < answers.length; i++) {
      ScenarioMappingBuilder b = request.get().inScenario(name)
          .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer-" + i).willReturn(answers[i]);
      if (i + 1 < answers.length) {
        b.willSetStateTo("answer-" + (i + 1));
      }
      wireMock.stubFor(b);
    }
  }

  /** What the caller sees of a final response: status, the four result headers and the body. */
  private static String shown(Response response) throws IOException {
    try (response) {
      return response.code() + " " + ShippingInterceptor.DECISION_HEADER + "=" + header(response,
          ShippingInterceptor.DECISION_HEADER) + " " + ShippingInterceptor.DUPLICATE_HEADER + "=" + header(response,
          ShippingInterceptor.DUPLICATE_HEADER) + " " + ShippingInterceptor.ATTEMPTS_HEADER + "=" + header(response,
          ShippingInterceptor.ATTEMPTS_HEADER) + " " + ShippingInterceptor.CODE_HEADER + "=" + header(response,
          ShippingInterceptor.CODE_HEADER) + " body=" + response.body().string();
    }
  }

  private static @Nullable String header(Response response, String name) {
    return response.header(name);
  }

  @Nested
  class Enqueue {
    @Test
    void successHandsBackTheBodyUnreadWithTheFourResultHeadersOnAnOkHttpThread() throws Exception {
      wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).willReturn(aResponse().withBody(meta(200))));

      Enqueued received = Enqueued.start(factory(b -> { }).newCall(createOrder("www.clickpost.in")));

      assertThat(shown(received.response())).isEqualTo("200 " + ShippingInterceptor.DECISION_HEADER + "=SUCCEED "
          + ShippingInterceptor.DUPLICATE_HEADER + "=false " + ShippingInterceptor.ATTEMPTS_HEADER + "=1 "
          + ShippingInterceptor.CODE_HEADER + "=200 body=" + meta(200));
      assertThat(received.thread()).startsWith("OkHttp");
      wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE_ORDER)));
    }

    @Test
    void gatewayErrorIsRetriedThenSucceeds() throws Exception {
      answers(() -> get(urlPathEqualTo("/shipments/1")), aResponse().withStatus(503).withBody("<html>503</html>"),
          aResponse().withBody("{\"id\":1}"));

      try (Response response = Enqueued.start(factory(b -> { }).newCall(getShipment())).response()) {
        assertThat(response.body().string()).isEqualTo("{\"id\":1}");
        assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
      }
      wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
    }

    @Test
    void clickpostProcessingIsPolledUntilPlaced() throws Exception {
      answers(() -> post(urlPathEqualTo(CREATE_ORDER)), aResponse().withBody(meta(102)),
          aResponse().withBody(meta(102)), aResponse().withBody(meta(200)));
      List<String> waits = new ArrayList<>();
      ShippingListener listener = new ShippingListener() {
        @Override
        public void onWait(WaitEvent event) {
          waits.add(event.cause());
        }
      };

      Call call = factory(b -> b.listener(listener)).newCall(createOrder("www.clickpost.in"));

      Enqueued received = Enqueued.start(call);

      try (Response response = received.response()) {
        assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
        assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("3");
        assertThat(response.header(ShippingInterceptor.CODE_HEADER)).isEqualTo("200");
        assertThat(response.body().string()).isEqualTo(meta(200));
      }
      assertThat(waits).hasSize(2).allSatisfy(cause -> assertThat(cause).contains("poll"));
      wireMock.verify(3, postRequestedFor(urlPathEqualTo(CREATE_ORDER)));
    }

    @Test
    void postWithoutIdempotencyKeyIsNotRetried() throws Exception {
      wireMock.stubFor(post(urlPathEqualTo("/shipments")).willReturn(aResponse().withStatus(503)));
      Request create = new Request.Builder().url(url("carrier.example", "/shipments"))
          .post(RequestBody.create("{\"weight\":1}", JSON)).build();

      try (Response response = Enqueued.start(factory(b -> { }).newCall(create)).response()) {
        assertThat(response.code()).isEqualTo(503);
        assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("1");
      }
      wireMock.verify(1, postRequestedFor(urlPathEqualTo("/shipments")));
    }

    @Test
    void connectionResetOnPostIsNotRepeatedByOkHttpEither() throws Exception {
      // given: a pooled connection (OkHttp retries a failure on a reused connection when it may) that the server
      // resets on the POST; the wrapped client retries on connection failures
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")));
      wireMock.stubFor(post(urlPathEqualTo("/shipments"))
          .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      ShippingCallFactory factory = factory(b -> { });
      factory.newCall(getShipment()).execute().close();
      Request create = new Request.Builder().url(url("carrier.example", "/shipments"))
          .post(RequestBody.create("{\"weight\":1}", JSON)).build();

      // when
      IOException failure = Enqueued.start(factory.newCall(create)).failure();

      // then: sent once, neither by the engine nor by OkHttp repeated

      assertThat(failure).isNotInstanceOf(CallCancelledException.class);
      wireMock.verify(1, postRequestedFor(urlPathEqualTo("/shipments")));
    }

    @Test
    void connectionResetOnGetIsRetried() throws Exception {
      answers(() -> get(urlPathEqualTo("/shipments/1")), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
          aResponse().withBody("{\"id\":1}"));
      OkHttpClient noOkHttpRetry = connections.watch(client().newBuilder().retryOnConnectionFailure(false).build());

      Call call = ShippingCallFactory.wrap(noOkHttpRetry, quick(b -> { })).newCall(getShipment());

      Enqueued received = Enqueued.start(call);

      try (Response response = received.response()) {
        assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
      }
      wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
    }

    @Test
    void postCarryingAnIdempotencyKeyInItsCallOptionsIsRetriedWithIt() throws Exception {
      answers(() -> post(urlPathEqualTo("/shipments")), aResponse().withStatus(503),
          aResponse().withStatus(201).withBody("{\"id\":\"S1\"}"));
      Request create = new Request.Builder().url(url("carrier.example", "/shipments"))
          .post(RequestBody.create("{\"weight\":1}", JSON))
          .tag(CallOptions.class, CallOptions.builder().idempotencyKey("key-1").build()).build();

      Call call = factory(b -> b.idempotencyKey("Idempotency-Key", false)).newCall(create);

      try (Response response = Enqueued.start(call).response()) {
        assertThat(response.code()).isEqualTo(201);
      }
      wireMock.verify(2, postRequestedFor(urlPathEqualTo("/shipments"))
          .withHeader("Idempotency-Key", equalTo("key-1")));
    }

    @Test
    void providerTagPicksThePolicyInsteadOfTheHost() throws Exception {
      answers(() -> post(urlPathEqualTo(CREATE_ORDER)), aResponse().withBody(meta(102)),
          aResponse().withBody(meta(200)));
      Request request = createOrder("clickpost-proxy.example").newBuilder()
          .tag(ProviderTag.class, new ProviderTag("clickpost")).build();

      try (Response response = Enqueued.start(factory(b -> { }).newCall(request)).response()) {
        assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
      }
    }

    @Test
    void unknownProviderTagFailsTheCallbackInsteadOfThrowing() throws Exception {
      Request request = getShipment().newBuilder().tag(ProviderTag.class, new ProviderTag("no-such-provider"))
          .build();

      IOException failure = Enqueued.start(factory(b -> { }).newCall(request)).failure();

      assertThat(failure.getCause()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no-such-provider");
      assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void oneShotBodyIsNeverSentTwice() throws Exception {
      wireMock.stubFor(put(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withStatus(503)));
      Request request = new Request.Builder().url(url("carrier.example", "/shipments/1"))
          .put(new OneShotBody("{\"weight\":1}")).build();

      try (Response response = Enqueued.start(factory(b -> { }).newCall(request)).response()) {
        assertThat(response.code()).isEqualTo(503);
      }
      wireMock.verify(1, putRequestedFor(urlPathEqualTo("/shipments/1")));
    }
  }

  @Nested
  class Cancel {
    @Test
    void cancelDuringAPollWaitSendsNothingMoreAndDropsTheWait() throws Exception {
      // given: Clickpost answers "processing" for ever, polled every 10 s (the profile's interval) on our scheduler
      wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).willReturn(aResponse().withBody(meta(102))));
      ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
      scheduler.setRemoveOnCancelPolicy(true);
      CountDownLatch waiting = new CountDownLatch(1);
      ShippingListener listener = new ShippingListener() {
        @Override
        public void onWait(WaitEvent event) {
          waiting.countDown();
        }
      };
      try {
        ShippingCallFactory factory = ShippingCallFactory.wrap(client(), ShippingPolicies.builder()
            .configureAll(b -> b.meterRegistry(meters).scheduler(scheduler).listener(listener)).build());
        Call call = factory.newCall(createOrder("www.clickpost.in"));
        Enqueued received = Enqueued.start(call);
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        while (scheduler.getQueue().isEmpty() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
          Thread.onSpinWait(); // the event comes just before the wait is scheduled
        }
        assertThat(scheduler.getQueue()).hasSize(1);

        // when
        call.cancel();

        // then
        assertThat(received.failure()).isInstanceOfSatisfying(CallCancelledException.class,
            e -> assertThat(e.attempts()).isEqualTo(1));
        assertThat(call.isCanceled()).isTrue();
        assertThat(scheduler.getQueue()).as("the poll's wait, cancelled").isEmpty();
        wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE_ORDER)));
      } finally {
        scheduler.shutdownNow();
      }
    }

    @Test
    void cancelInFlightEndsTheCallPromptlyAndFreesTheConnection() throws Exception {
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")
          .withFixedDelay(5_000)));
      Call call = factory(b -> { }).newCall(getShipment());
      Enqueued received = Enqueued.start(call);
      long start = System.nanoTime();
      while (wireMock.getAllServeEvents().isEmpty() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
        Thread.onSpinWait();
      }

      call.cancel();

      assertThat(received.failure()).isInstanceOf(CallCancelledException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      wireMock.verify(1, getRequestedFor(urlPathEqualTo("/shipments/1")));
    }

    @Test
    void cancelBeforeEnqueueSendsNothing() throws Exception {
      Call call = factory(b -> { }).newCall(getShipment());
      call.cancel();

      assertThat(Enqueued.start(call).failure()).isInstanceOf(CallCancelledException.class);
      assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void cancelAtAnyMomentLeaksNoConnectionAndEndsEveryCallOnce() throws Exception {
      // given: answers that come at once, and cancels at random moments around them
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")
          .withUniformRandomDelay(0, 3)));
      ShippingCallFactory factory = factory(b -> { });
      Random random = new Random(14);
      List<Enqueued> all = new ArrayList<>();

      // when
      for (int i = 0; i < 40; i++) {
        Call call = factory.newCall(getShipment());
        all.add(Enqueued.start(call));
        long spinUntil = System.nanoTime() + random.nextInt(3_000_000);
        while (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        }
        call.cancel();
      }

      // then: each call ended once, with its answer or as cancelled, and every response is closed here
      for (Enqueued received : all) {
        try (Response response = received.outcome().get(10, TimeUnit.SECONDS)) {
          assertThat(response.code()).isEqualTo(200);
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(IOException.class);
        }
        assertThat(received.calls()).isEqualTo(1);
      }
    }
  }

  @Nested
  class CallContract {
    @Test
    void secondExecuteOrEnqueueIsRefusedLikeOkHttps() throws Exception {
      wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")));
      Call call = factory(b -> { }).newCall(getShipment());
      assertThat(call.isExecuted()).isFalse();

      call.execute().close();

      assertThat(call.isExecuted()).isTrue();
      assertThatThrownBy(call::execute).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> call.enqueue(new Enqueued())).isInstanceOf(IllegalStateException.class);
      try (Response again = Enqueued.start(call.clone()).response()) {
        assertThat(again.code()).isEqualTo(200);
      }
      wireMock.verify(2, getRequestedFor(urlPathEqualTo("/shipments/1")));
    }

    @Test
    void tagsAreSeededFromTheRequestAndGrowWhenComputed() {
      Request request = getShipment().newBuilder().tag(String.class, "from the request").build();
      Call call = factory(b -> { }).newCall(request);

      assertThat(call.request()).isSameAs(request);
      assertThat(call.tag(String.class)).isEqualTo("from the request");
      assertThat(call.tag(String.class, () -> "computed")).isEqualTo("from the request");
      assertThat(call.tag(Integer.class)).isNull();
      assertThat(call.tag(Integer.class, () -> 7)).isEqualTo(7);
      assertThat(call.tag(Integer.class, () -> 8)).isEqualTo(7);
      assertThat(call.clone().tag(Integer.class)).as("computed tags stay with their call").isNull();
    }

    @Test
    void clientThatAlreadyHasTheInterceptorIsRefusedWithAMessageSayingWhy() {
      ShippingPolicies policies = quick(b -> { });
      OkHttpClient intercepted = connections.watch(client().newBuilder()
          .addInterceptor(ShippingInterceptor.of(policies)).build());

      assertThatThrownBy(() -> ShippingCallFactory.wrap(intercepted, policies))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already has a ShippingInterceptor");
    }

    @Test
    void timeoutIsSeededFromTheClientsCallTimeout() {
      OkHttpClient timed = connections.watch(client().newBuilder().callTimeout(Duration.ofSeconds(7)).build());
      Call call = ShippingCallFactory.wrap(timed, quick(b -> { })).newCall(getShipment());

      assertThat(call.timeout().timeoutNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(7));
    }
  }

  /** One row of the parity table: what the provider answers, and the request. */
  record Row(String name, Runnable stubs, Supplier<Request> request) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row("success", () -> wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
            .willReturn(aResponse().withBody("{\"id\":1}"))), ShippingCallFactoryTest::getShipment),
        new Row("503 then 200", () -> answers(() -> get(urlPathEqualTo("/shipments/1")),
            aResponse().withStatus(503), aResponse().withBody("{\"id\":1}")), ShippingCallFactoryTest::getShipment),
        new Row("503 until retries run out", () -> wireMock.stubFor(get(urlPathEqualTo("/shipments/1"))
            .willReturn(aResponse().withStatus(503).withBody("down"))), ShippingCallFactoryTest::getShipment),
        new Row("clickpost 102, 102, 200", () -> answers(() -> post(urlPathEqualTo(CREATE_ORDER)),
            aResponse().withBody(meta(102)), aResponse().withBody(meta(102)), aResponse().withBody(meta(200))),
            () -> createOrder("www.clickpost.in")),
        new Row("clickpost 202, 102, 323 (duplicate)", () -> answers(() -> post(urlPathEqualTo(CREATE_ORDER)),
            aResponse().withBody(meta(202)), aResponse().withBody(meta(102)), aResponse().withBody(meta(323))),
            () -> createOrder("www.clickpost.in")),
        new Row("clickpost 301 (fail)", () -> wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER))
            .willReturn(aResponse().withBody(meta(301)))), () -> createOrder("www.clickpost.in")),
        new Row("post 503 (not repeated)", () -> wireMock.stubFor(post(urlPathEqualTo("/shipments"))
            .willReturn(aResponse().withStatus(503))), () -> new Request.Builder()
            .url(url("carrier.example", "/shipments")).post(RequestBody.create("{}", JSON)).build()),
        new Row("get reset then 200", () -> answers(() -> get(urlPathEqualTo("/shipments/1")),
            aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), aResponse().withBody("{\"id\":1}")),
            ShippingCallFactoryTest::getShipment),
        new Row("post reset (not repeated)", () -> wireMock.stubFor(post(urlPathEqualTo("/shipments"))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))), () -> new Request.Builder()
            .url(url("carrier.example", "/shipments")).post(RequestBody.create("{}", JSON)).build()));
  }

  /** How one path runs a request to its end: what the caller sees, or the failure's type. */
  @FunctionalInterface
  interface Path {
    Response run(OkHttpClient client, ShippingPolicies policies, Request request) throws Exception;
  }

  private String outcome(Row row, Path path) {
    wireMock.resetAll();
    row.stubs().run();
    String seen;
    try {
      seen = shown(path.run(client(), quick(b -> { }), row.request().get()));
    } catch (Exception e) {
      seen = "failed: " + e.getClass().getName();
    }
    return seen + ", requests=" + wireMock.getAllServeEvents().size();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void executeAndEnqueueEndLikeTheInterceptor(Row row) {
    String interceptor = outcome(row, (client, policies, request) -> client.newBuilder()
        .addInterceptor(ShippingInterceptor.of(policies)).build().newCall(request).execute());
    String execute = outcome(row, (client, policies, request) ->
        ShippingCallFactory.wrap(client, policies).newCall(request).execute());
    String enqueue = outcome(row, (client, policies, request) ->
        Enqueued.start(ShippingCallFactory.wrap(client, policies).newCall(request)).response());

    assertThat(execute).as("execute()").isEqualTo(interceptor);
    assertThat(enqueue).as("enqueue()").isEqualTo(interceptor);
  }

  @Test
  void executeHandsBackTheInterceptorsResultWithTheCallerReadingTheBody() throws Exception {
    answers(() -> post(urlPathEqualTo(CREATE_ORDER)), aResponse().withBody(meta(102)),
        aResponse().withBody(meta(200)));

    try (Response response = factory(b -> { }).newCall(createOrder("www.clickpost.in")).execute()) {
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
      assertThat(response.body().string()).isEqualTo(meta(200));
    }
  }
}
