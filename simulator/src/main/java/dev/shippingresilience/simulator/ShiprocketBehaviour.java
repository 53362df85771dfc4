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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Shiprocket as docs/providers/shiprocket.md describes it: {@code POST /v1/external/auth/login} issues a bearer
 * token; a request without one, or with one starting {@value #EXPIRED_PREFIX} (a token past its 240 hours), answers
 * 401; {@code POST /v1/external/orders/create/adhoc} creates an order ({@code status_code 1}, 422 without a billing
 * pincode); {@code POST /v1/external/courier/assign/awb} assigns an AWB ({@code awb_assign_status 1}), answers 400
 * "AWB is already assigned" the second time, and {@code awb_assign_status 0} while the courier is down (a carrier
 * outage named {@code shiprocket:<courier_id>}); more than {@value #UNSAFE_PER_SECOND} unsafe requests a second
 * answer 429 (Shiprocket publishes no limit: this one is assumed). Thread-safe.
 */
final class ShiprocketBehaviour extends SimulatedApi {
  static final String ID = "shiprocket";
  static final String EXPIRED_PREFIX = "expired";
  static final int UNSAFE_PER_SECOND = 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicLong ids = new AtomicLong(150_000_000);
  private final Map<Long, String> awbByShipment = new ConcurrentHashMap<>();
  private final Map<Long, Boolean> shipments = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  ShiprocketBehaviour(FaultSchedule schedule, SimulatorStats stats, Supplier<Duration> elapsed) {
    super(schedule, stats, elapsed);
  }

  ResponseDefinition answer(Request request, String path) throws Exception {
    stats.request(ID);
    if (providerOutage(ID)) {
      return html(503, SimAnswers.GATEWAY_PAGE);
    }
    String method = request.getMethod().getName();
    if (!method.equals("GET") && answers.overLimit(ID, UNSAFE_PER_SECOND)) {
      stats.tooManyRequests();
      return json(429, error("Too Many Attempts.", 429), "Retry-After", "1");
    }
    if (method.equals("POST") && path.equals("/v1/external/auth/login")) {
      JsonNode body = JSON.readTree(request.getBodyAsString());
      if (body.path("password").asText("").isEmpty()) {
        return json(400, error("Invalid email and password combination", 400));
      }
      return json(200, JSON.createObjectNode().put("company_id", 25149).put("email", body.path("email").asText(""))
          .put("token", "tok-" + ids.incrementAndGet()));
    }
    String authorization = request.getHeader("Authorization");
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return json(401, error("Unauthenticated.", 401));
    }
    if (authorization.substring("Bearer ".length()).startsWith(EXPIRED_PREFIX)) {
      return json(401, error("Token has expired", 401));
    }
    if (method.equals("POST") && path.equals("/v1/external/orders/create/adhoc")) {
      return createOrder(JSON.readTree(request.getBodyAsString()));
    }
    if (method.equals("POST") && path.equals("/v1/external/courier/assign/awb")) {
      return assignAwb(JSON.readTree(request.getBodyAsString()));
    }
    if (method.equals("GET") && path.startsWith("/v1/external/courier/track/awb/")) {
      String awb = path.substring(path.lastIndexOf('/') + 1);
      ObjectNode body = JSON.createObjectNode();
      body.putObject("tracking_data").put("track_status", 1).put("shipment_status", 6)
          .putArray("shipment_track").addObject().put("awb_code", awb).put("current_status", "Shipped");
      return json(200, body);
    }
    return json(404, error("Not Found", 404));
  }

  private ResponseDefinition createOrder(JsonNode body) {
    String orderId = body.path("order_id").asText("");
    if (body.path("billing_pincode").asText("").isEmpty()) {
      ObjectNode error = error("The given data was invalid.", 422);
      error.putObject("errors").putArray("billing_pincode").add("The billing pincode field is required.");
      return json(422, error);
    }
    int attempt = attempts.computeIfAbsent("order:" + orderId, k -> new AtomicInteger()).incrementAndGet();
    if (schedule.draw("sr-502:" + orderId + ":" + attempt) < schedule.transientErrorRate() / 2) {
      return html(502, SimAnswers.GATEWAY_PAGE.replace("503 Service Temporarily Unavailable", "502 Bad Gateway"));
    }
    long id = ids.incrementAndGet();
    shipments.put(id, Boolean.TRUE);
    stats.orderCreated("shiprocket:" + orderId);
    if (attempt == 1 && schedule.draw("sr-amb:" + orderId) < schedule.ambiguousTimeoutRate()) {
      return SimAnswers.reset(); // created, but the answer is lost
    }
    return json(200, JSON.createObjectNode().put("order_id", id).put("shipment_id", id).put("status", "NEW")
        .put("status_code", 1).put("onboarding_completed_now", 0).put("awb_code", "")
        .put("courier_company_id", "").put("courier_name", ""));
  }

  private ResponseDefinition assignAwb(JsonNode body) {
    long shipment = body.path("shipment_id").asLong(0);
    int courierId = body.path("courier_id").asInt(10);
    String courier = Integer.toString(courierId);
    if (!shipments.containsKey(shipment)) {
      return json(404, error("Shipment not found", 404));
    }
    if (awbByShipment.containsKey(shipment)) {
      return json(400, error("AWB is already assigned", 400));
    }
    if (carrierOutage(ID + ":" + courier)) {
      ObjectNode failed = JSON.createObjectNode().put("awb_assign_status", 0);
      failed.putObject("response").putObject("data")
          .put("awb_assign_error", "Courier " + courier + " is not available right now, please try another courier.");
      return json(200, failed);
    }
    String awb = "1091" + shipment;
    awbByShipment.put(shipment, awb);
    stats.labelCreated("shiprocket:" + shipment);
    ObjectNode ok = JSON.createObjectNode().put("awb_assign_status", 1);
    ok.putObject("response").putObject("data").put("courier_company_id", courierId)
        .put("awb_code", awb).put("shipment_id", shipment).put("courier_name", "Courier " + courier);
    int attempt = attempts.computeIfAbsent("awb:" + shipment, k -> new AtomicInteger()).incrementAndGet();
    if (attempt == 1 && schedule.draw("sr-awb-amb:" + shipment) < schedule.ambiguousTimeoutRate()) {
      return SimAnswers.reset(); // assigned, but the answer is lost
    }
    return json(200, ok);
  }

  private static ObjectNode error(String message, int statusCode) {
    return JSON.createObjectNode().put("message", message).put("status_code", statusCode);
  }
}
