package dev.shippingresilience.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What every simulated provider added as data shares: the schedule, the stats, the time since the simulator
 * started, per-key attempt counters and pending jobs (polled until done). Thread-safe.
 */
abstract class ProviderBehaviour {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String GATEWAY_PAGE =
      "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
          + "<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>";

  final FaultSchedule schedule;
  final SimulatorStats stats;
  private final Supplier<Duration> elapsed;
  private final String provider;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> pending = new ConcurrentHashMap<>();

  ProviderBehaviour(String provider, FaultSchedule schedule, SimulatorStats stats, Supplier<Duration> elapsed) {
    this.provider = provider;
    this.schedule = schedule;
    this.stats = stats;
    this.elapsed = elapsed;
  }

  /** The answer to {@code request} for {@code path} (without the query). */
  final ResponseDefinition answer(Request request, String path) throws Exception {
    stats.request(provider);
    if (down(provider, true)) {
      stats.duringOutage();
      return html(503, GATEWAY_PAGE);
    }
    return respond(request, path);
  }

  abstract ResponseDefinition respond(Request request, String path) throws Exception;

  /** True while {@code target} (a provider id, or {@code provider:carrier}) is in an outage window. */
  final boolean down(String target, boolean wholeProvider) {
    Duration now = elapsed.get();
    return (wholeProvider ? schedule.providerOutages() : schedule.carrierOutages()).stream()
        .anyMatch(w -> w.target().equals(target) && w.covers(now));
  }

  /** True while {@code carrier} of this provider is down; counts the request as one during an outage. */
  final boolean carrierDown(String carrier) {
    boolean down = down(provider + ":" + carrier, false);
    if (down) {
      stats.duringOutage();
    }
    return down;
  }

  /** The number of this attempt for {@code key} (1 for the first). */
  final int attempt(String key) {
    return attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  /** Starts a job that stays pending for the schedule's {@code processingPolls} answers. */
  final void startJob(String id) {
    pending.put(id, new AtomicInteger(schedule.processingPolls()));
  }

  /** The id a {@code GET <prefix><id>} asks about, or {@code null} for any other request. */
  static String polledId(Request request, String path, String prefix) {
    return request.getMethod().getName().equals("GET") && path.startsWith(prefix)
        ? path.substring(prefix.length()) : null;
  }

  /** True when the job {@code id} is still pending on this answer (counts the answer). */
  final boolean stillPending(String id) {
    AtomicInteger left = pending.get(id);
    return left != null && left.getAndDecrement() > 0;
  }

  /** True for a seeded transient fault of {@code kind} on attempt {@code attempt} of {@code key}. */
  final boolean transientFault(String kind, String key, int attempt) {
    return schedule.draw(provider + "-" + kind + ":" + key + ":" + attempt) < schedule.transientErrorRate();
  }

  /** True when the create of {@code key} is answered asynchronously (seeded). */
  final boolean async(String key) {
    return schedule.draw(provider + "-async:" + key) < schedule.asyncRate();
  }

  static JsonNode body(Request request) throws Exception {
    String text = request.getBodyAsString();
    return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
  }

  static ResponseDefinition json(int status, JsonNode body, String... headers) {
    ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body.toString());
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.withHeader(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  static ResponseDefinition html(int status, String body) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "text/html").withBody(body).build();
  }
}
