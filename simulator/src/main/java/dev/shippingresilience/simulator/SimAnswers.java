package dev.shippingresilience.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Building blocks of simulated answers, shared by the per-provider behaviours. Thread-safe. */
final class SimAnswers {
  static final String GATEWAY_PAGE =
      "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
          + "<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>";

  private static final long SECOND_NANOS = 1_000_000_000L;

  private final Map<String, AtomicLong> windows = new ConcurrentHashMap<>();
  private final Supplier<Duration> elapsed;

  /**
   * Creates the answers of one simulated API.
   *
   * @param elapsed the simulator's clock (time since its start), which the one-second windows follow
   */
  SimAnswers(Supplier<Duration> elapsed) {
    this.elapsed = elapsed;
  }

  /** Returns a JSON answer with extra headers given as name, value pairs. */
  static ResponseDefinition json(int status, JsonNode body, String... headers) {
    ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "application/json");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.withHeader(headers[i], headers[i + 1]);
    }
    return b.withBody(body.toString()).build();
  }

  /** Returns an HTML answer (a gateway's error page). */
  static ResponseDefinition html(int status, String body) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "text/html").withBody(body).build();
  }

  /** Returns a connection reset: the request was processed, but its answer is lost. */
  static ResponseDefinition reset() {
    return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
  }

  /** Counts requests to {@code key} in the current one-second window; returns true when over {@code limit}. */
  boolean overLimit(String key, int limit) {
    return count(key, elapsedNanos()) > limit;
  }

  /**
   * Counts a request to {@code key} in the one-second window holding {@code elapsedNanos} on the simulator's clock
   * (windows start at whole seconds since the simulator started, so a seed gives the same windows on every run).
   *
   * @return the requests counted in that window, this one included
   */
  long count(String key, long elapsedNanos) {
    long second = elapsedNanos / SECOND_NANOS;
    AtomicLong window = windows.computeIfAbsent(key, k -> new AtomicLong());
    while (true) {
      long packed = window.get();
      long windowSecond = packed >>> 20;
      long count = packed & 0xFFFFF;
      long next = windowSecond == second ? (second << 20) | Math.min(count + 1, 0xFFFFF) : (second << 20) | 1;
      if (window.compareAndSet(packed, next)) {
        return next & 0xFFFFF;
      }
    }
  }

  /** {@return the simulator's clock in nanoseconds} */
  long elapsedNanos() {
    return elapsed.get().toNanos();
  }

  /**
   * {@return the epoch millisecond at which the one-second window holding {@code elapsedNanos} ends} Rounded up,
   * so a client that waits until then arrives in the next window.
   */
  static long windowResetEpochMillis(long elapsedNanos) {
    long toBoundary = SECOND_NANOS - elapsedNanos % SECOND_NANOS;
    return System.currentTimeMillis() + (toBoundary + 999_999) / 1_000_000;
  }
}
