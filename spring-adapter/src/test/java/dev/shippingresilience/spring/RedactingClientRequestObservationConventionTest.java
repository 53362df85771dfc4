package dev.shippingresilience.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.spring.testing.Stubs;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Spring's own {@code http.client.requests} observations, in a real Boot context with metrics and observations:
 * a URL written as a literal string must not put its secrets in a meter tag or an observation key.
 */
class RedactingClientRequestObservationConventionTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

  private static final String TRACKING = "/api/v1/track/";

  /** Records every stopped observation's keys (low and high cardinality), as a tracer would see them. */
  static final class RecordingHandler implements ObservationHandler<Observation.Context> {
    final List<String> keys = new CopyOnWriteArrayList<>();
    final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public void onStop(Observation.Context context) {
      keys.add(context.getAllKeyValues().stream().map(kv -> kv.getKey() + "=" + kv.getValue())
          .collect(Collectors.joining(", ")));
      stopped.countDown();
    }

    /** Waits for the first observation to stop: WebClient's stops on a Reactor thread, after block() returns. */
    void awaitStop() throws InterruptedException {
      assertThat(stopped.await(10, TimeUnit.SECONDS)).as("an observation stopped").isTrue();
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ShippingResilienceAutoConfiguration.class,
          RestClientAutoConfiguration.class, RestClientObservationAutoConfiguration.class,
          WebClientAutoConfiguration.class, WebClientObservationAutoConfiguration.class,
          ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
          CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
      .withBean(RecordingHandler.class, RecordingHandler::new)
      .withPropertyValues("shipping.resilience.hosts[127.0.0.1]=clickpost");

  private static String base() {
    return "http://127.0.0.1:" + wireMock.getPort();
  }

  /**
   * The {@code uri} tags of {@code http.client.requests}, once recorded: WebClient's observation stops on a Reactor
   * thread after {@code block()} returns, so this polls (up to ten seconds) rather than sleeping.
   */
  private static List<String> uriTags(AssertableApplicationContext context) {
    MeterRegistry meters = context.getBean(MeterRegistry.class);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (meters.find("http.client.requests").meters().isEmpty() && System.nanoTime() < giveUp) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return meters.find("http.client.requests").meters().stream().map(m -> m.getId().getTag("uri")).toList();
  }

  private static List<String> allTagValues(AssertableApplicationContext context) {
    return context.getBean(MeterRegistry.class).getMeters().stream().map(Meter::getId)
        .flatMap(id -> id.getTags().stream()).map(Tag::getValue).toList();
  }

  @Nested
  class RestClientRequests {
    @Test
    void aLiteralUrlWithTheKeyInTheQueryLeavesNoSecretInAnyTagOrKey() {
      wireMock.stubFor(get(urlPathEqualTo(TRACKING)).willReturn(Stubs.fixture("clickpost", "cancel-success.json")));
      runner.run(context -> {
        // given the auto-configured builder, and a URL written as one string (Spring takes it as the template)
        RestClient client = context.getBean(RestClient.Builder.class).build();

        // when
        client.get().uri(base() + TRACKING + "?username=shop-user&key=SECRETKEY123&waybill=W1").retrieve()
            .toBodilessEntity();

        // then the uri tag keeps the path and the harmless parameter, not the username or the key
        assertThat(context).getBean(ClientRequestObservationConvention.class)
            .isInstanceOf(RedactingClientRequestObservationConvention.class);
        assertThat(uriTags(context)).containsExactly(TRACKING + "?username=***&key=***&waybill=W1");
        assertThat(allTagValues(context)).noneMatch(v -> v.contains("SECRETKEY123") || v.contains("shop-user"));
        RecordingHandler observed = context.getBean(RecordingHandler.class);
        assertThat(observed.keys).anySatisfy(k -> assertThat(k).contains("http.url=" + base() + TRACKING
            + "?username=***&key=***&waybill=W1"));
        assertThat(observed.keys).noneMatch(k -> k.contains("SECRETKEY123") || k.contains("shop-user"));
      });
    }

    @Test
    void aUriTemplateKeepsItsTemplate() {
      wireMock.stubFor(get(urlPathEqualTo(TRACKING)).willReturn(Stubs.fixture("clickpost", "cancel-success.json")));
      runner.run(context -> {
        RestClient client = context.getBean(RestClient.Builder.class).baseUrl(base()).build();

        // when the secrets are template variables
        client.get().uri(TRACKING + "?username={user}&key={key}", "shop-user", "SECRETKEY123").retrieve()
            .toBodilessEntity();

        // then the tag is the template, as Spring records it, and the expanded URL is masked
        assertThat(uriTags(context)).containsExactly(TRACKING + "?username={user}&key={key}");
        assertThat(context.getBean(RecordingHandler.class).keys)
            .noneMatch(k -> k.contains("SECRETKEY123") || k.contains("shop-user"));
      });
    }

    @Test
    void theApplicationsOwnConventionReplacesOurs() {
      ClientRequestObservationConvention mine = new DefaultClientRequestObservationConvention("mine");
      runner.withBean(ClientRequestObservationConvention.class, () -> mine)
          .run(context -> assertThat(context).getBean(ClientRequestObservationConvention.class).isSameAs(mine));
    }

    @Test
    void theObservationNameFollowsBootsProperty() {
      runner.withPropertyValues("management.observations.http.client.requests.name=outbound")
          .run(context -> assertThat(context.getBean(ClientRequestObservationConvention.class).getName())
              .isEqualTo("outbound"));
    }
  }

  @Nested
  class WebClientRequests {
    @Test
    void aLiteralUrlWithTheKeyInTheQueryLeavesNoSecretInAnyTagOrKey() {
      wireMock.stubFor(get(urlPathEqualTo(TRACKING)).willReturn(Stubs.fixture("clickpost", "cancel-success.json")));
      runner.run(context -> {
        WebClient client = context.getBean(WebClient.Builder.class).clientConnector(new JdkClientHttpConnector())
            .build();

        // when
        client.get().uri(base() + TRACKING + "?username=shop-user&key=SECRETKEY123").retrieve().toBodilessEntity()
            .block();
        context.getBean(RecordingHandler.class).awaitStop();

        // then
        assertThat(uriTags(context)).containsExactly(TRACKING + "?username=***&key=***");
        assertThat(allTagValues(context)).noneMatch(v -> v.contains("SECRETKEY123") || v.contains("shop-user"));
        assertThat(context.getBean(RecordingHandler.class).keys)
            .anySatisfy(k -> assertThat(k).contains("http.url=" + base() + TRACKING + "?username=***&key=***"))
            .noneMatch(k -> k.contains("SECRETKEY123") || k.contains("shop-user"));
      });
    }
  }

  @Test
  void everyProfilesSecretQueryNamesAreMaskedNotOnlyTheDefaults() {
    // given abicart's "auth" and "session", and clickpost's "username", across providers
    RedactingClientRequestObservationConvention convention =
        new RedactingClientRequestObservationConvention(ProviderProfiles.builtIn());
    org.springframework.http.client.observation.ClientRequestObservationContext context =
        new org.springframework.http.client.observation.ClientRequestObservationContext(null);
    context.setUriTemplate("https://u:pw@shop.example/api;session=S1/x?auth=A1&username=U1&Client_Secret=C1&q=1#key=K");

    // then
    assertThat(convention.getLowCardinalityKeyValues(context).stream()
        .filter(kv -> kv.getKey().equals("uri")).findFirst().orElseThrow().getValue())
        .isEqualTo("/api;session=***/x?auth=***&username=***&Client_Secret=***&q=1#key=***");
    context.setUriTemplate("/x;v=1#token=T1");
    assertThat(convention.getLowCardinalityKeyValues(context).stream()
        .filter(kv -> kv.getKey().equals("uri")).findFirst().orElseThrow().getValue())
        .isEqualTo("/x;v=1#token=***");
  }
}
