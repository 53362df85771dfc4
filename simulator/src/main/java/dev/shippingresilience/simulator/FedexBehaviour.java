package dev.shippingresilience.simulator;

import static dev.shippingresilience.simulator.SimAnswers.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * FedEx's REST APIs as docs/providers/fedex.md describes them: {@code POST /oauth/token} issues bearer tokens (401
 * {@code NOT.AUTHORIZED.ERROR} for a client secret {@code bad}); a token starting {@value #EXPIRED_PREFIX} answers
 * 401 "Access token expired"; {@code POST /ship/v1/shipments} creates a shipment (400
 * {@code ACCOUNTNUMBER.REGISTRATION.REQUIRED} without an account number); {@code POST /rate/v1/rates/quotes} quotes;
 * {@code POST /track/v1/trackingnumbers} answers per number, {@code TRACKING.TRACKINGNUMBER.NOTFOUND} for one it did
 * not create. A provider outage named {@value #ID} answers 503 {@code SERVICE.UNAVAILABLE.ERROR}; one named
 * {@value #QUOTA} answers every request with the daily-quota 429; more than {@value #PER_SECOND} requests a second
 * (the documented 1400 per 10 seconds, spread evenly) answer the short-duration 429. Thread-safe.
 */
final class FedexBehaviour extends SimulatedApi {
  static final String ID = "fedex";
  static final String QUOTA = "fedex-quota";
  static final String EXPIRED_PREFIX = "expired";
  static final int PER_SECOND = 140;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicLong trackingNumbers = new AtomicLong(794_953_555_500L);
  private final Set<String> shipped = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  FedexBehaviour(FaultSchedule schedule, SimulatorStats stats, Supplier<Duration> elapsed) {
    super(schedule, stats, elapsed);
  }

  ResponseDefinition answer(Request request, String path) throws Exception {
    stats.request(ID);
    if (providerOutage(ID)) {
      return json(503, errors("SERVICE.UNAVAILABLE.ERROR", "The service is currently unavailable and we are working "
          + "to resolve the issue. We apologize for any inconvenience. Please check back at a later time."));
    }
    if (providerOutage(QUOTA)) {
      stats.tooManyRequests();
      return json(429, errors("TOO.MANY.REQUESTS", "Daily transaction quota exceeded. Retry after 12:00AM GMT"));
    }
    if (answers.overLimit(ID, PER_SECOND)) {
      stats.tooManyRequests();
      return json(429, errors("TOO.MANY.REQUESTS",
          "We have received too many requests in a short duration. Please wait a while to try again."));
    }
    String method = request.getMethod().getName();
    if (method.equals("POST") && path.equals("/oauth/token")) {
      String form = request.getBodyAsString();
      if (form.contains("client_secret=bad")) {
        return json(401, errors("NOT.AUTHORIZED.ERROR",
            "The given client credentials were not valid. Please modify your request and try again."));
      }
      return json(200, JSON.createObjectNode().put("access_token", "fx-" + UUID.randomUUID())
          .put("token_type", "bearer").put("expires_in", 3599).put("scope", "CXS"));
    }
    String authorization = request.getHeader("Authorization");
    if (authorization == null || !authorization.startsWith("Bearer ")
        || authorization.substring("Bearer ".length()).startsWith(EXPIRED_PREFIX)) {
      return json(401, errors("NOT.AUTHORIZED.ERROR",
          "Access token expired. Please modify your request and try again."));
    }
    JsonNode body = method.equals("POST") ? JSON.readTree(request.getBodyAsString()) : JSON.createObjectNode();
    if (method.equals("POST") && path.equals("/ship/v1/shipments")) {
      return ship(body);
    }
    if (method.equals("POST") && path.equals("/rate/v1/rates/quotes")) {
      return quote(body);
    }
    if (method.equals("POST") && path.equals("/track/v1/trackingnumbers")) {
      return track(body);
    }
    return json(404, errors("NOT.FOUND.ERROR",
        "The resource you requested is no longer available. Please modify your request and try again."));
  }

  private ResponseDefinition ship(JsonNode body) {
    if (body.path("accountNumber").path("value").asText("").isEmpty()) {
      return json(400, errors("ACCOUNTNUMBER.REGISTRATION.REQUIRED",
          "Please enter a valid 9-digit FedEx account number or register for a new FedEx account number."));
    }
    String reference = body.path("requestedShipment").path("shipper").path("contact").path("personName")
        .asText("") + ":" + body.hashCode();
    int attempt = attempts.computeIfAbsent("ship:" + reference, k -> new AtomicInteger()).incrementAndGet();
    String trackingNumber = Long.toString(trackingNumbers.incrementAndGet());
    shipped.add(trackingNumber);
    stats.orderCreated("fedex:" + reference);
    if (attempt == 1 && schedule.draw("fx-amb:" + reference) < schedule.ambiguousTimeoutRate()) {
      return SimAnswers.reset(); // shipped, but the answer is lost
    }
    ObjectNode root = JSON.createObjectNode().put("transactionId", UUID.randomUUID().toString());
    ObjectNode shipment = root.putObject("output").putArray("transactionShipments").addObject()
        .put("serviceType", body.path("requestedShipment").path("serviceType").asText("FEDEX_GROUND"))
        .put("masterTrackingNumber", trackingNumber);
    shipment.putArray("pieceResponses").addObject().put("trackingNumber", trackingNumber);
    return json(200, root);
  }

  private ResponseDefinition quote(JsonNode body) {
    String key = Integer.toString(body.hashCode());
    int attempt = attempts.computeIfAbsent("rate:" + key, k -> new AtomicInteger()).incrementAndGet();
    if (attempt == 1 && schedule.draw("fx-500:" + key) < schedule.transientErrorRate()) {
      return json(500, errors("INTERNAL.SERVER.ERROR", "We encountered an unexpected error and are working to "
          + "resolve the issue. We apologize for any inconvenience. Please check back at a later time."));
    }
    ObjectNode root = JSON.createObjectNode().put("transactionId", UUID.randomUUID().toString());
    root.putObject("output").putArray("rateReplyDetails").addObject().put("serviceType", "FEDEX_GROUND")
        .putArray("ratedShipmentDetails").addObject().put("totalNetCharge", 21.45);
    return json(200, root);
  }

  private ResponseDefinition track(JsonNode body) {
    ObjectNode root = JSON.createObjectNode().put("transactionId", UUID.randomUUID().toString());
    ArrayNode results = root.putObject("output").putArray("completeTrackResults");
    for (JsonNode info : body.path("trackingInfo")) {
      String number = info.path("trackingNumberInfo").path("trackingNumber").asText("");
      ObjectNode result = results.addObject().put("trackingNumber", number);
      ObjectNode track = result.putArray("trackResults").addObject();
      track.putObject("trackingNumberInfo").put("trackingNumber", number);
      if (shipped.contains(number)) {
        track.putObject("latestStatusDetail").put("code", "PU").put("statusByLocale", "Picked up");
      } else {
        track.putObject("error").put("code", "TRACKING.TRACKINGNUMBER.NOTFOUND")
            .put("message", "Tracking number cannot be found. Please correct the tracking number and try again.");
      }
    }
    return json(200, root);
  }

  private static ObjectNode errors(String code, String message) {
    ObjectNode root = JSON.createObjectNode().put("transactionId", UUID.randomUUID().toString());
    root.putArray("errors").addObject().put("code", code).put("message", message);
    return root;
  }
}
