package dev.shippingresilience.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * ShipStation API (formerly ShipEngine, {@code api.shipengine.com}): {@code errors[]} with error_source, error_type
 * and error_code; a carrier outage as {@code error_source: carrier, error_type: system} naming the carrier_id; its
 * own transient failures as {@code shipengine/system/unspecified}; labels that stay {@code processing} for a few
 * polls of {@code GET /v1/labels/{label_id}}. Carrier outages are scheduled as {@code shipstation:<carrier_id>}.
 */
final class ShipStationBehaviour extends ProviderBehaviour {
  ShipStationBehaviour(FaultSchedule schedule, SimulatorStats stats, Supplier<Duration> elapsed) {
    super("shipstation", schedule, stats, elapsed);
  }

  @Override
  ResponseDefinition respond(Request request, String path) throws Exception {
    String polled = polledId(request, path, "/v1/labels/");
    if (polled != null) {
      return json(200, label(polled, stillPending(polled) ? "processing" : "completed", ""));
    }
    if (!(request.getMethod().getName().equals("POST") && path.equals("/v1/labels"))) {
      return json(404, errors("shipengine", "validation", "not_found", "The requested resource was not found.", null));
    }
    JsonNode shipment = body(request).path("shipment");
    String carrier = shipment.path("carrier_id").asText("");
    String order = shipment.path("external_shipment_id").asText(UUID.randomUUID().toString());
    if (carrier.isEmpty()) {
      return json(400, errors("shipengine", "validation", "field_value_required", "shipment.carrier_id is required.",
          null));
    }
    int attempt = attempt(order);
    if (carrierDown(carrier)) {
      return json(500, errors("carrier", "system", "unspecified", "The carrier did not respond.", carrier));
    }
    if (transientFault("500", order, attempt)) {
      return json(500, errors("shipengine", "system", "unspecified", "An unexpected error occurred.", null));
    }
    String id = "se-" + Integer.toUnsignedString((order + ":" + attempt).hashCode());
    stats.labelCreated(order);
    if (async(order)) {
      startJob(id);
      return json(200, label(id, "processing", carrier));
    }
    return json(200, label(id, "completed", carrier));
  }

  private static ObjectNode errors(String source, String type, String code, String message, String carrier) {
    ObjectNode root = JSON.createObjectNode().put("request_id", UUID.randomUUID().toString());
    ObjectNode error = root.putArray("errors").addObject().put("error_source", source).put("error_type", type)
        .put("error_code", code).put("message", message);
    if (carrier != null) {
      error.put("carrier_id", carrier);
    }
    return root;
  }

  private static ObjectNode label(String id, String status, String carrier) {
    ObjectNode root = JSON.createObjectNode().put("label_id", id).put("status", status).put("shipment_id", id)
        .put("carrier_id", carrier).put("tracking_number", status.equals("completed") ? "94001" + id.hashCode() : "");
    root.putArray("errors");
    root.putObject("label_download").put("href", "https://api.shipengine.com/v1/downloads/" + id + ".pdf");
    return root;
  }
}
