package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.shippingresilience.testing.Compression.gzip;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11 item 6: a provider's gzip-encoded body that OkHttp leaves encoded (the app set {@code Accept-Encoding}
 * itself) must be classified on its decoded JSON, and the caller must still get the bytes the server sent.
 */
class CompressedBodyTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String CREATE = "/api/v3/create-order/";

  // WireMock must send the stubbed bytes as they are: no gzip of its own.
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true)).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper sleeper = new FakeSleeper(clock);
  private OkHttpClient client;

  @BeforeEach
  void start() {
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(sleeper).random(new FixedRandom())
            .breaker(50, 4, 4, Duration.ofMinutes(1), 1))
        .build();
    client = connections.watch(new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .addInterceptor(ShippingInterceptor.of(policies))
        .build());
  }

  private void serveGzipped(byte[] compressed) {
    wireMock.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withHeader("Content-Encoding", "gzip")
        .withBody(compressed)));
  }

  /** A create-order call whose app asks for gzip itself, so OkHttp does not decode the response. */
  private Response createOrderAcceptingGzip() throws IOException {
    Request request = new Request.Builder()
        .url("http://www.clickpost.in:" + wireMock.getPort() + CREATE + "?username=u&key=SECRET")
        .header("Accept-Encoding", "gzip")
        .post(RequestBody.create("{\"courier_partner\":1,\"reference_number\":\"R1\"}", JSON))
        .build();
    return client.newCall(request).execute();
  }

  @Test
  void gzipSuccessWithAppSetAcceptEncodingIsSentOnceAndReturnedStillEncoded() throws IOException {
    byte[] compressed = gzip(Fixtures.body("clickpost", "create-order-success.json"));
    serveGzipped(compressed);

    try (Response response = createOrderAcceptingGzip()) {
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("1");
      assertThat(response.header(ShippingInterceptor.CODE_HEADER)).isEqualTo("200");
      assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
      assertThat(response.body().bytes()).isEqualTo(compressed);
    }
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE)).withHeader("Accept-Encoding", equalTo("gzip")));
  }

  @Test
  void healthyGzipCallsNeverOpenTheBreaker() throws IOException {
    serveGzipped(gzip(Fixtures.body("clickpost", "create-order-success.json")));

    for (int i = 0; i < 6; i++) {
      try (Response response = createOrderAcceptingGzip()) {
        assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      }
    }
    wireMock.verify(6, postRequestedFor(urlPathEqualTo(CREATE)));
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void gzipErrorCodeIsReadThroughTheCompression() throws IOException {
    serveGzipped(gzip(Fixtures.body("clickpost", "auth-failed.json")));

    try (Response response = createOrderAcceptingGzip()) {
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("FAIL");
      assertThat(response.header(ShippingInterceptor.CODE_HEADER)).isEqualTo("301");
    }
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
  }

  @Test
  void transparentGzipStillReachesTheClassifierDecoded() throws IOException {
    byte[] plain = Fixtures.body("clickpost", "create-order-success.json");
    serveGzipped(gzip(plain));
    Request request = new Request.Builder()
        .url("http://www.clickpost.in:" + wireMock.getPort() + CREATE + "?username=u&key=SECRET")
        .post(RequestBody.create("{\"courier_partner\":1}", JSON))
        .build();

    try (Response response = client.newCall(request).execute()) {
      assertThat(response.header(ShippingInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
      assertThat(response.header("Content-Encoding")).isNull();
      assertThat(response.body().bytes()).isEqualTo(plain);
    }
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE)).withHeader("Accept-Encoding", equalTo("gzip")));
  }
}
