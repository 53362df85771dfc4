package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.CallCancelledException;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.event.WaitEvent;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14's two OkHttp measurements, through {@link ShippingCallFactory} with OkHttp's default dispatcher (64
 * calls, 5 per host): tests that report figures ({@code [measured]} lines in the test output) and assert only what
 * must hold whatever the machine (that a call completes while others poll, counts of threads), never a time.
 */
class ShippingCallFactoryMeasurementTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String CREATE_ORDER = "/api/v3/create-order/";
  private static final String TRACK_ORDER = "/api/v2/track-order/";
  private static final int POLLING_CALLS = 20;

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** A client with OkHttp's default dispatcher whose DNS sends every host to the loopback WireMock. */
  private static OkHttpClient client(Consumer<OkHttpClient.Builder> custom) {
    OkHttpClient.Builder b = new OkHttpClient.Builder().dns(host -> List.of(InetAddress.getLoopbackAddress()));
    custom.accept(b);
    return connections.watch(b.build());
  }

  private static String url(String path) {
    return "http://www.clickpost.in:" + wireMock.getPort() + path;
  }

  private static String meta(int status) {
    return "{\"meta\":{\"status\":" + status + ",\"message\":\"m\"},\"result\":{\"waybill\":\"W1\"}}";
  }

  private static Request createOrder(int reference) {
    return new Request.Builder().url(url(CREATE_ORDER + "?username=u&key=K"))
        .header("X-Order", Integer.toString(reference))
        .post(RequestBody.create("{\"courier_partner\":5,\"reference_number\":\"R" + reference + "\"}", JSON))
        .build();
  }

  private static Request trackOrder() {
    return new Request.Builder().url(url(TRACK_ORDER + "?username=u&key=K&waybill=W1")).build();
  }

  /** A listener that counts the waits the engine starts. */
  private static ShippingListener countingWaits(CountDownLatch waits) {
    return new ShippingListener() {
      @Override
      public void onWait(WaitEvent event) {
        waits.countDown();
      }
    };
  }

  /** A callback that completes a future with the response's decision header, or the failure. */
  private static final class Outcome implements Callback {
    final CompletableFuture<String> decision = new CompletableFuture<>();
    final long startNanos = System.nanoTime();
    volatile long endNanos;

    @Override
    public void onFailure(Call call, IOException e) {
      endNanos = System.nanoTime();
      decision.completeExceptionally(e);
    }

    @Override
    public void onResponse(Call call, Response response) throws IOException {
      try (response) {
        response.body().string();
        endNanos = System.nanoTime();
        decision.complete(response.header(ShippingInterceptor.DECISION_HEADER) + " attempts="
            + response.header(ShippingInterceptor.ATTEMPTS_HEADER));
      }
    }

    Duration took() {
      return Duration.ofNanos(endNanos - startNanos);
    }
  }

  private static Outcome enqueue(Call.Factory calls, Request request) {
    return enqueue(calls.newCall(request));
  }

  private static Outcome enqueue(Call call) {
    Outcome outcome = new Outcome();
    call.enqueue(outcome);
    return outcome;
  }

  /** The fastest of {@code times} async round trips of {@code request}, one after another, through {@code calls}. */
  private static Duration fastest(Call.Factory calls, Request request, int times) throws Exception {
    Duration best = null;
    for (int i = 0; i < times; i++) {
      Outcome outcome = enqueue(calls, request);
      outcome.decision.get(10, TimeUnit.SECONDS);
      best = best == null || outcome.took().compareTo(best) < 0 ? outcome.took() : best;
    }
    return best;
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }

  private static Throwable failureOf(CompletableFuture<String> future) throws Exception {
    try {
      throw new AssertionError("expected a failure, got " + future.get(10, TimeUnit.SECONDS));
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void twentyPollingCreateOrdersDoNotHoldTheHostsSlotsFromAnUnrelatedGet() throws Exception {
    // given: Clickpost answers every create-order "processing" (polled every 10 s, the profile's interval)
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).willReturn(aResponse().withBody(meta(102))));
    wireMock.stubFor(get(urlPathEqualTo(TRACK_ORDER)).willReturn(aResponse().withBody(meta(200))));
    OkHttpClient client = client(b -> { });
    CountDownLatch polling = new CountDownLatch(POLLING_CALLS);
    ShippingCallFactory factory = ShippingCallFactory.wrap(client, ShippingPolicies.builder()
        .configureAll(p -> p.meterRegistry(meters).listener(countingWaits(polling))).build());
    // warm: the bare round trip and the same GET through the factory, alone
    fastest(client, trackOrder(), 20);
    fastest(factory, trackOrder(), 20);
    Duration bare = fastest(client, trackOrder(), 5);
    Duration alone = fastest(factory, trackOrder(), 5);
    List<Call> calls = new ArrayList<>();
    List<Outcome> createOrders = new ArrayList<>();
    for (int i = 0; i < POLLING_CALLS; i++) {
      Call call = factory.newCall(createOrder(i));
      calls.add(call);
      createOrders.add(enqueue(call));
    }
    assertThat(polling.await(10, TimeUnit.SECONDS)).as("every create-order waits to poll").isTrue();

    // when
    Outcome get = enqueue(factory, trackOrder());

    // then: the GET is answered while all twenty still poll
    assertThat(get.decision.get(10, TimeUnit.SECONDS)).isEqualTo("SUCCEED attempts=1");
    Duration next = fastest(factory, trackOrder(), 5);
    assertThat(createOrders).noneSatisfy(o -> assertThat(o.decision).isDone());
    System.out.printf("[measured] ShippingCallFactory, OkHttp's default dispatcher (5 per host), an async GET to "
        + "the host of %d polling create-orders: the first %.2f ms, the fastest of the next five %.2f ms; the same "
        + "GET through the factory with nothing else running %.2f ms; one bare OkHttp async round trip %.2f ms%n",
        POLLING_CALLS, millis(get.took()), millis(next), millis(alone), millis(bare));

    // and: cancelled during their waits, they end at once, having sent nothing more
    calls.forEach(Call::cancel);
    for (Outcome o : createOrders) {
      assertThat(failureOf(o.decision)).isInstanceOf(CallCancelledException.class);
    }
    wireMock.verify(POLLING_CALLS, postRequestedFor(urlPathEqualTo(CREATE_ORDER)));
  }

  @Test
  void throughTheInterceptorTheGetQueuesBehindFivePollingCreateOrders() throws Exception {
    // given: the same, with ShippingInterceptor: its waits hold the dispatcher's threads and slots
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).willReturn(aResponse().withBody(meta(102))));
    wireMock.stubFor(get(urlPathEqualTo(TRACK_ORDER)).willReturn(aResponse().withBody(meta(200))));
    CountDownLatch polling = new CountDownLatch(5);
    OkHttpClient client = client(b -> b.addInterceptor(ShippingInterceptor.of(ShippingPolicies.builder()
        .configureAll(p -> p.meterRegistry(meters).listener(countingWaits(polling))).build())));
    List<Outcome> createOrders = new ArrayList<>();
    for (int i = 0; i < POLLING_CALLS; i++) {
      createOrders.add(enqueue(client, createOrder(i)));
    }
    assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();

    // when
    Outcome get = enqueue(client, trackOrder());

    // then: five create-orders hold the host's five slots while they wait; the GET queues with the other fifteen
    assertThat(client.dispatcher().runningCallsCount()).isEqualTo(5);
    assertThat(client.dispatcher().queuedCallsCount()).isEqualTo(POLLING_CALLS - 5 + 1);
    assertThat(get.decision).isNotDone();
    client.dispatcher().cancelAll();
    assertThat(failureOf(get.decision)).isInstanceOf(IOException.class);
    for (Outcome o : createOrders) {
      assertThat(failureOf(o.decision)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void thousandPollingCreateOrdersCompleteOnAFewThreads() throws Exception {
    // given: each create-order answered "processing" three times, then placed (the client's interceptor numbers
    // each order's sends so that WireMock can answer the fourth); polls 10 ms apart, scheduled
    int calls = 1000;
    Map<String, AtomicInteger> sends = new ConcurrentHashMap<>();
    OkHttpClient client = client(b -> b.addInterceptor(chain -> {
      String order = chain.request().header("X-Order");
      int n = sends.computeIfAbsent(order, o -> new AtomicInteger()).incrementAndGet();
      return chain.proceed(chain.request().newBuilder().header("X-Send", Integer.toString(n)).build());
    }));
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).atPriority(2).willReturn(aResponse().withBody(meta(102))));
    wireMock.stubFor(post(urlPathEqualTo(CREATE_ORDER)).atPriority(1).withHeader("X-Send", equalTo("4"))
        .willReturn(aResponse().withBody(meta(200))));
    ShippingCallFactory factory = ShippingCallFactory.wrap(client, ShippingPolicies.builder()
        .configure("clickpost", (ShippingPolicy.Builder p) -> p.pollInterval(Duration.ofMillis(10)))
        .configureAll(p -> p.meterRegistry(meters)).build());
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Set<Long> before = Thread.getAllStackTraces().keySet().stream().map(Thread::getId).collect(Collectors.toSet());
    int countBefore = mx.getThreadCount();
    mx.resetPeakThreadCount();

    // when
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      outcomes.add(enqueue(factory, createOrder(i)));
    }
    CompletableFuture.allOf(outcomes.stream().map(o -> o.decision).toArray(CompletableFuture[]::new))
        .get(120, TimeUnit.SECONDS);
    int peakAdded = mx.getPeakThreadCount() - countBefore;

    // then
    assertThat(outcomes).allSatisfy(o -> assertThat(o.decision.join()).isEqualTo("SUCCEED attempts=4"));
    wireMock.verify(4 * calls, postRequestedFor(urlPathEqualTo(CREATE_ORDER)));
    Map<String, Map<String, Integer>> added = new TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(t.getId())) {
        added.computeIfAbsent(group(t.getName()), g -> new TreeMap<>()).merge(t.getName(), 1, Integer::sum);
      }
    }
    System.out.println("[measured] " + calls + " concurrent Clickpost create-orders polling 3 times through "
        + "ShippingCallFactory: live threads added, by owner and name " + added + "; peak live threads added (the "
        + "server's included) " + peakAdded);
    int ours = count(added.get("ours"));
    int okHttps = count(added.get("okhttp"));
    assertThat(ours).as("the library's threads added (scheduler and deadline watcher)").isLessThanOrEqualTo(3);
    assertThat(ours + okHttps).as("platform threads added by the library and OkHttp").isLessThan(30);
  }

  private static int count(@Nullable Map<String, Integer> byName) {
    return byName == null ? 0 : byName.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Whose thread it is, by name: ours, OkHttp's (dispatcher, task runner, okio watchdog), or another's. */
  private static String group(String name) {
    if (name.startsWith("shipping-resilience")) {
      return "ours";
    }
    if (name.startsWith("OkHttp") || name.startsWith("Okio")) {
      return "okhttp";
    }
    return "other (the server's)";
  }
}
