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
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The logical call's deadline through {@link ShippingCallFactory#newCall}'s {@code enqueue}: from
 * {@link CallOptions#deadline()}, the client's call timeout or the call's own {@code timeout()}, it covers the
 * attempt in flight (issue 12 item 2's rule, kept by the asynchronous path). On the real clock against WireMock's
 * real delays, as {@link DeadlineTest}; the engine's own waits are 10 ms polls, scheduled.
 */
class ShippingCallFactoryDeadlineTest {
  private static final MediaType JSON = MediaType.get("application/json");

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void warmUp() throws Exception {
    // As DeadlineTest's: the timed calls run in a warm JVM, as a service's calls do.
    wireMock.stubFor(get(urlPathEqualTo("/warm-up")).willReturn(aResponse().withBody("{}")));
    wireMock.stubFor(get(urlPathEqualTo("/warm-up/slow")).willReturn(aResponse().withBody("{}").withFixedDelay(300)));
    wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).willReturn(aResponse()
        .withBody(PENDING_BODY).withFixedDelay(20)));
    ShippingCallFactory factory = new ShippingCallFactoryDeadlineTest().factory(b -> { });
    CallOptions shortDeadline = CallOptions.builder().deadline(Duration.ofMillis(200)).build();
    List<Request> requests = List.of(
        new Request.Builder().url(url("carrier.example", "/warm-up")).build(),
        new Request.Builder().url(url("carrier.example", "/warm-up/slow")).tag(CallOptions.class, shortDeadline)
            .build(),
        new Request.Builder().url(url("www.clickpost.in", "/api/v3/create-order/")).post(RequestBody.create("{}", JSON))
            .tag(CallOptions.class, shortDeadline).build());
    for (Request request : requests) {
      catchThrowable(() -> enqueued(factory.newCall(request)).close());
      catchThrowable(() -> factory.newCall(request).execute().close());
    }
    connections.check();
  }

  private ShippingCallFactory factory(Consumer<OkHttpClient.Builder> http) {
    OkHttpClient.Builder b = new OkHttpClient.Builder().dns(host -> List.of(InetAddress.getLoopbackAddress()));
    http.accept(b);
    return ShippingCallFactory.wrap(connections.watch(b.build()), ShippingPolicies.builder()
        .configureAll(p -> p.meterRegistry(meters).pollInterval(Duration.ofMillis(10))).build());
  }

  private static String url(String host, String path) {
    return "http://" + host + ":" + wireMock.getPort() + path;
  }

  /** Enqueues {@code call} and returns its response, or throws the failure its callback got. */
  private static Response enqueued(Call call) throws Exception {
    CompletableFuture<Response> outcome = new CompletableFuture<>();
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        outcome.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call c, Response response) {
        outcome.complete(response);
      }
    });
    try {
      return outcome.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** Clickpost's create-order, answered "102 processing" after 700 ms every time: the engine polls it. */
  private static Request slowlyPendingCreateOrder(CallOptions options) {
    wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/")).willReturn(aResponse()
        .withBody(PENDING_BODY).withFixedDelay(DELAY_MILLIS)));
    return new Request.Builder().url(url("www.clickpost.in", "/api/v3/create-order/?username=u&key=SECRET"))
        .post(RequestBody.create("{\"courier_partner\":5,\"reference_number\":\"R1\"}", JSON))
        .tag(CallOptions.class, options)
        .build();
  }

  /** Enqueues {@code call}, returning what its callback got as a failure, and asserting it ended at the deadline. */
  private static Throwable failureAtTheDeadline(Call call) {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(() -> enqueued(call).close());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(thrown).as("the call returned a response instead of failing at its deadline").isNotNull();
    assertEndedAtTheDeadline(took);
    return thrown;
  }

  private static void assertEndedWithTheLastPendingAnswer(Throwable thrown) {
    assertThat(thrown).isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
      assertThat(e.decision()).isEqualTo(Decision.POLL);
      assertThat(e.attempts()).isEqualTo(2);
      assertThat(e).hasMessageNotContaining("SECRET");
    });
    wireMock.verify(2, postRequestedFor(urlPathEqualTo("/api/v3/create-order/")));
  }

  @Test
  void callOptionsDeadlineEndsThePollInFlight() {
    Call call = factory(b -> { }).newCall(slowlyPendingCreateOrder(CallOptions.builder().deadline(DEADLINE).build()));

    assertEndedWithTheLastPendingAnswer(failureAtTheDeadline(call));
  }

  @Test
  void clientCallTimeoutIsTheLogicalCallsDeadline() {
    // given: each attempt takes 0.7 s; a call timeout counted per attempt would never fire
    Call call = factory(b -> b.callTimeout(DEADLINE)).newCall(slowlyPendingCreateOrder(CallOptions.none()));

    // then: the engine, not an attempt's own timer, ends the call, with the last answer it had
    assertEndedWithTheLastPendingAnswer(failureAtTheDeadline(call));
  }

  @Test
  void timeoutSetOnTheCallIsTheLogicalCallsDeadline() {
    Call call = factory(b -> { }).newCall(slowlyPendingCreateOrder(CallOptions.none()));
    call.timeout().timeout(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

    assertEndedWithTheLastPendingAnswer(failureAtTheDeadline(call));
  }

  @Test
  void getWhoseAnswerComesAfterTheDeadlineEndsAtTheDeadline() {
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")
        .withFixedDelay(3000)));
    Request request = new Request.Builder().url(url("carrier.example", "/shipments/1"))
        .tag(CallOptions.class, CallOptions.builder().deadline(DEADLINE).build()).build();

    Throwable thrown = failureAtTheDeadline(factory(b -> { }).newCall(request));

    assertThat(thrown).isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
      assertThat(e.classification()).isNull();
      assertThat(e.attempts()).isEqualTo(1);
    });
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Test
  void bodyDrippedSlowerThanTheDeadlineEndsAtTheDeadline() {
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse()
        .withBody("{\"tracking\":\"" + "x".repeat(2000) + "\"}")
        .withChunkedDribbleDelay(20, 3000)));
    Request request = new Request.Builder().url(url("carrier.example", "/shipments/1"))
        .tag(CallOptions.class, CallOptions.builder().deadline(DEADLINE).build()).build();

    Throwable thrown = failureAtTheDeadline(factory(b -> { }).newCall(request));

    assertThat(thrown).isInstanceOfSatisfying(DeadlineExceededException.class,
        e -> assertThat(e.attempts()).isEqualTo(1));
  }

  @Test
  void timeWaitingForADispatcherSlotCountsAgainstTheDeadline() throws Exception {
    // given: one slot per host, taken by an unrelated call that hangs for 5 s
    wireMock.stubFor(get(urlPathEqualTo("/hanging")).willReturn(aResponse().withBody("{}").withFixedDelay(5000)));
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")));
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequestsPerHost(1);
    ShippingCallFactory factory = factory(b -> b.dispatcher(dispatcher));
    Call hanging = factory.client.newCall(new Request.Builder().url(url("carrier.example", "/hanging")).build());
    CompletableFuture<Void> hangingEnded = new CompletableFuture<>();
    hanging.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        hangingEnded.complete(null);
      }

      @Override
      public void onResponse(Call c, Response response) {
        response.close();
        hangingEnded.complete(null);
      }
    });
    Request request = new Request.Builder().url(url("carrier.example", "/shipments/1"))
        .tag(CallOptions.class, CallOptions.builder().deadline(DEADLINE).build()).build();
    try {
      // when
      Throwable thrown = failureAtTheDeadline(factory.newCall(request));

      // then: the attempt never left the dispatcher's queue, and the call still ended at its deadline
      assertThat(thrown).isInstanceOfSatisfying(DeadlineExceededException.class,
          e -> assertThat(e.attempts()).isEqualTo(1));
      wireMock.verify(0, getRequestedFor(urlPathEqualTo("/shipments/1")));
    } finally {
      hanging.cancel();
      hangingEnded.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void executeEndsAtTheClientCallTimeoutAsTheInterceptorDoes() {
    Call call = factory(b -> b.callTimeout(DEADLINE)).newCall(slowlyPendingCreateOrder(CallOptions.none()));
    long start = System.nanoTime();

    Throwable thrown = catchThrowable(() -> call.execute().close());

    assertEndedAtTheDeadline(Duration.ofNanos(System.nanoTime() - start));
    assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(CallCancelledException.class);
    wireMock.verify(2, postRequestedFor(urlPathEqualTo("/api/v3/create-order/")));
  }
}
