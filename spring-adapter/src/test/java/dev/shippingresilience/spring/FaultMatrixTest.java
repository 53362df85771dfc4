package dev.shippingresilience.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.shippingresilience.spring.testing.CountingRequestFactory;
import dev.shippingresilience.testing.CapturedLogs;
import dev.shippingresilience.testing.FaultMatrix;
import dev.shippingresilience.testing.FaultMatrix.Cell;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Issue 12's fault matrix through a real {@code RestClient} on the JDK {@code HttpClient} and WireMock on loopback:
 * every request kind against every fault of {@link FaultMatrix}, with the expected outcome of each cell. Retries wait
 * on a fake clock and sleeper; only the slow-answer cells run on the real clock, because a real delay is their point.
 */
class FaultMatrixTest {
  // WireMock must send the stubbed bytes as they are: no gzip of its own. Reset before each cell.
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true)).build();

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.shippingresilience.testing.FaultMatrix#cells")
  void cellBehavesAsTheTableSays(Cell cell) throws Exception {
    try (CapturedLogs.Capture logs = CapturedLogs.start()) {
      runCell(cell, logs);
    }
  }

  private void runCell(Cell cell, CapturedLogs.Capture logs) throws Exception {
    // given
    int port = cell.fault().reachesServer() ? wireMock.getPort() : FaultMatrix.closedPort();
    if (cell.fault().reachesServer()) {
      wireMock.stubFor(any(urlPathEqualTo(cell.kind().path())).willReturn(reply(cell.fault())));
    }
    CountingRequestFactory transport = leavingBodiesEncoded();
    ShippingResilienceInterceptor interceptor = ShippingResilienceInterceptor.builder(FaultMatrix.policies(cell))
        .host("127.0.0.1", "clickpost")
        .build();
    RestClient client = RestClient.builder()
        .requestFactory(transport)
        .apply(new ShippingResilienceCustomizer(interceptor))
        .build();
    RestClient.RequestBodySpec request = request(client, cell, port);

    // when
    long start = System.nanoTime();
    FaultMatrix.Outcome outcome = call(request);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // then
    assertThat(transport.leaked()).as("transport responses opened and never closed").isZero();
    List<FaultMatrix.Seen> seen = wireMock.getAllServeEvents().stream().map(e -> seen(e.getRequest())).toList();
    FaultMatrix.verify(cell, FaultMatrix.Client.JDK, outcome, elapsed, seen, logs.lines());
  }

  /**
   * The JDK client with Spring's own gzip decoding off: the app that sets {@code Accept-Encoding} decodes the body
   * itself, so the interceptor sees the encoded bytes (with decoding on, the gzip cell would not reach the classifier).
   */
  private static CountingRequestFactory leavingBodiesEncoded() {
    // the factory that gives each attempt only the deadline's time left (the slow-answer cells need it)
    return new CountingRequestFactory(DeadlineRequestFactories.jdk(
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build(),
        Duration.ofSeconds(10), false));
  }

  private static RestClient.RequestBodySpec request(RestClient client, Cell cell, int port) {
    FaultMatrix.Kind kind = cell.kind();
    RestClient.RequestBodySpec spec = client.method(HttpMethod.valueOf(kind.method()))
        .uri(URI.create("http://127.0.0.1:" + port + kind.pathAndQuery()));
    if (kind.body() != null) {
      spec.contentType(MediaType.APPLICATION_JSON).body(kind.body());
    }
    if (kind.idempotencyKey() != null) {
      spec.attribute(ShippingRequestAttributes.IDEMPOTENCY_KEY, kind.idempotencyKey());
    }
    if (cell.fault() == FaultMatrix.Fault.SLOW) {
      spec.attribute(ShippingRequestAttributes.DEADLINE, FaultMatrix.SLOW_DEADLINE);
    }
    if (cell.fault().appAcceptsGzip()) {
      spec.header("Accept-Encoding", "gzip");
    }
    return spec;
  }

  private static FaultMatrix.Outcome call(RestClient.RequestBodySpec request) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    try {
      return request.exchange((req, res) -> {
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        return new FaultMatrix.Answered(res.getStatusCode().value(),
            res.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER),
            res.getHeaders().getFirst(ShippingResilienceInterceptor.ATTEMPTS_HEADER),
            FaultMatrix.BodyRead.of(res.getBody()), before < 0 ? -1 : allocated);
      });
    } catch (RestClientException e) {
      return new FaultMatrix.Threw(e);
    }
  }

  private static ResponseDefinitionBuilder reply(FaultMatrix.Fault fault) {
    if (fault.wireMockFault() != null) {
      return aResponse().withFault(Fault.valueOf(fault.wireMockFault()));
    }
    ResponseDefinitionBuilder r = aResponse().withStatus(fault.status()).withBody(fault.body())
        .withFixedDelay(fault.delayMillis());
    fault.headers().forEach(r::withHeader);
    return r;
  }

  private static FaultMatrix.Seen seen(LoggedRequest r) {
    return new FaultMatrix.Seen(r.getMethod().value(), r.getHeader(FaultMatrix.KEY_HEADER), r.getBodyAsString());
  }
}
