package dev.shippingresilience.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * EasyPost ({@code api.easypost.com}): {@code {"error":{code,message,errors}}}; a shipment's rates come back in a
 * 201 with a {@code messages[]} {@code rate_error} for every carrier that is down (scheduled as
 * {@code easypost:<carrier>}, e.g. {@code easypost:FedEx}); buying a shipment twice answers
 * {@code SHIPMENT.POSTAGE.EXISTS}; seeded transient faults are {@code INTERNAL_SERVER_ERROR} (500).
 */
final class EasyPostBehaviour extends ProviderBehaviour {
  private static final List<String> CARRIERS = List.of("USPS", "UPS", "FedEx");
  private final Set<String> bought = ConcurrentHashMap.newKeySet();

  EasyPostBehaviour(FaultSchedule schedule, SimulatorStats stats, Supplier<Duration> elapsed) {
    super("easypost", schedule, stats, elapsed);
  }

  @Override
  ResponseDefinition respond(Request request, String path) throws Exception {
    String method = request.getMethod().getName();
    if (method.equals("POST") && path.equals("/v2/shipments")) {
      String reference = body(request).path("shipment").path("reference").asText("shp");
      return json(201, shipment("shp_" + Integer.toUnsignedString(reference.hashCode())));
    }
    if (method.equals("POST") && path.matches("/v2/shipments/[^/]+/buy")) {
      String id = path.split("/")[3];
      int attempt = attempt(id);
      if (transientFault("500", id, attempt)) {
        return json(500, error("INTERNAL_SERVER_ERROR", "An unexpected error occurred."));
      }
      if (!bought.add(id)) {
        return json(422, error("SHIPMENT.POSTAGE.EXISTS", "Postage already exists for this shipment."));
      }
      stats.labelCreated(id);
      ObjectNode shipment = shipment(id);
      shipment.put("tracking_code", "9400" + Integer.toUnsignedString(id.hashCode()));
      shipment.putObject("postage_label").put("label_url", "https://easypost-files.example/" + id + ".png");
      return json(200, shipment);
    }
    return json(404, error("NOT_FOUND", "The requested resource could not be found."));
  }

  private ObjectNode shipment(String id) {
    ObjectNode root = JSON.createObjectNode().put("id", id).put("object", "Shipment").put("mode", "test");
    ArrayNode rates = root.putArray("rates");
    ArrayNode messages = root.putArray("messages");
    for (String carrier : CARRIERS) {
      if (carrierDown(carrier)) {
        messages.addObject().put("carrier", carrier).put("carrier_account_id", "ca_" + carrier.toLowerCase())
            .put("type", "rate_error").put("message", "Unable to retrieve rates: carrier unavailable.");
      } else {
        rates.addObject().put("id", "rate_" + carrier.toLowerCase()).put("carrier", carrier)
            .put("service", "Ground").put("rate", "7.58").put("shipment_id", id);
      }
    }
    root.putNull("postage_label");
    return root;
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("error").put("code", code).put("message", message).putArray("errors");
    return root;
  }
}
