package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocking calls on virtual threads (Java 21+): the promise of docs/async.md's "Virtual threads" section. 1,000
 * Clickpost create-orders, each answered 202, 102, 102 and then 323 by the simulator (three polls), run at once on
 * 1,000 virtual threads through OkHttp and {@link ShippingInterceptor}, with the engine's real sleeper. All of them
 * end SUCCEED and JFR records no {@code jdk.VirtualThreadPinned} event: no wait of the engine (a poll interval slept
 * with {@code Thread.sleep}, a lock held around I/O) keeps a carrier thread.
 *
 * <p>JFR's event is the check because {@code -Djdk.tracePinnedThreads}, which printed pinned stacks on Java 21 to 23,
 * was removed in Java 24. The class compiles on Java 17 (virtual threads are reached reflectively) and runs when the
 * build runs on Java 21 or later; {@code .ci/run} runs the tests again on Temurin 25.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsTest {
  private static final int CALLS = 1_000;
  private static final MediaType JSON = MediaType.get("application/json");

  @Test
  void thousandPollingCreateOrdersOnVirtualThreadsCompleteWithoutPinning(@TempDir Path dir) throws Exception {
    FaultSchedule schedule = FaultSchedule.builder(42).asyncRate(1.0).processingPolls(2).build();
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.pollInterval(Duration.ofMillis(5)).maxPollDuration(Duration.ofMinutes(1)))
        .build();
    List<String> decisions = new ArrayList<>();
    Path events = dir.resolve("pinning.jfr");
    try (SimulatedProvider sim = SimulatedProvider.start(schedule);
        Recording recording = new Recording()) {
      OkHttpClient client = new OkHttpClient.Builder()
          .dns(SimulatedProvider::loopback)
          .connectionPool(new ConnectionPool(64, 1, TimeUnit.MINUTES))
          .addInterceptor(ShippingInterceptor.of(policies))
          .build();
      // Loading and initialising a class still pins a virtual thread (a native frame, even on Java 25): the first
      // calls load OkHttp's, Kotlin's and the engine's classes, so they run before the recording starts.
      runOnVirtualThreads(client, sim, "WARM-", 8);
      recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
      recording.start();
      decisions.addAll(runOnVirtualThreads(client, sim, "VT-", CALLS));
      recording.stop();
      recording.dump(events);
      client.connectionPool().evictAll();
    }

    assertThat(decisions).hasSize(CALLS).allMatch("SUCCEED after 4"::equals);
    List<String> pinned = new ArrayList<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(events)) {
      if (event.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
        pinned.add(event.getDuration() + " at " + (event.getStackTrace() == null ? "?"
            : event.getStackTrace().getFrames().subList(0, Math.min(8, event.getStackTrace().getFrames().size()))));
      }
    }
    assertThat(pinned).as("virtual threads pinned to their carrier").isEmpty();
    assertThat(Files.size(events)).isPositive();
  }

  /** Sends {@code count} create-orders at once, one virtual thread each; returns each one's decision and attempts. */
  private static List<String> runOnVirtualThreads(OkHttpClient client, SimulatedProvider sim, String prefix,
      int count) throws Exception {
    List<String> decisions = new ArrayList<>();
    ExecutorService threads = virtualThreadPerTask(); // AutoCloseable only from Java 19
    try {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Request request = new Request.Builder()
            .url(sim.url("www.clickpost.in", "/api/v3/create-order/?username=demo&key=SECRET"))
            .post(RequestBody.create("{\"reference_number\":\"" + prefix + i + "\",\"courier_partner\":5}", JSON))
            .build();
        calls.add(threads.submit(() -> {
          try (Response response = client.newCall(request).execute()) {
            response.body().bytes();
            return response.header(ShippingInterceptor.DECISION_HEADER) + " after "
                + response.header(ShippingInterceptor.ATTEMPTS_HEADER);
          }
        }));
      }
      for (Future<String> call : calls) {
        decisions.add(call.get(2, TimeUnit.MINUTES));
      }
    } finally {
      threads.shutdownNow();
    }
    return decisions;
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()}, reached reflectively so that the class compiles on 17. */
  private static ExecutorService virtualThreadPerTask() throws ReflectiveOperationException {
    return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
  }
}
