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
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.DeadlineExceededException;
import dev.shippingresilience.Decision;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * The call's deadline covers the attempt in flight, its body's peek included, through WebClient (each attempt gets
 * only the time left). These tests run on the real clock and the default scheduler against WireMock's real delays
 * (the delay is the point), as {@code DeadlineTest} does for RestClient.
 */
class ShippingResilienceExchangeFilterDeadlineTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  private static final String CREATE = "/api/v3/create-order/";

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void warmUp() {
    // A cold JVM loads WebClient's, the JDK client's, WireMock's and the engine's classes on the first calls, which
    // takes longer than the lateness allowed: the timed calls run warm. A completed call, then one ended by a short
    // deadline.
    wireMock.stubFor(get(urlPathEqualTo("/warm-up")).willReturn(aResponse().withBody("{}")));
    wireMock.stubFor(get(urlPathEqualTo("/warm-up/slow")).willReturn(aResponse().withBody("{}").withFixedDelay(300)));
    WebClient client = new ShippingResilienceExchangeFilterDeadlineTest().client(b -> {});
    client.get().uri("/warm-up").retrieve().toBodilessEntity().block(Duration.ofSeconds(10));
    WebClient shortDeadline = new ShippingResilienceExchangeFilterDeadlineTest()
        .client(b -> b.deadline(Duration.ofMillis(200)));
    catchThrowable(() -> shortDeadline.get().uri("/warm-up/slow").retrieve().toBodilessEntity()
        .block(Duration.ofSeconds(10)));
  }

  /** A WebClient on the real clock polling every 10 ms; 127.0.0.1 is generic-http unless told. */
  private WebClient client(Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.meterRegistry(meters).pollInterval(Duration.ofMillis(10)))
        .configureAll(custom)
        .build();
    return WebClient.builder()
        .clientConnector(new JdkClientHttpConnector(HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).build()))
        .baseUrl("http://127.0.0.1:" + wireMock.getPort())
        .apply(ShippingResilienceExchangeFilter.of(policies)::addTo)
        .build();
  }

  /** Runs {@code call}, asserting it failed within the deadline plus the lateness; returns the engine's exception. */
  private static DeadlineExceededException failureAtTheDeadline(Mono<?> call) {
    long start = System.nanoTime();
    // block() wraps a checked exception (ours are IOExceptions) in Reactor's ReactiveException
    Throwable thrown = Exceptions.unwrap(catchThrowable(() -> call.block(Duration.ofSeconds(10))));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(thrown).as("the call returned instead of failing at its deadline")
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageNotContaining("SECRET");
    assertEndedAtTheDeadline(took);
    return (DeadlineExceededException) thrown;
  }

  @Test
  void deadlineAttributeEndsThePollInFlightInsteadOfWaitingForItsAnswer() {
    // given Clickpost answering "102 processing" after 0.7 s every time: the poll sent then has 0.3 s left
    wireMock.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withBody(PENDING_BODY)
        .withFixedDelay(DELAY_MILLIS)));

    // when
    DeadlineExceededException e = failureAtTheDeadline(client(b -> {}).post().uri(CREATE + "?username=u&key=SECRET")
        .attribute(ShippingRequestAttributes.PROVIDER, "clickpost")
        .attribute(ShippingRequestAttributes.DEADLINE, DEADLINE)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"courier_partner\":5,\"reference_number\":\"R1\"}")
        .retrieve().toBodilessEntity());

    // then: not a PollTimeoutException 1.4 s in, after the poll's own answer
    assertThat(e.decision()).isEqualTo(Decision.POLL);
    assertThat(e.attempts()).isEqualTo(2);
    wireMock.verify(2, postRequestedFor(urlPathEqualTo(CREATE)));
  }

  @Test
  void getWhoseFirstAnswerComesAfterTheDeadlineEndsAtTheDeadline() {
    // given an answer after 3 s
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse().withBody("{}")
        .withFixedDelay(3000)));

    // when
    DeadlineExceededException e = failureAtTheDeadline(client(b -> b.deadline(DEADLINE)).get().uri("/shipments/1")
        .retrieve().toBodilessEntity());

    // then: no answer to carry, one request sent
    assertThat(e.classification()).isNull();
    assertThat(e.attempts()).isEqualTo(1);
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/shipments/1")));
  }

  @Test
  void bodyDrippedSlowerThanTheDeadlineEndsAtTheDeadlineWhileItIsPeeked() {
    // given the status at once, the body in 20 chunks over 3 s
    wireMock.stubFor(get(urlPathEqualTo("/shipments/1")).willReturn(aResponse()
        .withBody("{\"tracking\":\"" + "x".repeat(2000) + "\"}")
        .withChunkedDribbleDelay(20, 3000)));

    // when
    DeadlineExceededException e = failureAtTheDeadline(client(b -> b.deadline(DEADLINE)).get().uri("/shipments/1")
        .retrieve().bodyToMono(String.class));

    // then: not a 200 handed back with a broken body
    assertThat(e.attempts()).isEqualTo(1);
  }
}
