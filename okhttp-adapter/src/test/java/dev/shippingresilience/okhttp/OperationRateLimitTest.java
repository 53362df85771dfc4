package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limits per operation, through a real OkHttp client against WireMock: a provider that counts reads apart from
 * writes (as Sendcloud does) lets its reads through while its writes wait for their own, smaller limit.
 */
class OperationRateLimitTest {
  /** Writes: 1 a minute (the provider's limit); reads: 2 a minute in their shared bucket. */
  private static final String COUNTED_APART = """
      { "id": "counted-apart", "name": "Counted apart", "hosts": ["api.counted-apart.example"],
        "httpStatuses": { "2xx": { "decision": "SUCCEED", "reason": "success" } },
        "operations": [
          { "name": "create-parcel", "method": "POST", "path": "/v2/parcels" },
          { "name": "get-parcel", "method": "GET", "path": "/v2/parcels/{id}",
            "rateLimit": { "limitForPeriod": 2, "period": "PT1M", "bucket": "reads" } },
          { "name": "list-parcels", "method": "GET", "path": "/v2/parcels",
            "rateLimit": { "limitForPeriod": 2, "period": "PT1M", "bucket": "reads" } } ],
        "defaults": { "maxAttempts": 1, "rateLimit": { "limitForPeriod": 1, "period": "PT1M" } } }
      """;

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper sleeper = new FakeSleeper(clock);

  @BeforeEach
  void stubs() {
    wireMock.stubFor(post(urlPathMatching("/v2/parcels")).willReturn(aResponse().withStatus(201).withBody("{}")));
    wireMock.stubFor(get(urlPathMatching("/v2/parcels.*")).willReturn(aResponse().withBody("{}")));
  }

  private ShippingPolicies policies(Consumer<ShippingPolicy.Builder> custom) throws IOException {
    return ShippingPolicies.builder()
        .profiles(ProviderProfiles.builtIn().with(ProviderProfiles.parse("counted-apart.json",
            new ByteArrayInputStream(COUNTED_APART.getBytes(StandardCharsets.UTF_8)))))
        .configureAll(b -> b.clock(clock).sleeper(sleeper).meterRegistry(new SimpleMeterRegistry())
            .random(new FixedRandom()))
        .configure("counted-apart", custom)
        .build();
  }

  private OkHttpClient client(ShippingPolicies policies) {
    return connections.watch(new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .addInterceptor(ShippingInterceptor.of(policies))
        .build());
  }

  private static int send(OkHttpClient client, String method, String path) throws IOException {
    String url = "http://api.counted-apart.example:" + wireMock.getPort() + path;
    RequestBody body = method.equals("POST") ? RequestBody.create("{}", MediaType.get("application/json")) : null;
    try (Response response = client.newCall(new Request.Builder().url(url).method(method, body).build()).execute()) {
      return response.code();
    }
  }

  @Test
  void readsTakeTheirOwnBucketSoTheyNeverWaitBehindWrites() throws IOException {
    OkHttpClient client = client(policies(b -> { }));
    // the one write of the minute, then two reads of two operations sharing the reads bucket: nobody waits
    assertThat(send(client, "POST", "/v2/parcels")).isEqualTo(201);
    assertThat(send(client, "GET", "/v2/parcels/7")).isEqualTo(200);
    assertThat(send(client, "GET", "/v2/parcels")).isEqualTo(200);
    assertThat(sleeper.waits()).isEmpty();
    // a third read waits for the reads bucket's next period: the bucket has its own limit, not none
    assertThat(send(client, "GET", "/v2/parcels/8")).isEqualTo(200);
    assertThat(sleeper.waits()).hasSize(1);
    assertThat(sleeper.total()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    assertThat(wireMock.getAllServeEvents()).hasSize(4);
  }

  @Test
  void aSecondWriteWaitsForTheProvidersLimitWhateverTheReadsDid() throws IOException {
    OkHttpClient client = client(policies(b -> { }));
    assertThat(send(client, "POST", "/v2/parcels")).isEqualTo(201);
    assertThat(sleeper.waits()).isEmpty();
    assertThat(send(client, "POST", "/v2/parcels")).isEqualTo(201);
    assertThat(sleeper.waits()).hasSize(1);
    assertThat(sleeper.total()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theBuilderChangesABucketAndNoRateLimitRemovesEveryLimit() throws IOException {
    ShippingPolicy widened = policies(b -> b.rateLimit("reads", 10, Duration.ofMinutes(1))).require("counted-apart");
    assertThat(widened.bucketLimits()).containsExactly(
        java.util.Map.entry("reads", new RateLimit(10, Duration.ofMinutes(1))));
    assertThat(widened.rateLimitDescription()).isEqualTo("1 per PT1M; bucket reads: 10 per PT1M");

    OkHttpClient client = client(policies(ShippingPolicy.Builder::noRateLimit));
    for (int i = 0; i < 4; i++) {
      assertThat(send(client, "GET", "/v2/parcels/" + i)).isEqualTo(200);
      assertThat(send(client, "POST", "/v2/parcels")).isEqualTo(201);
    }
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void anUnknownBucketIsRefusedNamingTheBucketsTheProfileDeclares() {
    assertThatThrownBy(() -> policies(b -> b.rateLimit("writes", 5, Duration.ofMinutes(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'writes'").hasMessageContaining("counted-apart").hasMessageContaining("[reads]");
  }
}
