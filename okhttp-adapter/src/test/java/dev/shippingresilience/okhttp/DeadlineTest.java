package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.shippingresilience.testing.SlowProvider.DEADLINE;
import static dev.shippingresilience.testing.SlowProvider.DELAY_MILLIS;
import static dev.shippingresilience.testing.SlowProvider.PENDING_BODY;
import static dev.shippingresilience.testing.SlowProvider.assertEndedAtTheDeadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.CallCancelledException;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.Decision;
import dev.shippingresilience.DeadlineExceededException;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.okhttp.testing.Enqueued;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import dev.shippingresilience.testing.SlowProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12 item 2: the call's deadline covers the request in flight, through {@link ShippingInterceptor} and (issue
 * 14) through {@link ShippingCallFactory}'s {@code enqueue}. These tests run on the real clock against WireMock's real
 * delays (the delay is the point); the engine's own waits use a sleeper that returns at once, or 10 ms polls
 * scheduled by the asynchronous path.
 */
class DeadlineTest {
  private static final MediaType JSON = MediaType.get("application/json");

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private OkHttpClient client;

  @BeforeAll
  static void warmUp() {
    // The first calls through a cold JVM load OkHttp's, WireMock's and the engine's classes, which takes longer than
    // the lateness allowed: the timed calls run warm, as a service's calls do. A completed GET and POST, then both
    // ended by a short deadline.
    wireMock.stubFor(get(urlPathEqualTo("/warm-up")).willReturn(aResponse().withBody("{}")));
    wireMock.stubFor(post(urlPathEqualTo("/warm-up")).willReturn(aResponse().withBody("{}")));
    wireMock.stubFor(get(urlPathEqualTo("/warm-up/slow")).willReturn(aResponse().withBody("{}").withFixedDelay(300)));
    wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).willReturn(aResponse()
        .withBody(PENDING_BODY).withFixedDelay(20)));
    DeadlineTest warmUp = new DeadlineTest();
    OkHttpClient client = warmUp.client(b -> {}, b -> {});
    CallOptions shortDeadline = CallOptions.builder().deadline(Duration.ofMillis(200)).build();
    List<Request> requests = List.of(
        new Request.Builder().url(url("carrier.example", "/warm-up")).build(),
        new Request.Builder().url(url("carrier.example", "/warm-up")).post(RequestBody.create("{}", JSON)).build(),
        new Request.Builder().url(url("carrier.example", "/warm-up/slow")).tag(CallOptions.class, shortDeadline)
            .build(),
        new Request.Builder().url(url("www.clickpost.in", "/api/v3/create-order/")).post(RequestBody.create("{}", JSON))
            .tag(CallOptions.class, shortDeadline).build());
    ShippingCallFactory factory = warmUp.factory(b -> {});
    for (Request request : requests) {
      catchThrowable(() -> client.newCall(request).execute().close());
      catchThrowable(() -> Enqueued.start(factory.newCall(request)).response().close());
    }
    connections.check();
  }

  /** Policies on the real clock whose engine never really waits (a blocking call's sleeper returns at once). */
  private ShippingPolicies policies(Consumer<ShippingPolicy.Builder> custom) {
    return ShippingPolicies.builder()
        .configureAll(b -> b.sleeper((delay, token) -> {}).meterRegistry(meters).pollInterval(Duration.ofMillis(10)))
        .configureAll(custom)
        .build();
  }

  /** A client on the real clock whose engine never really waits, and whose DNS sends every host to WireMock. */
  private OkHttpClient client(Consumer<ShippingPolicy.Builder> custom, Consumer<OkHttpClient.Builder> http) {
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .addInterceptor(ShippingInterceptor.of(policies(custom)));
    http.accept(b);
    client = connections.watch(b.build());
    return client;
  }

  /** A call factory over a client like {@link #client}'s, without the interceptor. */
  private ShippingCallFactory factory(Consumer<OkHttpClient.Builder> http) {
    OkHttpClient.Builder b = new OkHttpClient.Builder().dns(host -> List.of(InetAddress.getLoopbackAddress()));
    http.accept(b);
    return ShippingCallFactory.wrap(connections.watch(b.build()), policies(p -> {}));
  }

  private static String url(String host, String path) {
    return "http://" + host + ":" + wireMock.getPort() + path;
  }

  /** Clickpost's create-order, answered "102 processing" after 700 ms every time: the engine polls it. */
  private Request slowlyPendingCreateOrder(CallOptions options) {
    wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).willReturn(aResponse()
        .withBody(PENDING_BODY)
        .withFixedDelay(DELAY_MILLIS)));
    return new Request.Builder().url(url("www.clickpost.in", "/api/v3/create-order/?username=u&key=SECRET"))
        .post(RequestBody.create("{\"courier_partner\":5,\"reference_number\":\"R1\"}", JSON))
        .tag(CallOptions.class, options)
        .build();
  }

  /** A GET of a shipment answered after 3 s, with {@link SlowProvider#DEADLINE} in its call options. */
  private static Request slowlyAnsweredGet() {
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")
        .withFixedDelay(3000)));
    return getShipmentWithTheDeadline();
  }

  /** A GET of a shipment whose status comes at once and its body in 20 chunks over 3 s. */
  private static Request drippedGet() {
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse()
        .withBody("{\"tracking\":\"" + "x".repeat(2000) + "\"}")
        .withChunkedDribbleDelay(20, 3000)));
    return getShipmentWithTheDeadline();
  }

  private static Request getShipmentWithTheDeadline() {
    return new Request.Builder().url(url("carrier.example", "/shipments/1"))
        .tag(CallOptions.class, CallOptions.builder().deadline(DEADLINE).build()).build();
  }

  /** Runs {@code call}, returning what it threw and asserting it ended at the deadline. */
  private static Throwable failureAtTheDeadline(Call call) {
    return failureAtTheDeadline(() -> {
      try (Response ignored = call.execute()) {
        // a response is a failure of the test: the assertion below reports it
      }
    });
  }

  /** Enqueues {@code call}, returning the failure its callback got and asserting it ended at the deadline. */
  private static Throwable enqueuedFailureAtTheDeadline(Call call) {
    return failureAtTheDeadline(() -> Enqueued.start(call).response().close());
  }

  /** Runs {@code call}, returning what it threw and asserting it ended at the deadline. */
  private static Throwable failureAtTheDeadline(ThrowingCallable call) {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(call);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(thrown).as("the call returned a response instead of failing at its deadline").isNotNull();
    assertEndedAtTheDeadline(took);
    return thrown;
  }

  /** The DeadlineExceededException in {@code thrown} or its causes (OkHttp wraps it when its call timeout fired). */
  private static DeadlineExceededException deadlineExceeded(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof DeadlineExceededException e) {
        return e;
      }
    }
    throw new AssertionError("expected a DeadlineExceededException, got " + thrown, thrown);
  }

  private void assertEndedWithTheLastPendingAnswer(Throwable thrown) {
    DeadlineExceededException e = deadlineExceeded(thrown);
    assertThat(e.classification()).as("the last classification").isNotNull();
    assertThat(e.decision()).isEqualTo(Decision.POLL);
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e).hasMessageNotContaining("SECRET");
    wireMock.verify(2, postRequestedFor(urlPathEqualTo("/api/v3/create-order/")));
  }

  /** The slowly answered GET's failure: no answer to carry, one request sent. */
  private static void assertEndedWithNoAnswerAfterOneRequest(Throwable thrown) {
    assertThat(thrown).isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
      assertThat(e.classification()).isNull();
      assertThat(e.attempts()).isEqualTo(1);
    });
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Test
  void callOptionsDeadlineEndsThePollInFlightInsteadOfWaitingForItsAnswer() {
    // given: the first answer (102) comes at 0.7 s, so the poll sent then has 0.3 s left
    Request request = slowlyPendingCreateOrder(CallOptions.builder().deadline(DEADLINE).build());
    client(b -> {}, b -> {});

    // when
    Throwable thrown = failureAtTheDeadline(client.newCall(request));

    // then: not a PollTimeoutException 1.4 s in, after the poll's own answer
    assertThat(thrown).isInstanceOf(DeadlineExceededException.class);
    assertEndedWithTheLastPendingAnswer(thrown);
  }

  @Test
  void policyDeadlineEndsThePollInFlightInsteadOfWaitingForItsAnswer() {
    Request request = slowlyPendingCreateOrder(CallOptions.none());
    client(b -> b.deadline(DEADLINE), b -> {});

    Throwable thrown = failureAtTheDeadline(client.newCall(request));

    assertThat(thrown).isInstanceOf(DeadlineExceededException.class);
    assertEndedWithTheLastPendingAnswer(thrown);
  }

  @Test
  void callTimeoutEndsThePollInFlightWithTheDeadlineAsCause() {
    Request request = slowlyPendingCreateOrder(CallOptions.none());
    client(b -> {}, b -> b.callTimeout(DEADLINE));

    Throwable thrown = failureAtTheDeadline(client.newCall(request));

    // the engine ends its deadline just before OkHttp's call timeout cancels the call; should OkHttp's timer still
    // fire first, OkHttp reports InterruptedIOException("timeout") caused by the engine's exception
    assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(CallCancelledException.class);
    assertEndedWithTheLastPendingAnswer(thrown);
  }

  @Test
  void getWhoseFirstAnswerComesAfterTheDeadlineEndsAtTheDeadlineNotAtOkHttpsReadTimeout() {
    // given: OkHttp's own read timeout (10 s) is far away; the answer comes after 3 s
    Request request = slowlyAnsweredGet();
    client(b -> {}, b -> {});

    // when
    Throwable thrown = failureAtTheDeadline(client.newCall(request));

    // then
    assertEndedWithNoAnswerAfterOneRequest(thrown);
  }

  @Test
  void bodyDrippedSlowerThanTheDeadlineEndsAtTheDeadline() {
    // given: the status comes at once, the body in 20 chunks over 3 s: no single read waits long, the whole does
    Request request = drippedGet();
    client(b -> {}, b -> {});

    // when
    Throwable thrown = failureAtTheDeadline(client.newCall(request));

    // then: not a 200 handed back with a broken body
    assertThat(thrown).isInstanceOfSatisfying(DeadlineExceededException.class,
        e -> assertThat(e.attempts()).isEqualTo(1));
  }

  @Test
  void callerCancellingBeforeTheDeadlineIsStillACancellation() throws Exception {
    // given: a cancel while the first request is in flight, long before the deadline
    Request request = slowlyPendingCreateOrder(CallOptions.builder().deadline(Duration.ofSeconds(5)).build());
    client(b -> {}, b -> {});
    Call call = client.newCall(request);
    ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
    try {
      canceller.schedule(call::cancel, DELAY_MILLIS / 2, TimeUnit.MILLISECONDS);

      // when
      long start = System.nanoTime();
      Throwable thrown = catchThrowable(() -> call.execute().close());

      // then
      assertThat(thrown).isInstanceOf(CallCancelledException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    } finally {
      canceller.shutdownNow();
    }
  }

  /** The same deadlines through {@link ShippingCallFactory}'s {@code enqueue}: the asynchronous path keeps them. */
  @Nested
  class ThroughTheCallFactory {
    @Test
    void callOptionsDeadlineEndsThePollInFlight() {
      Call call = factory(b -> {}).newCall(slowlyPendingCreateOrder(CallOptions.builder().deadline(DEADLINE).build()));

      Throwable thrown = enqueuedFailureAtTheDeadline(call);

      assertThat(thrown).isInstanceOf(DeadlineExceededException.class);
      assertEndedWithTheLastPendingAnswer(thrown);
    }

    @Test
    void clientCallTimeoutIsTheLogicalCallsDeadline() {
      // given: each attempt takes 0.7 s, so a call timeout counted per attempt would never fire
      Call call = factory(b -> b.callTimeout(DEADLINE)).newCall(slowlyPendingCreateOrder(CallOptions.none()));

      // when
      Throwable thrown = enqueuedFailureAtTheDeadline(call);

      // then: the engine, not an attempt's own timer, ends the call, with the last answer it had
      assertThat(thrown).isInstanceOf(DeadlineExceededException.class);
      assertEndedWithTheLastPendingAnswer(thrown);
    }

    @Test
    void timeoutSetOnTheCallIsTheLogicalCallsDeadline() {
      Call call = factory(b -> {}).newCall(slowlyPendingCreateOrder(CallOptions.none()));
      call.timeout().timeout(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

      Throwable thrown = enqueuedFailureAtTheDeadline(call);

      assertThat(thrown).isInstanceOf(DeadlineExceededException.class);
      assertEndedWithTheLastPendingAnswer(thrown);
    }

    @Test
    void getWhoseAnswerComesAfterTheDeadlineEndsAtTheDeadline() {
      Throwable thrown = enqueuedFailureAtTheDeadline(factory(b -> {}).newCall(slowlyAnsweredGet()));

      assertEndedWithNoAnswerAfterOneRequest(thrown);
    }

    @Test
    void bodyDrippedSlowerThanTheDeadlineEndsAtTheDeadline() {
      Throwable thrown = enqueuedFailureAtTheDeadline(factory(b -> {}).newCall(drippedGet()));

      assertThat(thrown).isInstanceOfSatisfying(DeadlineExceededException.class,
          e -> assertThat(e.attempts()).isEqualTo(1));
    }

    @Test
    void timeWaitingForADispatcherSlotCountsAgainstTheDeadline() throws Exception {
      // given: one slot per host, taken by an unrelated call that hangs for 5 s
      wireMock.stubFor(get(urlPathEqualTo("/hanging")).willReturn(aResponse().withBody("{}").withFixedDelay(5000)));
      Dispatcher dispatcher = new Dispatcher();
      dispatcher.setMaxRequestsPerHost(1);
      ShippingCallFactory factory = factory(b -> b.dispatcher(dispatcher));
      Call hanging = factory.client.newCall(new Request.Builder().url(url("carrier.example", "/hanging")).build());
      Enqueued hangingEnded = Enqueued.start(hanging);
      Request request = getShipmentWithTheDeadline();
      try {
        // when
        Throwable thrown = enqueuedFailureAtTheDeadline(factory.newCall(request));

        // then: the attempt never left the dispatcher's queue, and the call still ended at its deadline
        assertThat(thrown).isInstanceOfSatisfying(DeadlineExceededException.class,
            e -> assertThat(e.attempts()).isEqualTo(1));
        wireMock.verify(0, getRequestedFor(urlPathEqualTo("/shipments/1")));
      } finally {
        hanging.cancel();
        assertThat(hangingEnded.failure()).isInstanceOf(IOException.class);
      }
    }

    @Test
    void executeEndsAtTheClientCallTimeoutAsTheInterceptorDoes() {
      Call call = factory(b -> b.callTimeout(DEADLINE)).newCall(slowlyPendingCreateOrder(CallOptions.none()));

      Throwable thrown = failureAtTheDeadline(call);

      assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(CallCancelledException.class);
      assertEndedWithTheLastPendingAnswer(thrown);
    }
  }
}
