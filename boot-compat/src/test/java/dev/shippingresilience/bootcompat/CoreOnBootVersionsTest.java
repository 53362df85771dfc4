package dev.shippingresilience.bootcompat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Core and the OkHttp adapter on the versions a Spring Boot application has (Boot's Jackson 2, Micrometer and
 * Kotlin standard library, under OkHttp): profiles load, bodies classify, OkHttp calls retry.
 */
class CoreOnBootVersionsTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

  private final ResponseClassifier classifier = ResponseClassifier.builder().clock(Fixtures.fixedClock()).build();

  @Test
  void everyBuiltInProfileLoads() {
    assertThat(ProviderProfiles.builtIn().all()).extracting(p -> p.id())
        .containsExactlyInAnyOrderElementsOf(ProviderProfiles.BUILT_IN_IDS);
  }

  @ParameterizedTest(name = "{1}/{2} -> {3}")
  @CsvSource(textBlock = """
      https://www.clickpost.in/api/v3/create-order/,      clickpost,          create-order-success.json,        SUCCEED
      https://www.clickpost.in/api/v3/create-order/,      clickpost,          carrier-outage.json,              RETRY
      https://www.clickpost.in/api/v3/create-order/,      clickpost,          create-order-processing.json,     POLL
      https://api.aftership.com/postmen/v3/labels,        aftership-shipping, rate-limited.json,                RETRY
      https://api.17track.net/track/v2.2/register,        17track,            too-many-numbers.json,            FAIL
      https://admin.abicart.se/backend/jsonrpc/v1/,       abicart,            external-server-error.json,       BREAK
      """)
  void fixtureClassifiesAsOnTheLibrarysOwnVersions(String url, String provider, String fixture, Decision expected) {
    // when
    Classification c = classifier.classify(RequestSnapshot.of("POST", url),
        ResponseSnapshot.of(200, HeaderValues.empty(), Fixtures.body(provider, fixture), false));

    // then
    assertThat(c.decision()).isEqualTo(expected);
  }

  @Test
  void okHttpCallIsRetriedOnBootsKotlinStandardLibrary() throws IOException {
    // given a 429, then the order, on loopback
    String path = "/api/v3/create-order/";
    wireMock.stubFor(post(urlPathEqualTo(path)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429)).willSetStateTo("free"));
    wireMock.stubFor(post(urlPathEqualTo(path)).inScenario("busy").whenScenarioStateIs("free")
        .willReturn(aResponse().withBody(Fixtures.body("clickpost", "create-order-success.json"))));
    FakeClock clock = new FakeClock(Fixtures.NOW);
    FakeSleeper sleeper = new FakeSleeper(clock);
    ShippingPolicies policies = ShippingPolicies.builder().configureAll(b -> b.clock(clock).sleeper(sleeper)).build();
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(ShippingInterceptor.of(policies.require(
        "clickpost"))).build();
    Request request = new Request.Builder().url("http://127.0.0.1:" + wireMock.getPort() + path)
        .post(RequestBody.create("{\"reference_number\":\"R1\"}".getBytes(StandardCharsets.UTF_8),
            MediaType.get("application/json")))
        .build();

    // when
    try (Response response = client.newCall(request).execute()) {
      // then
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("2");
    } finally {
      client.connectionPool().evictAll();
      client.dispatcher().executorService().shutdown();
    }
    wireMock.verify(2, postRequestedFor(urlPathEqualTo(path)));
    assertThat(sleeper.waits()).hasSize(1);
  }
}
