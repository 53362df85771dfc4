package dev.shippingresilience.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Shippo ({@code api.goshippo.com}): label purchases ({@code POST /transactions}) answered {@code QUEUED} first
 * when the schedule draws them async, then {@code SUCCESS} on {@code GET /transactions/{object_id}} after the
 * schedule's processing polls; seeded transient faults are HTTP 409 ("too many concurrent calls"). A carrier down
 * (scheduled as {@code shippo:<carrier>}, the request's {@code carrier}) answers a 503.
 */
final class ShippoBehaviour extends ProviderBehaviour {
  ShippoBehaviour(FaultSchedule schedule, SimulatorStats stats, Supplier<Duration> elapsed) {
    super("shippo", schedule, stats, elapsed);
  }

  @Override
  ResponseDefinition respond(Request request, String path) throws Exception {
    String polled = polledId(request, path, "/transactions/");
    if (polled != null) {
      return json(200, transaction(polled, stillPending(polled) ? "QUEUED" : "SUCCESS"));
    }
    if (!(request.getMethod().getName().equals("POST") && path.equals("/transactions"))) {
      return json(404, JSON.createObjectNode().put("detail", "Not found."));
    }
    var body = body(request);
    String rate = body.path("rate").asText("");
    String order = body.path("metadata").asText(rate);
    if (rate.isEmpty()) {
      return json(400, JSON.createObjectNode().set("rate", JSON.createArrayNode().add("This field is required.")));
    }
    int attempt = attempt(order);
    if (carrierDown(body.path("carrier").asText(""))) {
      return html(503, GATEWAY_PAGE);
    }
    if (transientFault("409", order, attempt)) {
      return json(409, JSON.createObjectNode().put("detail", "Too many concurrent requests."));
    }
    String id = Integer.toUnsignedString((order + ":" + attempt).hashCode(), 16);
    stats.labelCreated(order);
    if (async(order)) {
      startJob(id);
      return json(201, transaction(id, "QUEUED"));
    }
    return json(201, transaction(id, "SUCCESS"));
  }

  private static ObjectNode transaction(String id, String status) {
    boolean done = status.equals("SUCCESS");
    ObjectNode root = JSON.createObjectNode().put("object_state", "VALID").put("status", status)
        .put("object_id", id).put("test", true)
        .put("tracking_number", done ? "9499907" + id : "")
        .put("label_url", done ? "https://shippo-delivery.example/" + id + ".pdf" : "");
    root.putArray("messages");
    return root;
  }
}
