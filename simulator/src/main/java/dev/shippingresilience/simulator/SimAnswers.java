package dev.shippingresilience.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Building blocks of simulated answers, shared by the per-provider behaviours. Thread-safe. */
final class SimAnswers {
  static final String GATEWAY_PAGE =
      "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
          + "<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>";

  private final Map<String, AtomicLong> windows = new ConcurrentHashMap<>();

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
    long second = System.currentTimeMillis() / 1000;
    AtomicLong window = windows.computeIfAbsent(key, k -> new AtomicLong());
    while (true) {
      long packed = window.get();
      long windowSecond = packed >>> 20;
      long count = packed & 0xFFFFF;
      long next = windowSecond == second ? (second << 20) | Math.min(count + 1, 0xFFFFF) : (second << 20) | 1;
      if (window.compareAndSet(packed, next)) {
        return (next & 0xFFFFF) > limit;
      }
    }
  }
}
