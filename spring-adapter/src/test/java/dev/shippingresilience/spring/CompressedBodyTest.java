package dev.shippingresilience.spring;

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
import dev.shippingresilience.spring.testing.CountingRequestFactory;
import dev.shippingresilience.spring.testing.NoLeakedResponses;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Issue 11 item 6: a gzip-encoded provider body that the request factory leaves encoded ({@code HttpURLConnection},
 * or Spring's JDK factory with compression switched off) must be classified on its JSON, and the caller must get
 * the bytes as sent.
 */
class CompressedBodyTest {
  private static final String CREATE = "/api/v3/create-order/";
  // WireMock must send the stubbed bytes as they are: no gzip of its own.
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true)).build();
  @RegisterExtension
  static final NoLeakedResponses responses = new NoLeakedResponses();

  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper sleeper = new FakeSleeper(clock);
  private CountingRequestFactory transport = leavingBodiesEncoded("jdk");

  /** A real request factory that hands the app the body as the server sent it. */
  private static CountingRequestFactory leavingBodiesEncoded(String kind) {
    if (kind.equals("simple")) {
      return responses.watch(new CountingRequestFactory(new SimpleClientHttpRequestFactory()));
    }
    JdkClientHttpRequestFactory jdk = new JdkClientHttpRequestFactory(
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
    jdk.setReadTimeout(Duration.ofSeconds(10));
    // Spring 7 decodes gzip in this factory by default and drops Content-Encoding: the app asked to do it itself.
    jdk.enableCompression(false);
    return responses.watch(new CountingRequestFactory(jdk));
  }

  private RestClient client() {
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(sleeper).random(new FixedRandom())
            .breaker(50, 4, 4, Duration.ofMinutes(1), 1))
        .build();
    ShippingResilienceInterceptor interceptor = ShippingResilienceInterceptor.builder(policies)
        .host("127.0.0.1", "clickpost")
        .build();
    return RestClient.builder()
        .requestFactory(transport)
        .baseUrl("http://127.0.0.1:" + wireMock.getPort())
        .apply(new ShippingResilienceCustomizer(interceptor))
        .build();
  }

  private static void serveGzipped(byte[] compressed) {
    wireMock.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withHeader("Content-Encoding", "gzip")
        .withBody(compressed)));
  }

  private static ResponseEntity<byte[]> createOrderAcceptingGzip(RestClient client) {
    return client.post().uri(CREATE + "?username=u&key=SECRET")
        .header(HttpHeaders.ACCEPT_ENCODING, "gzip")
        .contentType(MediaType.APPLICATION_JSON)
        .body("{\"courier_partner\":1,\"reference_number\":\"R1\"}")
        .retrieve().toEntity(byte[].class);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "simple"})
  void gzipSuccessWithAppSetAcceptEncodingIsSentOnceAndReturnedStillEncoded(String factory) {
    // given
    transport = leavingBodiesEncoded(factory);
    byte[] compressed = gzip(Fixtures.body("clickpost", "create-order-success.json"));
    serveGzipped(compressed);

    // when
    ResponseEntity<byte[]> response = createOrderAcceptingGzip(client());

    // then
    HttpHeaders headers = response.getHeaders();
    assertThat(headers.getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    assertThat(headers.getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER)).isEqualTo("1");
    assertThat(headers.getFirst(ShippingResilienceInterceptor.CODE_HEADER)).isEqualTo("200");
    assertThat(headers.getFirst(HttpHeaders.CONTENT_ENCODING)).isEqualTo("gzip");
    assertThat(response.getBody()).isEqualTo(compressed);
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE)).withHeader("Accept-Encoding", equalTo("gzip")));
    assertThat(transport.opened()).isEqualTo(1);
  }

  @Test
  void healthyGzipCallsNeverOpenTheBreaker() {
    // given
    serveGzipped(gzip(Fixtures.body("clickpost", "create-order-success.json")));
    RestClient client = client();

    // when
    for (int i = 0; i < 6; i++) {
      assertThat(createOrderAcceptingGzip(client).getHeaders()
          .getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    }

    // then
    wireMock.verify(6, postRequestedFor(urlPathEqualTo(CREATE)));
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void springDecodingJdkFactoryStillGivesOneSuccessfulSend() {
    // given Spring's default JDK factory, which decodes gzip itself
    transport = responses.jdk();
    byte[] plain = Fixtures.body("clickpost", "create-order-success.json");
    serveGzipped(gzip(plain));

    // when
    ResponseEntity<byte[]> response = createOrderAcceptingGzip(client());

    // then
    assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("SUCCEED");
    assertThat(response.getBody()).isEqualTo(plain);
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
  }

  @Test
  void gzipErrorCodeIsReadThroughTheCompression() {
    // given
    serveGzipped(gzip(Fixtures.body("clickpost", "auth-failed.json")));

    // when
    ResponseEntity<byte[]> response = createOrderAcceptingGzip(client());

    // then
    assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER)).isEqualTo("FAIL");
    assertThat(response.getHeaders().getFirst(ShippingResilienceInterceptor.CODE_HEADER)).isEqualTo("301");
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
  }
}
