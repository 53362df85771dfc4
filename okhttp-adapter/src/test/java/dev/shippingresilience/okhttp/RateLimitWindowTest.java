package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The rate-limit window a provider announces on its answers ({@code X-RateLimit-Limit}, {@code -Remaining},
 * {@code -Reset}), learned and paced by, through a real OkHttp client against WireMock: on a virtual clock whose
 * sleeper records every wait, nothing really sleeps.
 */
class RateLimitWindowTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String LABELS = "/postmen/v3/labels";
  /** A generic profile that turns the learning off. */
  private static final String NOT_LEARNING = "{\"id\": \"quiet-carrier\", \"name\": \"Quiet Carrier\", "
      + "\"hosts\": [\"api.quiet-carrier.example\"], \"defaults\": {\"learnRateLimitWindow\": false}, "
      + "\"httpStatuses\": {\"2xx\": {\"decision\": \"SUCCEED\", \"reason\": \"success\"}}}";

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper sleeper = new FakeSleeper(clock);
  private final List<Instant> sentAt = new CopyOnWriteArrayList<>();

  private OkHttpClient client(ShippingPolicies policies) {
    return connections.watch(new OkHttpClient.Builder()
        .retryOnConnectionFailure(false)
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .addInterceptor(ShippingInterceptor.of(policies))
        .addNetworkInterceptor(chain -> {
          sentAt.add(clock.instant());
          return chain.proceed(chain.request());
        })
        .build());
  }

  private ShippingPolicies policies() {
    return ShippingPolicies.builder()
        .profiles(ProviderProfiles.builtIn().with(ProviderProfiles.parse("quiet-carrier.json",
            new ByteArrayInputStream(NOT_LEARNING.getBytes(StandardCharsets.UTF_8)))))
        .configureAll(b -> b.clock(clock).sleeper(sleeper).meterRegistry(new SimpleMeterRegistry())
            .random(new FixedRandom()))
        .build();
  }

  private static ResponseDefinitionBuilder labelCreated(String... headers) {
    ResponseDefinitionBuilder answer = aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody(Fixtures.body("aftership-shipping", "label-created.json"));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      answer.withHeader(headers[i], headers[i + 1]);
    }
    return answer;
  }

  private String create(OkHttpClient client, String host) throws IOException {
    Request request = new Request.Builder().url("http://" + host + ":" + wireMock.getPort() + LABELS)
        .post(RequestBody.create("{\"service_type\":\"dhl_express\"}", JSON)).build();
    try (Response response = client.newCall(request).execute()) {
      return response.header(ShippingInterceptor.DECISION_HEADER);
    }
  }

  @Test
  void whenTheWindowRunsLowTheNextCallWaitsUntilTheReset() throws IOException {
    // given AfterShip announcing one request left of 5 until 2 s from now
    Instant reset = Fixtures.NOW.plusSeconds(2);
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).willReturn(labelCreated("X-RateLimit-Limit", "5",
        "X-RateLimit-Remaining", "1", "X-RateLimit-Reset", Long.toString(reset.toEpochMilli()))));
    OkHttpClient client = client(policies());

    // when three calls follow one another
    assertThat(create(client, "api.aftership.com")).isEqualTo("SUCCEED");
    assertThat(create(client, "api.aftership.com")).as("the last request of the window goes at once")
        .isEqualTo("SUCCEED");
    assertThat(sleeper.waits()).isEmpty();
    assertThat(create(client, "api.aftership.com")).isEqualTo("SUCCEED");

    // then the third waited for the reset instead of spending a request the window no longer has
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(2));
    assertThat(sentAt).containsExactly(Fixtures.NOW, Fixtures.NOW, reset);
  }

  @Test
  void theIetfNamesWithADeltaResetPaceToo() throws IOException {
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).willReturn(labelCreated("RateLimit-Limit", "10",
        "RateLimit-Remaining", "0", "RateLimit-Reset", "3")));
    OkHttpClient client = client(policies());

    create(client, "api.aftership.com");
    create(client, "api.aftership.com");

    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void answersWithoutTheHeadersPaceNothing() throws IOException {
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).willReturn(labelCreated()));
    OkHttpClient client = client(policies());

    for (int i = 0; i < 5; i++) {
      assertThat(create(client, "api.aftership.com")).isEqualTo("SUCCEED");
    }

    assertThat(sleeper.waits()).isEmpty();
    wireMock.verify(5, postRequestedFor(urlPathEqualTo(LABELS)));
  }

  @ParameterizedTest(name = "limit {0}, remaining {1}, reset {2}")
  @CsvSource({
      "5, -1, +2000", "5, 99999999999, +2000", "5, lots, +2000", "5, 0x1, +2000", "-5, 1, +2000",
      "nine, 1, +2000", "3, 7, +2000", "5, 1, soon", "5, 1, -5", "5, 1, 9e18", "5, 1, 1e400", "5, 1, 99999999"})
  void absurdWindowHeadersPaceNothingAndThrowNothing(String limit, String remaining, String reset)
      throws IOException {
    String resetValue = reset.startsWith("+")
        ? Long.toString(Fixtures.NOW.toEpochMilli() + Long.parseLong(reset.substring(1))) : reset;
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).willReturn(labelCreated("X-RateLimit-Limit", limit,
        "X-RateLimit-Remaining", remaining, "X-RateLimit-Reset", resetValue)));
    OkHttpClient client = client(policies());

    for (int i = 0; i < 3; i++) {
      assertThat(create(client, "api.aftership.com")).isEqualTo("SUCCEED");
    }

    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void aProfileThatTurnsTheLearningOffIsNotPaced() throws IOException {
    // given a window with one request left, from a provider whose profile turns the learning off
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).willReturn(labelCreated("X-RateLimit-Limit", "5",
        "X-RateLimit-Remaining", "1", "X-RateLimit-Reset", Long.toString(Fixtures.NOW.plusSeconds(2).toEpochMilli()))));
    OkHttpClient client = client(policies());

    for (int i = 0; i < 3; i++) {
      assertThat(create(client, "api.quiet-carrier.example")).isEqualTo("SUCCEED");
    }

    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void aPollIsNotHeldUntilTheResetOfAWindowWithRequestsLeft() throws IOException {
    // given AfterShip announcing its window (40 of 50 left) on every answer, the label first "creating"
    String[] window = {"X-RateLimit-Limit", "50", "X-RateLimit-Remaining", "40",
        "X-RateLimit-Reset", Long.toString(Fixtures.NOW.plusMillis(900).toEpochMilli())};
    wireMock.stubFor(post(urlPathEqualTo(LABELS)).willReturn(labelCreated(window)
        .withBody(Fixtures.body("aftership-shipping", "label-creating.json"))));
    wireMock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
        com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(LABELS + "/.+"))
        .willReturn(labelCreated(window)));
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(sleeper).meterRegistry(new SimpleMeterRegistry())
            .random(new FixedRandom()).pollInterval(Duration.ofMillis(100)))
        .build();

    // when
    assertThat(create(client(policies), "api.aftership.com")).isEqualTo("SUCCEED");

    // then the poll waited its interval, not for the end of the window (the reset is no wait while requests remain)
    assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(100));
  }
}
