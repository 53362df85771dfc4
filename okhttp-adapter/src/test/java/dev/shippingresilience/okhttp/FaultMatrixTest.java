package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.testing.Enqueued;
import dev.shippingresilience.testing.Allocations;
import dev.shippingresilience.testing.CapturedLogs;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FaultMatrix;
import dev.shippingresilience.testing.FaultMatrix.Cell;
import dev.shippingresilience.testing.FixedRandom;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12's fault matrix through a real OkHttp client and WireMock on loopback: every request kind against every
 * fault of {@link FaultMatrix}, with the expected outcome of each cell, through {@link ShippingInterceptor} and
 * through {@link ShippingCallFactory}'s {@code enqueue} (issue 14). Retries wait on a fake clock (a sleeper, or a
 * scheduler that moves it); only the slow-answer cells run on the real clock, because a real delay is their point.
 */
class FaultMatrixTest {
  private static final MediaType JSON = MediaType.get("application/json");
  // WireMock must send the stubbed bytes as they are: no gzip of its own. Reset before each cell.
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true)).build();

  private OkHttpClient client;

  @AfterEach
  void shutDownClient() {
    if (client != null) {
      client.connectionPool().evictAll();
      client.dispatcher().executorService().shutdown();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.shippingresilience.testing.FaultMatrix#cells")
  void cellBehavesAsTheTableSays(Cell cell) throws Exception {
    try (CapturedLogs.Capture logs = CapturedLogs.start()) {
      client = new OkHttpClient.Builder()
          .dns(host -> List.of(InetAddress.getLoopbackAddress()))  // Clickpost's real host name, on loopback
          .addInterceptor(ShippingInterceptor.of(FaultMatrix.policies(cell)))
          .build();
      runCell(cell, logs, this::call);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.shippingresilience.testing.FaultMatrix#cells")
  void cellBehavesAsTheTableSaysThroughTheCallFactorysEnqueue(Cell cell) throws Exception {
    ScheduledThreadPoolExecutor scheduler = null;
    try (CapturedLogs.Capture logs = CapturedLogs.start()) {
      client = new OkHttpClient.Builder().dns(host -> List.of(InetAddress.getLoopbackAddress())).build();
      ShippingPolicies policies;
      if (cell.fault() == FaultMatrix.Fault.SLOW) {
        policies = FaultMatrix.policies(cell); // the real clock, and no wait in these cells
      } else {
        FakeClock clock = new FakeClock(Fixtures.NOW);
        scheduler = new ClockMovingScheduler(clock);
        ScheduledExecutorService waits = scheduler;
        policies = ShippingPolicies.builder().configure("clickpost", b -> b.random(new FixedRandom())
            .meterRegistry(new SimpleMeterRegistry()).idempotencyKey(FaultMatrix.KEY_HEADER, false)
            .clock(clock).scheduler(waits)).build();
      }
      ShippingCallFactory factory = ShippingCallFactory.wrap(client, policies);
      runCell(cell, logs, request -> enqueue(factory.newCall(request)));
    } finally {
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
    }
  }

  /** Runs each wait at once on its own thread, moving the policy's fake clock by the wait first. */
  private static final class ClockMovingScheduler extends ScheduledThreadPoolExecutor {
    private final FakeClock clock;

    ClockMovingScheduler(FakeClock clock) {
      super(1);
      this.clock = clock;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      clock.advance(Duration.ofNanos(unit.toNanos(delay)));
      return super.schedule(command, 0, unit);
    }
  }

  /** Sends {@code request} through {@code client} (set up by the test) and returns what the caller got. */
  private void runCell(Cell cell, CapturedLogs.Capture logs, Function<Request, FaultMatrix.Outcome> call)
      throws Exception {
    // given
    int port = cell.fault().reachesServer() ? wireMock.getPort() : FaultMatrix.closedPort();
    if (cell.fault().reachesServer()) {
      wireMock.stubFor(any(urlPathEqualTo(cell.kind().path())).willReturn(reply(cell.fault())));
    }
    Request request = request(cell, port);

    // when
    long start = System.nanoTime();
    FaultMatrix.Outcome outcome = call.apply(request);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // then
    assertThat(client.connectionPool().connectionCount())
        .as("connections still in use after the caller closed the response (leaked)")
        .isEqualTo(client.connectionPool().idleConnectionCount());
    List<FaultMatrix.Seen> seen = wireMock.getAllServeEvents().stream().map(e -> seen(e.getRequest())).toList();
    FaultMatrix.verify(cell, FaultMatrix.Client.OKHTTP, outcome, elapsed, seen, logs.lines());
  }

  private static Request request(Cell cell, int port) {
    FaultMatrix.Kind kind = cell.kind();
    Request.Builder b = new Request.Builder().url("http://www.clickpost.in:" + port + kind.pathAndQuery())
        .method(kind.method(), kind.body() == null ? null : RequestBody.create(kind.body(), JSON));
    if (cell.fault().appAcceptsGzip()) {
      b.header("Accept-Encoding", "gzip");
    }
    CallOptions.Builder options = CallOptions.builder().idempotencyKey(kind.idempotencyKey());
    if (cell.fault() == FaultMatrix.Fault.SLOW) {
      options.deadline(FaultMatrix.SLOW_DEADLINE);
    }
    return b.tag(CallOptions.class, options.build()).build();
  }

  private FaultMatrix.Outcome call(Request request) {
    AtomicReference<Response> response = new AtomicReference<>();
    try {
      long allocated = Allocations.bytesAllocatedBy(() -> {
        try {
          response.set(client.newCall(request).execute());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try (Response r = response.get()) {
        return new FaultMatrix.Answered(r.code(), r.header(ShippingInterceptor.DECISION_HEADER),
            r.header(ShippingInterceptor.ATTEMPTS_HEADER), FaultMatrix.BodyRead.of(r.body().byteStream()), allocated);
      }
    } catch (UncheckedIOException e) {
      return new FaultMatrix.Threw(e.getCause());
    }
  }

  /**
   * Enqueues {@code call} and returns what its callback got; the response's body is read on this thread, as a
   * caller handing it on would. Allocation is not measured: the call runs on OkHttp's threads.
   */
  private static FaultMatrix.Outcome enqueue(Call call) {
    Response response;
    try {
      response = Enqueued.start(call).response();
    } catch (IOException e) {
      return new FaultMatrix.Threw(e);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("the callback was not called", e);
    }
    try (response) {
      return new FaultMatrix.Answered(response.code(), response.header(ShippingInterceptor.DECISION_HEADER),
          response.header(ShippingInterceptor.ATTEMPTS_HEADER), FaultMatrix.BodyRead.of(response.body().byteStream()),
          -1);
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
