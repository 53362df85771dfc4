package dev.shippingresilience.simulator;

import static dev.shippingresilience.simulator.SimAnswers.html;
import static dev.shippingresilience.simulator.SimAnswers.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sendcloud as its docs describe it (docs/providers/sendcloud.md): v3 shipments announced synchronously
 * ({@code POST /api/v3/shipments/announce}) or asynchronously ({@code POST /api/v3/shipments}, then
 * {@code ANNOUNCING} until {@code GET /api/v3/shipments/{id}} says {@code READY_TO_SEND}); a repeated
 * {@code external_reference_id} answers 409 with the shipment; a carrier that is down answers 201 with
 * {@code parcel_announcement_error}; more than {@value #UNSAFE_PER_SECOND} unsafe requests a second answer 429
 * (the documented burst allowance). Carrier outages are named {@code sendcloud:<carrier>}, e.g.
 * {@code sendcloud:postnl}. Thread-safe.
 */
final class SendcloudBehaviour {
  static final String ID = "sendcloud";
  static final int UNSAFE_PER_SECOND = 15;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FaultSchedule schedule;
  private final SimulatorStats stats;
  private final Supplier<Duration> elapsed;
  private final SimAnswers answers;
  private final Map<String, ObjectNode> byReference = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> byId = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> pending = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  SendcloudBehaviour(FaultSchedule schedule, SimulatorStats stats, Supplier<Duration> elapsed) {
    this.schedule = schedule;
    this.stats = stats;
    this.elapsed = elapsed;
    this.answers = new SimAnswers(elapsed);
  }

  ResponseDefinition answer(Request request, String path) throws Exception {
    stats.request(ID);
    Duration now = elapsed.get();
    if (schedule.providerOutages().stream().anyMatch(w -> w.target().equals(ID) && w.covers(now))) {
      stats.duringOutage();
      return html(503, SimAnswers.GATEWAY_PAGE);
    }
    String method = request.getMethod().getName();
    if (!method.equals("GET") && answers.overLimit(ID, UNSAFE_PER_SECOND)) {
      stats.tooManyRequests();
      ObjectNode body = JSON.createObjectNode();
      body.putArray("errors").addObject().put("status", "429").put("code", "throttled")
          .put("detail", "Request was throttled. Expected available in 1 second.");
      return json(429, body, "Retry-After", "1");
    }
    if (method.equals("GET") && path.matches("/api/v3/shipments/[^/]+")) {
      return shipment(path.substring(path.lastIndexOf('/') + 1));
    }
    if (method.equals("POST") && path.matches("/api/v3/shipments/[^/]+/cancel")) {
      String id = path.split("/")[4];
      ObjectNode shipment = byId.get(id);
      if (shipment == null) {
        return json(404, errors("404", "not_found", "Not found"));
      }
      if (shipment.path("cancelled").asBoolean()) {
        return json(409, errors("409", "invalid", "This shipment is already being cancelled."));
      }
      shipment.put("cancelled", true);
      ObjectNode body = JSON.createObjectNode();
      body.putObject("data").put("status", "cancelled").put("message", "Shipment has been cancelled");
      return json(200, body);
    }
    if (method.equals("POST") && (path.equals("/api/v3/shipments/announce") || path.equals("/api/v3/shipments"))) {
      return create(JSON.readTree(request.getBodyAsString()), path.endsWith("/announce"));
    }
    if (method.equals("POST") && path.equals("/api/v2/parcels")) {
      JsonNode parcel = JSON.readTree(request.getBodyAsString()).path("parcel");
      ObjectNode body = JSON.createObjectNode();
      body.putObject("parcel").put("id", Math.abs(parcel.hashCode())).put("order_number",
          parcel.path("order_number").asText("")).putObject("status").put("id", 1000).put("message", "Ready to send");
      return json(200, body);
    }
    return json(404, errors("404", "not_found", "Not found"));
  }

  private ResponseDefinition create(JsonNode body, boolean sync) {
    String reference = body.path("external_reference_id").asText("");
    String option = body.path("ship_with").path("properties").path("shipping_option_code").asText("");
    String carrier = option.contains(":") ? option.substring(0, option.indexOf(':')) : option;
    if (body.path("to_address").path("name").asText("").isEmpty()) {
      ObjectNode errors = errors("400", "required", "This field is required.");
      ((ObjectNode) errors.path("errors").get(0)).putObject("source").put("pointer", "/to_address/name");
      return json(400, errors);
    }
    ObjectNode existing = reference.isEmpty() ? null : byReference.get(reference);
    if (existing != null) {
      return json(409, wrap(existing));
    }
    int attempt = attempts.computeIfAbsent(reference.isEmpty() ? UUID.randomUUID().toString() : reference,
        k -> new AtomicInteger()).incrementAndGet();
    if (schedule.draw("sc-502:" + reference + ":" + attempt) < schedule.transientErrorRate() / 2) {
      return html(502, SimAnswers.GATEWAY_PAGE.replace("503 Service Temporarily Unavailable", "502 Bad Gateway"));
    }
    String id = UUID.nameUUIDFromBytes(("sc:" + reference + ":" + attempt).getBytes()).toString();
    ObjectNode shipment = JSON.createObjectNode().put("id", id).put("external_reference_id", reference);
    shipment.putObject("carrier").put("code", carrier);
    ObjectNode parcel = shipment.putArray("parcels").addObject().put("id", Math.abs(id.hashCode()));
    shipment.putArray("errors");
    stats.orderCreated("sendcloud:" + (reference.isEmpty() ? id : reference));
    if (!reference.isEmpty()) {
      byReference.put(reference, shipment);
    }
    byId.put(id, shipment);
    Duration now = elapsed.get();
    if (schedule.carrierOutages().stream().anyMatch(w -> w.target().equals(ID + ":" + carrier) && w.covers(now))) {
      stats.duringOutage();
      status(parcel, "ANNOUNCEMENT_FAILED", "Announcement Failed");
      ((ObjectNode) shipment.withArray("errors").addObject()).put("status", "500")
          .put("code", "parcel_announcement_error")
          .put("detail", "Service error: An error occurred while connecting to the carrier.");
      return json(201, wrap(shipment));
    }
    if (sync) {
      ready(parcel, id);
    } else {
      pending.put(id, new AtomicInteger(schedule.processingPolls()));
      status(parcel, "ANNOUNCING", "Being announced");
    }
    if (attempt == 1 && schedule.draw("sc-amb:" + reference) < schedule.ambiguousTimeoutRate()) {
      return SimAnswers.reset(); // created, but the answer is lost
    }
    return json(201, wrap(shipment));
  }

  private ResponseDefinition shipment(String id) {
    ObjectNode shipment = byId.get(id);
    if (shipment == null) {
      return json(404, errors("404", "not_found", "Not found"));
    }
    AtomicInteger left = pending.get(id);
    ObjectNode parcel = (ObjectNode) shipment.path("parcels").get(0);
    boolean announcing = "ANNOUNCING".equals(parcel.path("status").path("code").asText());
    if (left != null && left.getAndDecrement() <= 0 && announcing) {
      ready(parcel, id);
    }
    return json(200, wrap(shipment));
  }

  private static void ready(ObjectNode parcel, String id) {
    status(parcel, "READY_TO_SEND", "Ready to send");
    parcel.put("tracking_number", "3S" + Math.abs(id.hashCode()));
  }

  private static void status(ObjectNode parcel, String code, String message) {
    parcel.putObject("status").put("code", code).put("message", message);
  }

  private static ObjectNode wrap(ObjectNode shipment) {
    ObjectNode root = JSON.createObjectNode();
    root.set("data", shipment.deepCopy());
    ((ObjectNode) root.get("data")).remove("cancelled");
    return root;
  }

  private static ObjectNode errors(String status, String code, String detail) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("errors").addObject().put("status", status).put("code", code).put("detail", detail);
    return root;
  }
}
