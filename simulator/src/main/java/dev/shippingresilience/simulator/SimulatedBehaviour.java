package dev.shippingresilience.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Computes every simulated answer. Thread-safe: WireMock calls it from many threads. */
final class SimulatedBehaviour implements ResponseDefinitionTransformerV2 {
  static final String NAME = "shipping-simulator";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GATEWAY_PAGE =
      "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
          + "<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>";

  private final FaultSchedule schedule;
  private final SimulatorStats stats = new SimulatorStats();
  private volatile long startNanos = System.nanoTime();
  private final Map<String, AtomicInteger> attemptsByKey = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> pendingPolls = new ConcurrentHashMap<>();
  private final Map<String, String> labelSlugs = new ConcurrentHashMap<>();
  /** AfterShip: the ids of the labels really created per order number, answered by GET /labels?order_number=. */
  private final Map<String, java.util.List<String>> labelsByOrder = new ConcurrentHashMap<>();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final SimAnswers limits = new SimAnswers();
  private final SendcloudBehaviour sendcloud;
  private final ShipStationBehaviour shipStation;
  private final EasyPostBehaviour easyPost;
  private final ShippoBehaviour shippo;
  private final ShiprocketBehaviour shiprocket;
  private final FedexBehaviour fedex;

  SimulatedBehaviour(FaultSchedule schedule) {
    this.schedule = schedule;
    this.sendcloud = new SendcloudBehaviour(schedule, stats, this::elapsed);
    this.shipStation = new ShipStationBehaviour(schedule, stats, this::elapsed);
    this.easyPost = new EasyPostBehaviour(schedule, stats, this::elapsed);
    this.shippo = new ShippoBehaviour(schedule, stats, this::elapsed);
    this.shiprocket = new ShiprocketBehaviour(schedule, stats, this::elapsed);
    this.fedex = new FedexBehaviour(schedule, stats, this::elapsed);
  }

  void startClock() {
    startNanos = System.nanoTime();
  }

  SimulatorStats stats() {
    return stats;
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    Request request = event.getRequest();
    String host = hostOf(request).toLowerCase(Locale.ROOT);
    String path = request.getUrl();
    int q = path.indexOf('?');
    String pathOnly = q < 0 ? path : path.substring(0, q);
    try {
      if (host.endsWith("clickpost.in")) {
        return clickpost(request, pathOnly);
      }
      if (host.endsWith("aftership.com")) {
        return aftership(request, pathOnly);
      }
      if (host.endsWith("17track.net")) {
        return seventeenTrack(request, pathOnly);
      }
      if (host.endsWith("abicart.se")) {
        return abicart(request);
      }
      if (host.endsWith("sendcloud.sc")) {
        return sendcloud.answer(request, pathOnly);
      }
      if (host.endsWith("api.shipengine.com")) {
        return shipStation.answer(request, pathOnly);
      }
      if (host.endsWith("api.easypost.com")) {
        return easyPost.answer(request, pathOnly);
      }
      if (host.endsWith("api.goshippo.com")) {
        return shippo.answer(request, pathOnly);
      }
      if (host.endsWith("shiprocket.in")) {
        return shiprocket.answer(request, pathOnly);
      }
      if (host.endsWith("fedex.com")) {
        return fedex.answer(request, pathOnly);
      }
      return status(404, "{\"error\":\"unknown simulated host " + host + "\"}");
    } catch (Exception e) {
      return status(400, "{\"error\":\"simulator could not read the request\"}");
    }
  }

  private static String hostOf(Request request) {
    String host = request.getHeader("Host");
    if (host == null) {
      return request.getHost();
    }
    int colon = host.indexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private boolean providerDown(String provider) {
    Duration now = elapsed();
    return schedule.providerOutages().stream().anyMatch(w -> w.target().equals(provider) && w.covers(now));
  }

  private boolean carrierDown(String target) {
    Duration now = elapsed();
    return schedule.carrierOutages().stream().anyMatch(w -> w.target().equals(target) && w.covers(now));
  }

  private int attempt(String key) {
    return attemptsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  /** Counts requests in the current one-second window; returns true when over {@code limit}. */
  private boolean overLimit(String provider, int limit) {
    return limits.overLimit(provider, limit);
  }

  // ---- Clickpost -----------------------------------------------------------------------------------------

  private ResponseDefinition clickpost(Request request, String path) throws Exception {
    stats.request("clickpost");
    if (providerDown("clickpost")) {
      stats.duringOutage();
      return html(503, GATEWAY_PAGE);
    }
    if (!path.contains("/create-order")) {
      return json(200, clickpostMeta(200, "SUCCESS", true));
    }
    JsonNode body = JSON.readTree(request.getBodyAsString());
    String reference = body.path("reference_number").asText("");
    String courier = body.path("courier_partner").asText("");
    if (reference.isEmpty()) {
      return json(200, clickpostMeta(328, "Invalid POST data", false));
    }
    int attempt = attempt("cp:" + reference);
    if (carrierDown("clickpost:" + courier)) {
      stats.duringOutage();
      return json(200, clickpostMeta(322, "Internal Server Error In Courier Partners Server, Try Again", false));
    }
    if (schedule.draw("cp-500:" + reference + ":" + attempt) < schedule.transientErrorRate() / 2) {
      return json(200, clickpostMeta(500, "Oops! Internal server error in Clickpost", false));
    }
    AtomicInteger pending = pendingPolls.get("cp:" + reference);
    if (pending == null) {
      boolean async = schedule.draw("cp-async:" + reference) < schedule.asyncRate();
      pendingPolls.putIfAbsent("cp:" + reference, new AtomicInteger(async ? schedule.processingPolls() : 0));
      stats.orderCreated(reference);
      if (async) {
        ObjectNode queued = clickpostMeta(202, "Order Placed Successfully", true);
        queued.put("order_id", Math.abs(reference.hashCode()));
        queued.putObject("result").put("reference_number", reference).putNull("waybill").putNull("label");
        return json(200, queued);
      }
      if (schedule.draw("cp-amb:" + reference) < schedule.ambiguousTimeoutRate()) {
        // processed, but the answer is lost: the client sees a connection reset
        return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
      }
      return json(200, clickpostOrder(200, "Order Placed Successfully", true, reference, courier));
    }
    if (pending.getAndDecrement() > 0) {
      return json(200, clickpostMeta(102, "We are processing your order", false));
    }
    return json(200, clickpostOrder(323, "You have already placed this order", false, reference, courier));
  }

  private static ObjectNode clickpostMeta(int status, String message, boolean success) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("meta").put("status", status).put("message", message).put("success", success);
    return root;
  }

  private static ObjectNode clickpostOrder(int status, String message, boolean success, String reference,
      String courier) {
    ObjectNode root = clickpostMeta(status, message, success);
    String waybill = Long.toString(Math.abs((long) reference.hashCode()) + 1_000_000_000L);
    root.putObject("result").put("reference_number", reference).put("waybill", waybill)
        .put("courier_partner_id", courier)
        .put("label", "https://labels.example/" + waybill + ".pdf")
        .put("security_key", UUID.nameUUIDFromBytes(reference.getBytes()).toString());
    return root;
  }

  // ---- AfterShip Shipping --------------------------------------------------------------------------------

  private ResponseDefinition aftership(Request request, String path) throws Exception {
    stats.request("aftership-shipping");
    if (providerDown("aftership-shipping")) {
      stats.duringOutage();
      return html(503, GATEWAY_PAGE);
    }
    if (overLimit("aftership-shipping", schedule.aftershipPerSecond())) {
      stats.tooManyRequests();
      long reset = (System.currentTimeMillis() / 1000 + 1) * 1000;
      ObjectNode body = aftershipMeta(429, "You have exceeded the API call rate limit.", true);
      return ResponseDefinitionBuilder.responseDefinition().withStatus(429)
          .withHeader("Content-Type", "application/json")
          .withHeader("X-RateLimit-Limit", Integer.toString(schedule.aftershipPerSecond()))
          .withHeader("X-RateLimit-Remaining", "0").withHeader("X-RateLimit-Reset", Long.toString(reset))
          .withBody(body.toString()).build();
    }
    if (request.getMethod().getName().equals("GET") && path.matches(".*/labels/[^/]+")) {
      String id = path.substring(path.lastIndexOf('/') + 1);
      String slug = labelSlugs.get(id);
      if (slug == null) {
        return json(200, aftershipMeta(4153, "Item does not exist.", false));
      }
      AtomicInteger pending = pendingPolls.get("as:" + id);
      boolean creating = pending != null && pending.getAndDecrement() > 0;
      return json(200, aftershipLabel(200, id, creating ? "creating" : "created", slug));
    }
    if (request.getMethod().getName().equals("GET") && path.endsWith("/labels")) {
      return json(200, aftershipLabels(request));
    }
    if (!path.endsWith("/labels")) {
      return json(200, aftershipMeta(200, "OK", false));
    }
    JsonNode body = JSON.readTree(request.getBodyAsString());
    String order = body.path("order_number").asText("");
    String serviceType = body.path("service_type").asText("");
    String slug = serviceType.contains("_") ? serviceType.substring(0, serviceType.indexOf('_')) : serviceType;
    int attempt = attempt("as:" + order);
    if (carrierDown("aftership-shipping:" + slug)) {
      stats.duringOutage();
      return json(200, aftershipMeta(4703, "The courier seems to be currently unavailable, please try again later.",
          true));
    }
    if (schedule.draw("as-4101:" + order + ":" + attempt) < schedule.transientErrorRate()) {
      return json(200, aftershipMeta(4101, "Internal Error, please try again.", true));
    }
    String id = UUID.nameUUIDFromBytes(("label:" + order + ":" + attempt).getBytes()).toString();
    labelSlugs.put(id, slug);
    labelsByOrder.computeIfAbsent(order, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(id);
    stats.labelCreated(order);
    if (attempt == 1 && schedule.draw("as-amb:" + order) < schedule.ambiguousTimeoutRate()) {
      return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
    }
    if (schedule.draw("as-async:" + order) < schedule.asyncRate()) {
      pendingPolls.put("as:" + id, new AtomicInteger(schedule.processingPolls()));
      ObjectNode accepted = aftershipLabel(3001, id, "creating", slug);
      ((ObjectNode) accepted.get("meta")).put("message",
          "The request has been accepted for processing, but the processing has not been completed.");
      return json(200, accepted);
    }
    return json(200, aftershipLabel(200, id, "created", slug));
  }

  /**
   * AfterShip's label list ({@code GET /labels}, answer {@code data.labels[]}), filtered by {@code order_number}: the
   * labels this simulator really created for the order, including those whose create answer it cut off (the
   * ambiguous timeouts), so a client can reconcile before re-posting.
   */
  private ObjectNode aftershipLabels(Request request) {
    var param = request.queryParameter("order_number");
    String order = param == null || !param.isPresent() ? null : param.firstValue();
    ObjectNode root = aftershipMeta(200, "OK", false);
    ObjectNode data = root.putObject("data");
    data.put("limit", 20);
    ArrayNode labels = data.putArray("labels");
    for (String id : order == null ? java.util.List.<String>of() : labelsByOrder.getOrDefault(order,
        java.util.List.of())) {
      AtomicInteger pending = pendingPolls.get("as:" + id);
      boolean creating = pending != null && pending.get() > 0;
      labels.add(aftershipLabel(200, id, creating ? "creating" : "created", labelSlugs.get(id)).get("data"));
    }
    return root;
  }

  private static ObjectNode aftershipMeta(int code, String message, boolean retryable) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("meta").put("code", code).put("message", message).put("retryable", retryable)
        .putArray("details");
    root.putObject("data");
    return root;
  }

  private static ObjectNode aftershipLabel(int code, String id, String status, String slug) {
    ObjectNode root = aftershipMeta(code, "OK", false);
    ObjectNode data = root.putObject("data");
    data.put("id", id).put("status", status);
    ArrayNode numbers = data.putArray("tracking_numbers");
    if (status.equals("created")) {
      numbers.add("TN" + Math.abs(id.hashCode()));
      data.putObject("files").putObject("label").put("url", "https://labels.example/" + id + ".pdf");
    }
    data.putObject("rate").putObject("shipper_account").put("slug", slug);
    return root;
  }

  // ---- 17TRACK -------------------------------------------------------------------------------------------

  private ResponseDefinition seventeenTrack(Request request, String path) throws Exception {
    stats.request("17track");
    if (providerDown("17track")) {
      stats.duringOutage();
      return html(503, GATEWAY_PAGE);
    }
    if (overLimit("17track", schedule.seventeenTrackPerSecond())) {
      stats.tooManyRequests();
      return status(429, "");
    }
    JsonNode body = JSON.readTree(request.getBodyAsString());
    if (!body.isArray()) {
      return json(200, JSON.createObjectNode().put("code", -18010013));
    }
    if (body.size() > 40) {
      ObjectNode err = JSON.createObjectNode().put("code", -18010014);
      err.putObject("data").putArray("errors").addObject().put("code", -18010014)
          .put("message", "Tracking numbers exceed the 40 limit.");
      return json(200, err);
    }
    ObjectNode root = JSON.createObjectNode().put("code", 0);
    ObjectNode data = root.putObject("data");
    ArrayNode accepted = data.putArray("accepted");
    ArrayNode rejected = data.putArray("rejected");
    boolean register = path.toLowerCase(Locale.ROOT).endsWith("/register");
    for (JsonNode item : body) {
      String number = item.path("number").asText("");
      if (number.startsWith("BAD")) {
        reject(rejected, number, -18019903,
            "Carrier cannot be detected. Visit carrier info for carrier code and send as a parameter.");
      } else if (register) {
        if (registered.add(number)) {
          accepted.addObject().put("origin", 1).put("number", number).put("carrier", 3011);
        } else {
          reject(rejected, number, -18019901, "Tracking number " + number + " is already registered.");
        }
      } else {
        AtomicInteger pending = pendingPolls.computeIfAbsent("17:" + number,
            k -> new AtomicInteger(schedule.processingPolls()));
        if (pending.getAndDecrement() > 0) {
          reject(rejected, number, -18019909, "No tracking info at the moment.");
        } else {
          ObjectNode ok = accepted.addObject().put("number", number).put("carrier", 3011);
          ok.putObject("track_info").putObject("latest_status").put("status", "InTransit");
        }
      }
    }
    return json(200, root);
  }

  private static void reject(ArrayNode rejected, String number, int code, String message) {
    rejected.addObject().put("number", number).putObject("error").put("code", code).put("message", message);
  }

  // ---- Abicart -------------------------------------------------------------------------------------------

  private ResponseDefinition abicart(Request request) throws Exception {
    stats.request("abicart");
    if (providerDown("abicart")) {
      stats.duringOutage();
      return html(503, GATEWAY_PAGE);
    }
    JsonNode body = JSON.readTree(request.getBodyAsString());
    String id = body.path("id").asText("0");
    int attempt = attempt("ab:" + id);
    ObjectNode root = JSON.createObjectNode().put("jsonrpc", "2.0");
    root.set("id", body.path("id"));
    if (schedule.draw("ab-9005:" + id + ":" + attempt) < schedule.transientErrorRate() * 2) {
      root.putObject("error").put("code", 9005).put("message", "External server error");
    } else if (!"Order.get".equals(body.path("method").asText())) {
      root.putObject("error").put("code", -32601).put("message", "Method not found");
    } else {
      root.putObject("result").putObject("totalcost").put("incVat", 100).put("currency", "SEK");
    }
    return json(200, root);
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private static ResponseDefinition json(int status, JsonNode body) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body.toString()).build();
  }

  private static ResponseDefinition status(int status, String body) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body).build();
  }

  private static ResponseDefinition html(int status, String body) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "text/html").withBody(body).build();
  }
}
