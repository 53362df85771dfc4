package dev.shippingresilience.spring;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.Decision;
import dev.shippingresilience.DeadlineExceededException;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spring.testing.CountingRequestFactory;
import dev.shippingresilience.spring.testing.NoLeakedResponses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Issue 12 item 2: the call's deadline covers the request in flight, through the request factories that take a
 * time limit per request ({@link DeadlineRequestFactories}). These tests run on the real clock against WireMock's
 * real delays (the delay is the point); the engine's own waits use a sleeper that returns at once.
 */
class DeadlineTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedResponses responses = new NoLeakedResponses();
  private static final String CREATE = "/api/v3/create-order/";

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void warmUp() {
    // The first calls through a cold JVM load RestClient's, the HTTP clients', WireMock's and the engine's classes,
    // which takes longer than the lateness allowed: the timed calls run warm, as a service's calls do. A completed
    // GET and POST, then both ended by a short deadline.
    wireMock.stubFor(get(urlPathEqualTo("/warm-up")).willReturn(aResponse().withBody("{}")));
    wireMock.stubFor(post(urlPathEqualTo("/warm-up")).willReturn(aResponse().withBody("{}")));
    wireMock.stubFor(get(urlPathEqualTo("/warm-up/slow")).willReturn(aResponse().withBody("{}").withFixedDelay(300)));
    wireMock.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse()
        .withBody(PENDING_BODY).withFixedDelay(20)));
    for (Named factory : factories()) {
      RestClient client = new DeadlineTest().client(factory.factory().get(), b -> {});
      client.get().uri("/warm-up").retrieve().toBodilessEntity();
      client.post().uri("/warm-up").contentType(MediaType.APPLICATION_JSON).body("{}").retrieve().toBodilessEntity();
      RestClient shortDeadline = new DeadlineTest().client(factory.factory().get(),
          b -> b.deadline(Duration.ofMillis(200)));
      catchThrowable(() -> shortDeadline.get().uri("/warm-up/slow").retrieve().toBodilessEntity());
      catchThrowable(() -> shortDeadline.post().uri(CREATE).attribute(ShippingRequestAttributes.PROVIDER, "clickpost")
          .contentType(MediaType.APPLICATION_JSON).body("{}").retrieve().toBodilessEntity());
    }
    responses.check();
  }

  /** The request factories that take a time limit per request, each over a real client with a 10 s read timeout. */
  static List<Named> factories() {
    return List.of(
        new Named("jdk", () -> DeadlineRequestFactories.jdk(
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), Duration.ofSeconds(10))),
        new Named("simple", () -> {
          SimpleClientHttpRequestFactory simple = DeadlineRequestFactories.simple();
          simple.setReadTimeout(Duration.ofSeconds(10));
          return simple;
        }));
  }

  /** A factory with a name for the test report. */
  record Named(String name, Supplier<ClientHttpRequestFactory> factory) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A RestClient on the real clock whose engine never really waits; 127.0.0.1 is generic-http unless told. */
  private RestClient client(ClientHttpRequestFactory factory, Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.sleeper((delay, token) -> {}).meterRegistry(meters).pollInterval(Duration.ofMillis(10)))
        .configureAll(custom)
        .build();
    CountingRequestFactory transport = responses.watch(new CountingRequestFactory(factory));
    return RestClient.builder()
        .requestFactory(transport)
        .baseUrl("http://127.0.0.1:" + wireMock.getPort())
        .apply(new ShippingResilienceCustomizer(ShippingResilienceInterceptor.of(policies)))
        .build();
  }

  /** Clickpost's create-order, answered "102 processing" after 700 ms every time: the engine polls it. */
  private static RestClient.RequestBodySpec slowlyPendingCreateOrder(RestClient client) {
    wireMock.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse()
        .withBody(PENDING_BODY)
        .withFixedDelay(DELAY_MILLIS)));
    return client.post().uri(CREATE + "?username=u&key=SECRET")
        .attribute(ShippingRequestAttributes.PROVIDER, "clickpost")
        .contentType(MediaType.APPLICATION_JSON)
        .body("{\"courier_partner\":5,\"reference_number\":\"R1\"}");
  }

  /** Runs {@code call}, asserting it failed within the deadline plus the lateness; returns the engine's exception. */
  private static DeadlineExceededException failureAtTheDeadline(Runnable call) {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(call::run);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(thrown).as("the call returned instead of failing at its deadline")
        .isInstanceOf(ResourceAccessException.class)
        .hasMessageNotContaining("SECRET");
    assertEndedAtTheDeadline(took);
    assertThat(thrown.getCause()).isInstanceOf(DeadlineExceededException.class);
    return (DeadlineExceededException) thrown.getCause();
  }

  private static void assertEndedWithTheLastPendingAnswer(DeadlineExceededException e) {
    assertThat(e.classification()).as("the last classification").isNotNull();
    assertThat(e.decision()).isEqualTo(Decision.POLL);
    assertThat(e.attempts()).isEqualTo(2);
    wireMock.verify(2, postRequestedFor(urlPathEqualTo(CREATE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("factories")
  void deadlineAttributeEndsThePollInFlightInsteadOfWaitingForItsAnswer(Named factory) {
    // given: the first answer (102) comes at 0.7 s, so the poll sent then has 0.3 s left
    RestClient client = client(factory.factory().get(), b -> {});

    // when
    DeadlineExceededException e = failureAtTheDeadline(() -> slowlyPendingCreateOrder(client)
        .attribute(ShippingRequestAttributes.DEADLINE, DEADLINE).retrieve().toBodilessEntity());

    // then: not a PollTimeoutException 1.4 s in, after the poll's own answer
    assertEndedWithTheLastPendingAnswer(e);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("factories")
  void policyDeadlineEndsThePollInFlightInsteadOfWaitingForItsAnswer(Named factory) {
    RestClient client = client(factory.factory().get(), b -> b.deadline(DEADLINE));

    DeadlineExceededException e = failureAtTheDeadline(
        () -> slowlyPendingCreateOrder(client).retrieve().toBodilessEntity());

    assertEndedWithTheLastPendingAnswer(e);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("factories")
  void getWhoseFirstAnswerComesAfterTheDeadlineEndsAtTheDeadlineNotAtTheReadTimeout(Named factory) {
    // given: the factory's read timeout (10 s) is far away; the answer comes after 3 s
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")
        .withFixedDelay(3000)));
    RestClient client = client(factory.factory().get(), b -> b.deadline(DEADLINE));

    // when
    DeadlineExceededException e = failureAtTheDeadline(
        () -> client.get().uri("/shipments/1").retrieve().toBodilessEntity());

    // then: no answer to carry, one request sent
    assertThat(e.classification()).isNull();
    assertThat(e.attempts()).isEqualTo(1);
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Test
  void bodyDrippedSlowerThanTheDeadlineEndsAtTheDeadlineThroughTheJdkFactory() {
    // given: the status comes at once, the body in 20 chunks over 3 s: no single read waits long, the whole does
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse()
        .withBody("{\"tracking\":\"" + "x".repeat(2000) + "\"}")
        .withChunkedDribbleDelay(20, 3000)));
    RestClient client = client(factories().get(0).factory().get(), b -> b.deadline(DEADLINE));

    // when
    DeadlineExceededException e = failureAtTheDeadline(
        () -> client.get().uri("/shipments/1").retrieve().body(String.class));

    // then: not a 200 handed back with a broken body
    assertThat(e.attempts()).isEqualTo(1);
  }

  @Test
  void attemptTimeLeftIsTheCallsRemainingTimeInsideAnAttemptAndNullOutside() {
    // given: a factory that records what the interceptor tells it
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")));
    List<Duration> seen = new CopyOnWriteArrayList<>();
    ClientHttpRequestFactory jdk = factories().get(0).factory().get();
    RestClient client = client((uri, method) -> {
      seen.add(ShippingResilienceInterceptor.attemptTimeLeft());
      return jdk.createRequest(uri, method);
    }, b -> b.deadline(Duration.ofSeconds(30)));

    // when
    client.get().uri("/shipments/1").retrieve().toBodilessEntity();

    // then
    assertThat(seen).singleElement().satisfies(left -> assertThat(left)
        .isLessThanOrEqualTo(Duration.ofSeconds(30)).isGreaterThan(Duration.ofSeconds(25)));
    assertThat(ShippingResilienceInterceptor.attemptTimeLeft()).isNull();
  }

  @Test
  void jdkFactoryRefusesANonPositiveReadTimeout() {
    HttpClient http = HttpClient.newHttpClient();
    assertThatThrownBy(() -> DeadlineRequestFactories.jdk(http, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid readTimeout (PT0S): must be positive");
  }
}
