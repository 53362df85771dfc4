package dev.shippingresilience.examples.boot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.spring.ShippingPoliciesCustomizer;
import dev.shippingresilience.spring.ShippingResilienceAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The README's Spring Boot example ({@link Orders}) in a Boot context: no code but the service, and 102 is polled. */
class ReadmeSpringBootExampleTest {
  private static final String CREATE_ORDER = "/api/v3/create-order/";

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

  @Test
  void readmeServicePollsClickpostsProcessingAnswerThroughBootsRestClientBuilder() {
    // given: Clickpost first says "processing" (102), then places the order; the poll interval is recorded, not slept
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).inScenario("order").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(200).withBody("{\"meta\":{\"status\":102,\"success\":false}}"))
        .willSetStateTo("placed"));
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).inScenario("order").whenScenarioStateIs("placed")
        .willReturn(aResponse().withStatus(200)
            .withBody("{\"meta\":{\"status\":200,\"success\":true},\"result\":{\"waybill\":\"W-1\"}}")));
    List<Duration> waits = new CopyOnWriteArrayList<>();
    ApplicationContextRunner app = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ShippingResilienceAutoConfiguration.class,
            RestClientAutoConfiguration.class))
        .withBean(ShippingPoliciesCustomizer.class,
            () -> builder -> builder.configureAll(b -> b.sleeper((duration, token) -> waits.add(duration))))
        .withUserConfiguration(Orders.class)
        .withPropertyValues("clickpost.url=http://127.0.0.1:" + wireMock.getPort(),
            "shipping.resilience.hosts[127.0.0.1]=clickpost");

    app.run(context -> {
      // when
      String body = context.getBean(Orders.class).create("{\"reference_number\":\"R-1\"}", "KEY");

      // then
      assertThat(body).contains("W-1");
      assertThat(waits).containsExactly(Duration.ofSeconds(10));
      wireMock.verify(2, postRequestedFor(urlPathEqualTo(CREATE_ORDER)));
    });
  }
}
