package dev.shippingresilience.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spi.LocalLimits;
import dev.shippingresilience.spi.SharedLimits;
import dev.shippingresilience.spring.internal.InvalidShippingPropertyException;
import dev.shippingresilience.spring.internal.InvalidShippingPropertyFailureAnalyzer;
import dev.shippingresilience.spring.testing.CountingRequestFactory;
import dev.shippingresilience.spring.testing.NoLeakedResponses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

class ShippingResilienceAutoConfigurationTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedResponses responses = new NoLeakedResponses();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ShippingResilienceAutoConfiguration.class,
          RestClientAutoConfiguration.class));
  private final CountingRequestFactory transport = responses.jdk();

  /** A RestClient from the context's auto-configured builder, over the counting JDK transport, aimed at WireMock. */
  private RestClient restClient(AssertableApplicationContext context) {
    return context.getBean(RestClient.Builder.class)
        .requestFactory(transport)
        .baseUrl("http://127.0.0.1:" + wireMock.getPort())
        .build();
  }

  private static List<ClientHttpRequestInterceptor> interceptors(RestClient.Builder builder) {
    List<ClientHttpRequestInterceptor> seen = new ArrayList<>();
    builder.requestInterceptors(seen::addAll);
    return seen;
  }

  @Test
  void registersTheBeansAndEveryAutoConfiguredRestClientBuilderCarriesTheInterceptor() {
    runner.run(context -> {
      assertThat(context).hasNotFailed()
          .hasSingleBean(ProviderProfiles.class)
          .hasSingleBean(ShippingPolicies.class)
          .hasSingleBean(ShippingResilienceInterceptor.class)
          .hasSingleBean(ShippingResilienceProperties.class)
          .hasSingleBean(ShippingResilienceEndpoint.class)
          .hasBean("shippingResilienceRestClientCustomizer")
          .hasBean("shippingResilienceHealthIndicator");
      assertThat(context.getBean("shippingResilienceRestClientCustomizer")).isInstanceOf(RestClientCustomizer.class);
      assertThat(interceptors(context.getBean(RestClient.Builder.class)))
          .containsExactly(context.getBean(ShippingResilienceInterceptor.class));
      assertThat(context.getBean(ShippingPolicies.class).all()).extracting(ShippingPolicy::provider)
          .containsExactlyElementsOf(ProviderProfiles.BUILT_IN_IDS);
    });
  }

  @Test
  void callsThroughTheAutoConfiguredBuilderGoThroughTheEngineAndReachTheAppsMeterRegistry() {
    // given
    wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/"))
        .willReturn(aResponse().withBody(new String(Fixtures.body("clickpost", "create-order-already-placed.json"),
            StandardCharsets.UTF_8))));
    runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("shipping.resilience.hosts[127.0.0.1]=clickpost")
        .run(context -> {
          // when
          String decision = restClient(context).post().uri("/api/v3/create-order/?key=SECRET")
              .contentType(MediaType.APPLICATION_JSON).body("{\"reference_number\":\"R1\"}")
              .retrieve().toBodilessEntity().getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER);

          // then
          assertThat(decision).isEqualTo("SUCCEED");
          SimpleMeterRegistry meters = context.getBean(SimpleMeterRegistry.class);
          assertThat(meters.get("shipping.resilience.calls").tag("provider", "clickpost")
              .tag("operation", "create-order").tag("outcome", "duplicate").timer().count()).isEqualTo(1);
          assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", "clickpost").gauges())
              .isNotEmpty();
        });
  }

  @Test
  void requestsToHostsNoProfileClaimsPassThroughUnlessGenericFallbackIsOn() {
    wireMock.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse().withStatus(503)));
    runner.run(context -> {
      Integer status = restClient(context).get().uri("/items")
          .exchange((request, response) -> response.getStatusCode().value());
      assertThat(status).isEqualTo(503);
      wireMock.verify(1, getRequestedFor(urlPathEqualTo("/items")));
    });
    runner.withPropertyValues("shipping.resilience.generic-fallback=true").run(context -> assertThat(
        context.getBean(ShippingResilienceInterceptor.class).policyFor(request("http://127.0.0.1/items")))
        .extracting(ShippingPolicy::provider).isEqualTo("generic-http"));
  }

  @Nested
  class Properties {
    @Test
    void providerSettingsChangeThePolicies() {
      runner.withPropertyValues(
          "shipping.resilience.providers.clickpost.max-attempts=2",
          "shipping.resilience.providers.clickpost.poll-interval=3s",
          "shipping.resilience.providers.clickpost.max-polls=7",
          "shipping.resilience.providers.clickpost.max-poll-duration=10m",
          "shipping.resilience.providers.clickpost.initial-backoff=2s",
          "shipping.resilience.providers.clickpost.peek-limit=128KB",
          "shipping.resilience.providers.clickpost.breaker.wait-duration-in-open-state=2m",
          "shipping.resilience.providers.17track.rate-limit.limit-for-period=5",
          "shipping.resilience.providers.aftership-shipping.rate-limit.limit-for-period=0",
          "shipping.resilience.providers.aftership-shipping.deadline=45s",
          "shipping.resilience.providers.aftership-shipping.max-retry-after=30s",
          "shipping.resilience.providers.aftership-shipping.pause-jitter=0s",
          "shipping.resilience.providers.abicart.retry-budget.max-tokens=20",
          "shipping.resilience.providers.generic-http.breaker.failure-rate-threshold=25",
          "shipping.resilience.providers.generic-http.breaker.sliding-window-size=8",
          "shipping.resilience.providers.generic-http.breaker.minimum-number-of-calls=4")
          .run(context -> {
            ShippingPolicies policies = context.getBean(ShippingPolicies.class);
            ShippingPolicy clickpost = policies.require("clickpost");
            assertThat(clickpost.maxAttempts()).isEqualTo(2);
            assertThat(clickpost.pollInterval()).isEqualTo(Duration.ofSeconds(3));
            assertThat(clickpost.maxPolls()).isEqualTo(7);
            assertThat(clickpost.maxPollDuration()).isEqualTo(Duration.ofMinutes(10));
            assertThat(clickpost.deadline()).as("grown to fit the poll duration").isEqualTo(Duration.ofSeconds(630));
            assertThat(clickpost.toString()).contains("backoff=PT2S..PT30S");
            assertThat(clickpost.classifier().peekLimit()).isEqualTo(128 * 1024);
            assertThat(clickpost.breakerDescription()).isEqualTo("50.0% of 20 calls (min 5), open 120000 ms");
            assertThat(policies.require("17track").rateLimitDescription()).isEqualTo("5 per PT1S");
            assertThat(policies.require("aftership-shipping").rateLimitDescription()).isEqualTo("none");
            assertThat(policies.require("aftership-shipping").deadline()).isEqualTo(Duration.ofSeconds(45));
            assertThat(policies.require("aftership-shipping").maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
            assertThat(policies.require("aftership-shipping").pauseJitter()).isEqualTo(Duration.ZERO);
            assertThat(clickpost.pauseJitter()).as("untouched").isEqualTo(ShippingPolicy.DEFAULT_PAUSE_JITTER);
            assertThat(policies.require("abicart").retryBudgetTokens()).isEqualTo(20);
            assertThat(policies.require("generic-http").breakerDescription())
                .isEqualTo("25.0% of 8 calls (min 4), open 10000 ms");
            assertThat(policies.require("aftership-shipping").maxAttempts()).as("untouched").isEqualTo(4);
          });
    }

    @Test
    void sharedLimitsBeanIsUsedByEveryPolicy() {
      SharedLimits fleet = new LocalLimits(Clock.systemUTC(), new SimpleMeterRegistry());
      runner.withBean(SharedLimits.class, () -> fleet).run(context -> assertThat(
          context.getBean(ShippingPolicies.class).all()).allSatisfy(p -> assertThat(p.sharedLimits()).isSameAs(fleet)));
    }

    @Test
    void customizerBeansRunAfterTheProperties() {
      runner.withPropertyValues("shipping.resilience.providers.clickpost.max-polls=5")
          .withBean(ShippingPoliciesCustomizer.class, () -> b -> b.configure("clickpost", p -> p.maxPolls(3)))
          .run(context -> assertThat(context.getBean(ShippingPolicies.class).require("clickpost").maxPolls())
              .isEqualTo(3));
    }

    @Test
    void profilesFromFilesAndTheClasspathAreLoadedAndDetectedByHost(@TempDir Path dir) throws IOException {
      Path file = dir.resolve("file-carrier.json");
      try (InputStream in = getClass().getResourceAsStream("/profiles/test-carrier.json")) {
        Files.writeString(file, new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .replace("test-carrier", "file-carrier").replace("carrier.example", "file-carrier.example"));
      }
      runner.withPropertyValues("shipping.resilience.profiles[0]=" + file,
              "shipping.resilience.profiles[1]=classpath:profiles/test-carrier.json",
              "shipping.resilience.providers.test-carrier.max-attempts=5")
          .run(context -> {
            ShippingPolicies policies = context.getBean(ShippingPolicies.class);
            assertThat(policies.forUri(URI.create("https://api.carrier.example/x")).provider())
                .isEqualTo("test-carrier");
            assertThat(policies.forUri(URI.create("https://file-carrier.example/x")).provider())
                .isEqualTo("file-carrier");
            assertThat(policies.require("file-carrier").profile().source()).isEqualTo(file.toString());
            assertThat(policies.require("test-carrier").maxAttempts()).isEqualTo(5);
            assertThat(context.getBean(ProviderProfiles.class).find("clickpost")).as("built-ins stay").isNotNull();
          });
    }

    @Test
    void configurationMetadataIsGenerated() throws IOException {
      try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
        assertThat(in).as("META-INF/spring-configuration-metadata.json in target/classes").isNotNull();
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"shipping.resilience.enabled\"", "\"shipping.resilience.providers\"",
            "\"shipping.resilience.hosts\"", "\"shipping.resilience.profiles\"");
      }
    }
  }

  @Nested
  class InvalidProperties {
    private void failsNaming(String expectedStart, String... properties) {
      runner.withPropertyValues(properties).run(context -> {
        assertThat(context).hasFailed();
        InvalidShippingPropertyException e = find(context.getStartupFailure());
        assertThat(e).as("an InvalidShippingPropertyException in %s", context.getStartupFailure()).isNotNull();
        assertThat(e.getMessage()).startsWith(expectedStart);
        FailureAnalysis analysis = new InvalidShippingPropertyFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis.getDescription()).contains(e.getMessage());
        assertThat(analysis.getAction()).contains(e.property());
      });
    }

    private InvalidShippingPropertyException find(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof InvalidShippingPropertyException e) {
          return e;
        }
      }
      return null;
    }

    @Test
    void zeroMaxAttemptsNamesThePropertyAndTheBuildersReason() {
      failsNaming("shipping.resilience.providers.clickpost.max-attempts: Invalid value (0): must be >= 1",
          "shipping.resilience.providers.clickpost.max-attempts=0");
    }

    @Test
    void negativePauseJitterNamesTheProperty() {
      failsNaming("shipping.resilience.providers.clickpost.pause-jitter: Invalid value (-1s): must not be negative",
          "shipping.resilience.providers.clickpost.pause-jitter=-1s");
    }

    @Test
    void badBreakerValueNamesThatValue() {
      failsNaming("shipping.resilience.providers.clickpost.breaker.sliding-window-size: Invalid value (0): must be "
          + ">= 1",
          "shipping.resilience.providers.clickpost.breaker.sliding-window-size=0");
    }

    @Test
    void negativeBackoffNamesTheBackoff() {
      failsNaming("shipping.resilience.providers.aftership-shipping.initial-backoff: Invalid value (-1s): must be "
          + "positive",
          "shipping.resilience.providers.aftership-shipping.initial-backoff=-1s");
    }

    @Test
    void ratePeriodWithoutPermitsForAProviderWithoutALimiterIsRejected() {
      failsNaming("shipping.resilience.providers.clickpost.rate-limit.limit-for-period: required with "
          + "shipping.resilience.providers.clickpost.rate-limit.period, since provider clickpost has no rate limit",
          "shipping.resilience.providers.clickpost.rate-limit.period=2s");
    }

    @Test
    void unknownProviderIdListsTheKnownOnes() {
      failsNaming("shipping.resilience.providers.dhl: unknown provider (known: "
          + String.join(", ", dev.shippingresilience.ProviderProfiles.BUILT_IN_IDS) + ")",
          "shipping.resilience.providers.dhl.max-attempts=3");
    }

    @Test
    void missingProfileFileNamesItsIndex() {
      failsNaming("shipping.resilience.profiles[1]: /no/such/profile.json: file not found",
          "shipping.resilience.profiles[0]=classpath:profiles/test-carrier.json",
          "shipping.resilience.profiles[1]=/no/such/profile.json");
    }

    @Test
    void malformedProfileNamesItsIndexAndTheField(@TempDir Path dir) throws IOException {
      Path file = dir.resolve("broken.json");
      Files.writeString(file, "{\"id\":\"broken\",\"name\":\"B\",\"hosts\":[],\"codes\":{\"1\":{\"decision\":\"RETRIE\","
          + "\"reason\":\"x\"}}}");
      runner.withPropertyValues("shipping.resilience.profiles[0]=" + file).run(context -> {
        InvalidShippingPropertyException e = find(context.getStartupFailure());
        assertThat(e.getMessage()).startsWith("shipping.resilience.profiles[0]: " + file + ": field ")
            .contains("RETRIE");
      });
    }

    @Test
    void hostMappedToAnUnknownProviderNamesTheHost() {
      failsNaming("shipping.resilience.hosts.gw.example.com: unknown provider 'dhl'",
          "shipping.resilience.hosts[gw.example.com]=dhl");
    }
  }

  @Nested
  class BackingOff {
    @Test
    void disabledRegistersNothing() {
      runner.withPropertyValues("shipping.resilience.enabled=false").run(context -> {
        assertThat(context).hasNotFailed()
            .doesNotHaveBean(ProviderProfiles.class)
            .doesNotHaveBean(ShippingPolicies.class)
            .doesNotHaveBean(ShippingResilienceInterceptor.class)
            .doesNotHaveBean(ShippingResilienceProperties.class)
            .doesNotHaveBean(ShippingResilienceHealthIndicator.class)
            .doesNotHaveBean(ShippingResilienceEndpoint.class)
            .doesNotHaveBean("shippingResilienceRestClientCustomizer");
        assertThat(interceptors(context.getBean(RestClient.Builder.class))).isEmpty();
      });
    }

    @Test
    void userDefinedShippingPoliciesWins() {
      ShippingPolicies mine = ShippingPolicies.builder()
          .configure("clickpost", b -> b.maxAttempts(9).meterRegistry(new SimpleMeterRegistry()))
          .configureAll(b -> b.meterRegistry(new SimpleMeterRegistry()))
          .build();
      runner.withBean(ShippingPolicies.class, () -> mine)
          .withPropertyValues("shipping.resilience.providers.clickpost.max-attempts=2")
          .run(context -> {
            assertThat(context).hasSingleBean(ShippingPolicies.class);
            assertThat(context.getBean(ShippingPolicies.class)).isSameAs(mine);
            assertThat(context.getBean(ShippingResilienceInterceptor.class).policies()).isSameAs(mine);
            assertThat(mine.require("clickpost").maxAttempts()).isEqualTo(9);
          });
    }

    @Test
    void userDefinedInterceptorWinsAndIsTheOneAdded() {
      ShippingResilienceInterceptor mine = ShippingResilienceInterceptor.of(ShippingPolicies.builder()
          .configureAll(b -> b.meterRegistry(new SimpleMeterRegistry())).build());
      runner.withBean(ShippingResilienceInterceptor.class, () -> mine).run(context -> {
        assertThat(context).hasSingleBean(ShippingResilienceInterceptor.class);
        assertThat(interceptors(context.getBean(RestClient.Builder.class))).containsExactly(mine);
      });
    }

    @Test
    void healthIndicatorCanBeSwitchedOff() {
      runner.withPropertyValues("shipping.resilience.health.enabled=false")
          .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ShippingResilienceHealthIndicator.class)
              .hasSingleBean(ShippingPolicies.class));
    }
  }

  /** Issue 14 item 3: every auto-configured WebClient.Builder gets the filter, as every RestClient.Builder does. */
  @Nested
  class WebClients {
    private final ApplicationContextRunner webRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ShippingResilienceAutoConfiguration.class,
            WebClientAutoConfiguration.class));

    private List<ExchangeFilterFunction> filters(WebClient.Builder builder) {
      List<ExchangeFilterFunction> seen = new ArrayList<>();
      builder.filters(seen::addAll);
      return seen;
    }

    @Test
    void everyAutoConfiguredWebClientBuilderCarriesTheFilterFirst() {
      webRunner.run(context -> {
        assertThat(context).hasNotFailed()
            .hasSingleBean(ShippingResilienceExchangeFilter.class)
            .hasBean("shippingResilienceWebClientCustomizer");
        assertThat(context.getBean("shippingResilienceWebClientCustomizer")).isInstanceOf(WebClientCustomizer.class);
        ExchangeFilterFunction logging = (request, next) -> next.exchange(request);
        WebClient.Builder builder = context.getBean(WebClient.Builder.class).filter(logging);
        assertThat(filters(builder))
            .containsExactly(context.getBean(ShippingResilienceExchangeFilter.class), logging);
      });
    }

    @Test
    void callsThroughTheAutoConfiguredWebClientGoThroughTheEngineWithTheProperties() {
      // given
      wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/"))
          .willReturn(aResponse().withBody(new String(Fixtures.body("clickpost", "create-order-already-placed.json"),
              StandardCharsets.UTF_8))));
      webRunner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
          .withPropertyValues("shipping.resilience.hosts[127.0.0.1]=clickpost",
              "shipping.resilience.providers.clickpost.max-attempts=2")
          .run(context -> {
            WebClient client = context.getBean(WebClient.Builder.class)
                .clientConnector(new JdkClientHttpConnector())
                .baseUrl("http://127.0.0.1:" + wireMock.getPort())
                .build();

            // when
            HttpHeaders headers = client.post().uri("/api/v3/create-order/?key=SECRET")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reference_number\":\"R1\"}")
                .retrieve().toBodilessEntity().block(Duration.ofSeconds(10)).getHeaders();

            // then: the host mapping sent it through Clickpost's policy, which has the provider's settings
            assertThat(headers.getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
            assertThat(headers.getFirst(ShippingResilienceInterceptor.DUPLICATE_HEADER)).isEqualTo("true");
            assertThat(context.getBean(SimpleMeterRegistry.class).get("shipping.resilience.calls")
                .tag("provider", "clickpost").tag("outcome", "duplicate").timer().count()).isEqualTo(1);
            ShippingPolicy policy = context.getBean(ShippingResilienceExchangeFilter.class).policyFor(
                ClientRequest.create(HttpMethod.POST, URI.create("http://127.0.0.1/api/v3/create-order/")).build());
            assertThat(policy).isSameAs(context.getBean(ShippingPolicies.class).require("clickpost"));
            assertThat(policy.maxAttempts()).isEqualTo(2);
          });
    }

    @Test
    void disabledAddsNoFilter() {
      webRunner.withPropertyValues("shipping.resilience.enabled=false").run(context -> {
        assertThat(context).hasNotFailed()
            .doesNotHaveBean(ShippingResilienceExchangeFilter.class)
            .doesNotHaveBean("shippingResilienceWebClientCustomizer");
        assertThat(filters(context.getBean(WebClient.Builder.class))).isEmpty();
      });
    }

    @Test
    void userDefinedFilterWinsAndIsTheOneAdded() {
      ShippingResilienceExchangeFilter mine = ShippingResilienceExchangeFilter.of(ShippingPolicies.builder()
          .configureAll(b -> b.meterRegistry(new SimpleMeterRegistry())).build());
      webRunner.withBean(ShippingResilienceExchangeFilter.class, () -> mine).run(context -> {
        assertThat(context).hasSingleBean(ShippingResilienceExchangeFilter.class);
        assertThat(filters(context.getBean(WebClient.Builder.class))).containsExactly(mine);
      });
    }

    @Test
    void withoutWebFluxOnlyTheRestClientPartIsConfigured() {
      runner.withClassLoader(new FilteredClassLoader(WebClient.class)).run(context -> assertThat(context)
          .hasNotFailed()
          .hasSingleBean(ShippingResilienceInterceptor.class)
          .doesNotHaveBean(ShippingResilienceExchangeFilter.class)
          .doesNotHaveBean("shippingResilienceWebClientCustomizer"));
    }
  }

  @Nested
  class Actuator {
    @Test
    void openCarrierBreakerKeepsHealthUpWithDetailsAndOpenProviderBreakerIsOutOfService() {
      // given breakers that open after two failed calls, and one attempt per call (no waits)
      wireMock.stubFor(post(urlPathEqualTo("/api/v3/create-order/"))
          .withRequestBody(matchingJsonPath("$.courier_partner", equalTo("5")))
          .willReturn(aResponse().withBody(new String(Fixtures.body("clickpost", "carrier-outage.json"),
              StandardCharsets.UTF_8))));
      wireMock.stubFor(get(urlPathEqualTo("/status")).willReturn(aResponse().withStatus(503)));
      runner.withPropertyValues(
              "shipping.resilience.hosts[127.0.0.1]=clickpost",
              "shipping.resilience.providers.clickpost.max-attempts=1",
              "shipping.resilience.providers.clickpost.breaker.sliding-window-size=2",
              "shipping.resilience.providers.clickpost.breaker.minimum-number-of-calls=2",
              "shipping.resilience.providers.17track.max-attempts=1",
              "shipping.resilience.providers.17track.breaker.sliding-window-size=2",
              "shipping.resilience.providers.17track.breaker.minimum-number-of-calls=2")
          .run(context -> {
            RestClient client = restClient(context);
            ShippingResilienceHealthIndicator health = context.getBean(ShippingResilienceHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            // when courier 5 is down behind Clickpost
            for (int i = 0; i < 2; i++) {
              client.post().uri("/api/v3/create-order/").contentType(MediaType.APPLICATION_JSON)
                  .body("{\"courier_partner\":5}").retrieve().toBodilessEntity();
            }

            // then the application stays UP and says which carrier is cut off
            Health carrierDown = health.health();
            assertThat(carrierDown.getStatus()).isEqualTo(Status.UP);
            assertThat(carrierDown.getDetails())
                .containsEntry("openScopes", Map.of("clickpost", Map.of("clickpost/carrier:5", "OPEN")))
                .containsEntry("openProviders", List.of());
            wireMock.verify(2, postRequestedFor(urlPathEqualTo("/api/v3/create-order/")));

            // when a whole provider is down (here 17TRACK, picked explicitly)
            for (int i = 0; i < 2; i++) {
              client.get().uri("/status").attribute(ShippingRequestAttributes.PROVIDER, "17track")
                  .exchange((request, response) -> response.getStatusCode().value());
            }

            // then OUT_OF_SERVICE, naming it
            Health providerDown = health.health();
            assertThat(providerDown.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(providerDown.getDetails()).containsEntry("openProviders", List.of("17track"));
            assertThat(((Map<?, ?>) providerDown.getDetails().get("providers")).get("17track"))
                .isEqualTo("OPEN");
          });
    }

    @Test
    void endpointListsProfilesSettingsAndHostMappings() {
      runner.withPropertyValues("shipping.resilience.profiles[0]=classpath:profiles/test-carrier.json",
              "shipping.resilience.hosts[gw.example.com]=clickpost",
              "shipping.resilience.providers.clickpost.max-attempts=2",
              "shipping.resilience.providers.clickpost.breaker-wait=2s")
          .run(context -> {
            Map<String, Object> described = context.getBean(ShippingResilienceEndpoint.class).describe();
            assertThat(described).containsEntry("hostMappings", Map.of("gw.example.com", "clickpost"));
            @SuppressWarnings("unchecked")
            Map<String, Object> providers = (Map<String, Object>) described.get("providers");
            assertThat(providers).containsKeys("clickpost", "test-carrier");
            Map<?, ?> carrier = (Map<?, ?>) providers.get("test-carrier");
            assertThat(carrier.get("hosts")).isEqualTo(List.of("carrier.example"));
            assertThat(carrier.get("source")).isEqualTo("classpath:profiles/test-carrier.json");
            Map<?, ?> clickpost = (Map<?, ?>) providers.get("clickpost");
            assertThat(clickpost.get("maxAttempts")).isEqualTo(2);
            assertThat(clickpost.get("initialBackoff")).isEqualTo("PT1S");
            @SuppressWarnings("unchecked")
            Map<Object, Object> breaker = (Map<Object, Object>) clickpost.get("breaker");
            assertThat(breaker).containsEntry("openWait", "PT20S")
                .containsEntry("windowSize", 20).containsEntry("minimumCalls", 5).containsEntry("halfOpenCalls", 1)
                .containsEntry("openWaitMultiplier", 1.5).containsEntry("maxOpenWait", "PT1M20S");
            // one duration format in the endpoint: ISO-8601 (the breaker's wait was "open 60000 ms")
            assertThat(described.toString()).doesNotContainPattern("\\d ?ms\\b");
            assertThat(clickpost.get("sharedLimitsAvailability")).isEqualTo("IN_PROCESS");
            assertThat(clickpost.get("pauseJitter")).isEqualTo("PT1S");
            // the settings of issue 18 and the operation buckets of issue 17 are shown too
            assertThat(clickpost.get("breakerWait")).isEqualTo("PT2S");
            assertThat(clickpost.get("learnRateLimitWindow")).isEqualTo(true);
            assertThat(clickpost.get("rateLimitBuckets")).isEqualTo(Map.of());
            Map<?, ?> sendcloud = (Map<?, ?>) providers.get("sendcloud");
            assertThat(sendcloud.get("rateLimitBuckets"))
                .isEqualTo(Map.of("reads", Map.of("permits", 1000, "period", "PT1M")));
            assertThat(((Map<?, ?>) providers.get("aftership-shipping")).get("breakerWait")).isEqualTo("PT0S");
            assertThat(described.toString()).doesNotContain("SECRET");
          });
    }
  }

  private static HttpRequest request(String url) {
    return new HttpRequest() {
      @Override
      public HttpMethod getMethod() {
        return HttpMethod.GET;
      }

      @Override
      public URI getURI() {
        return URI.create(url);
      }

      @Override
      public Map<String, Object> getAttributes() {
        return Map.of();
      }

      @Override
      public HttpHeaders getHeaders() {
        return new HttpHeaders();
      }
    };
  }
}
