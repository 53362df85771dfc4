package dev.shippingresilience.bootcompat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.spring.ShippingPoliciesCustomizer;
import dev.shippingresilience.spring.ShippingResilienceExchangeFilter;
import dev.shippingresilience.spring.ShippingResilienceInterceptor;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A real Spring Boot application (auto-configuration, Actuator's metrics, Boot's managed versions) calling a
 * provider through the {@link RestClient.Builder} Boot auto-configures, which carries the library's interceptor, and
 * through its {@link WebClient.Builder}, which carries the library's filter.
 */
class BootAppTest {
  private static final String CREATE_ORDER = "/api/v3/create-order/";
  private static final String CREATED = new String(Fixtures.body("clickpost", "create-order-success.json"),
      StandardCharsets.UTF_8);

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

  private ConfigurableApplicationContext app;

  /** The application: nothing but Boot's auto-configuration and a test clock and sleeper for the engine. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class ShippingApp {
    @Bean
    FakeClock clock() {
      return new FakeClock(Fixtures.NOW);
    }

    @Bean
    FakeSleeper sleeper(FakeClock clock) {
      return new FakeSleeper(clock);
    }

    @Bean
    ShippingPoliciesCustomizer testTime(FakeClock clock, FakeSleeper sleeper) {
      // A fixed random: full-jitter backoff could otherwise draw a 0 ms wait, which the sleeper does not record.
      return builder -> builder.configureAll(b -> b.clock(clock).sleeper(sleeper).random(new FixedRandom()));
    }
  }

  @BeforeEach
  void start() {
    app = new SpringApplicationBuilder(ShippingApp.class)
        .web(WebApplicationType.NONE)
        .properties("shipping.resilience.hosts[127.0.0.1]=clickpost",
            // an application's own percentiles: Micrometer computes them with HdrHistogram
            "management.metrics.distribution.percentiles.shipping.resilience.calls=0.5,0.95")
        .run();
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private HttpHeaders createOrder() {
    RestClient client = app.getBean(RestClient.Builder.class).baseUrl("http://127.0.0.1:" + wireMock.getPort())
        .build();
    return client.post().uri(CREATE_ORDER + "?key=SECRET").contentType(MediaType.APPLICATION_JSON)
        .body("{\"reference_number\":\"R1\"}").retrieve().toBodilessEntity().getHeaders();
  }

  @Test
  void successThroughTheAutoConfiguredRestClientIsOneCall() {
    // given
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).willReturn(aResponse().withBody(CREATED)));

    // when
    HttpHeaders headers = createOrder();

    // then
    assertThat(headers.getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    assertThat(headers.getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("1");
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE_ORDER)));
    assertThat(app.getBean(FakeSleeper.class).waits()).isEmpty();
  }

  @Test
  void rateLimitedCallIsRetriedThenSucceeds() {
    // given a 429 (clickpost: RETRY, not processed), then the order
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).inScenario("busy")
        .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(429)).willSetStateTo("free"));
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).inScenario("busy")
        .whenScenarioStateIs("free").willReturn(aResponse().withBody(CREATED)));

    // when
    HttpHeaders headers = createOrder();

    // then
    assertThat(headers.getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    assertThat(headers.getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
    wireMock.verify(2, postRequestedFor(urlPathEqualTo(CREATE_ORDER)));
    assertThat(app.getBean(FakeSleeper.class).waits()).hasSize(1);
  }

  @Test
  void successThroughTheAutoConfiguredWebClientIsOneCallWithTheResultHeaders() {
    // given
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).willReturn(aResponse().withBody(CREATED)));
    WebClient client = app.getBean(WebClient.Builder.class).baseUrl("http://127.0.0.1:" + wireMock.getPort()).build();

    // when
    HttpHeaders headers = client.post().uri(CREATE_ORDER + "?key=SECRET").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"reference_number\":\"R1\"}").retrieve().toBodilessEntity().block(Duration.ofSeconds(10))
        .getHeaders();

    // then
    assertThat(headers.getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    assertThat(headers.getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("1");
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE_ORDER)));
    assertThat(app.getBean(ShippingResilienceExchangeFilter.class)).isNotNull();
  }

  /**
   * Boot's Actuator takes micrometer-core through the library (the nearest path), so an exclusion of HdrHistogram in
   * core would remove it from the application too, and percentiles it configures would fail at the first call.
   */
  @Test
  void applicationPercentilesStillWorkWithTheLibraryOnTheClasspath() {
    // given
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).willReturn(aResponse().withBody(CREATED)));

    // when
    createOrder();

    // then
    Timer calls = app.getBean(MeterRegistry.class).get("shipping.resilience.calls").tag("provider", "clickpost")
        .tag("outcome", "succeeded").timer();
    assertThat(calls.count()).isEqualTo(1);
    assertThat(calls.takeSnapshot().percentileValues()).extracting(ValueAtPercentile::percentile)
        .containsExactly(0.5, 0.95);
  }
}
