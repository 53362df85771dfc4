package dev.shippingresilience.examples;

import dev.shippingresilience.CallOptions;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * The demo's order pipeline: a seeded mix of Clickpost orders, AfterShip labels, 17TRACK registrations and look-ups
 * and Abicart JSON-RPC reads, with the API keys placed where each provider really expects them (so the redaction
 * has something to hide). Each call is described independently of the HTTP client, so that every {@link DemoClient}
 * sends the same bytes.
 */
final class DemoWorkload {
  /** What OkHttp sends for a JSON string body, so both clients send the same header. */
  static final String JSON = "application/json; charset=utf-8";
  private static final int[] COURIERS = {5, 3, 5, 7};
  private static final String[] SERVICES = {"fedex_ground", "dhl_express_0900", "ups_standard"};

  /** One logical call of the pipeline. */
  record LogicalCall(int number, String provider, String operation, String target, HttpCall request) {}

  /**
   * The request of one logical call: method, absolute URL (query included), headers, a JSON body, and the per-call
   * settings the library reads from an OkHttp tag or a Spring request attribute ({@code null}: none).
   */
  record HttpCall(String method, String url, Map<String, String> headers, String json,
      @Nullable CallOptions options) {

    HttpCall {
      headers = Map.copyOf(headers);
    }

    static HttpCall post(String url, String json) {
      return new HttpCall("POST", url, Map.of(), json, null);
    }

    HttpCall withHeader(String name, String value) {
      Map<String, String> more = new HashMap<>(headers);
      more.put(name, value);
      return new HttpCall(method, url, more, json, options);
    }

    HttpCall withOptions(CallOptions callOptions) {
      return new HttpCall(method, url, headers, json, callOptions);
    }

    byte[] body() {
      return json.getBytes(StandardCharsets.UTF_8);
    }
  }

  private DemoWorkload() {}

  /** The four first providers' calls, in a cycle of 7. */
  static List<LogicalCall> build(SimulatedProvider sim, long seed, int calls) {
    return build(sim, seed, calls, false);
  }

  /**
   * The calls: with {@code allProviders}, every 13 calls include one to each of the six providers added as data
   * (Sendcloud, ShipStation, EasyPost, Shippo, Shiprocket, FedEx) after the four first providers' seven.
   */
  static List<LogicalCall> build(SimulatedProvider sim, long seed, int calls, boolean allProviders) {
    Random random = new Random(seed);
    List<LogicalCall> out = new ArrayList<>();
    List<String> registered = new ArrayList<>();
    int clickpostCalls = 0;
    int aftershipCalls = 0;
    for (int i = 1; i <= calls; i++) {
      int kind = (i - 1) % (allProviders ? 13 : 7);
      if (kind >= 7) {
        out.add(addedAsData(sim, seed, i, kind - 7));
        continue;
      }
      switch (kind) {
        case 0, 3 -> {
          int courier = COURIERS[clickpostCalls++ % COURIERS.length];
          String ref = "ORD-" + seed + "-" + i;
          String body = "{\"reference_number\":\"" + ref + "\",\"courier_partner\":" + courier
              + ",\"pickup_info\":{\"pincode\":\"110001\"},\"drop_info\":{\"pincode\":\"560001\"},"
              + "\"shipment_details\":{\"order_type\":\"PREPAID\",\"items\":[{\"sku\":\"A1\",\"quantity\":1}]}}";
          out.add(new LogicalCall(i, "clickpost", "create-order", "courier " + courier, HttpCall.post(
              sim.url("www.clickpost.in", "/api/v3/create-order/?username=demo&key=demo-clickpost-key"), body)));
        }
        case 1, 4 -> {
          String service = SERVICES[aftershipCalls++ % SERVICES.length];
          String order = "LBL-" + seed + "-" + i;
          String body = "{\"order_number\":\"" + order + "\",\"service_type\":\"" + service
              + "\",\"shipper_account\":{\"id\":\"acc-1\"},\"shipment\":{\"parcels\":[{\"weight\":{\"value\":1,"
              + "\"unit\":\"kg\"}}]}}";
          out.add(new LogicalCall(i, "aftership-shipping", "create-label", service.substring(0,
              service.indexOf('_')), HttpCall.post(sim.url("api.aftership.com", "/postmen/v3/labels"), body)
              .withHeader("as-api-key", "demo-aftership-key")));
        }
        case 2 -> {
          String number = "RR" + (100000000 + random.nextInt(900000000)) + "CN";
          registered.add(number);
          String again = registered.get(random.nextInt(registered.size()));
          String body = "[{\"number\":\"" + number + "\"},{\"number\":\"" + again + "\"},{\"number\":\"BAD" + i
              + "\"}]";
          out.add(new LogicalCall(i, "17track", "register", "batch of 3", HttpCall.post(
              sim.url("api.17track.net", "/track/v2.2/register"), body)
              .withHeader("17token", "demo-17track-key")));
        }
        case 5 -> {
          String number = registered.isEmpty() ? "RR000000000CN" : registered.get(registered.size() - 1);
          out.add(new LogicalCall(i, "17track", "gettrackinfo", number, HttpCall.post(
              sim.url("api.17track.net", "/track/v2.2/gettrackinfo"), "[{\"number\":\"" + number + "\"}]")
              .withHeader("17token", "demo-17track-key")));
        }
        default -> {
          String rpc = "{\"jsonrpc\":\"2.0\",\"method\":\"Order.get\",\"id\":" + i + ",\"params\":[\"" + (1000 + i)
              + "\",{\"totalcost\":true}]}";
          out.add(new LogicalCall(i, "abicart", "Order.get", "order " + (1000 + i), HttpCall.post(
              sim.url("admin.abicart.se", "/backend/jsonrpc/v1/?webshop=22222&auth=demo-abicart-token"), rpc)
              // a JSON-RPC read sent as POST: the caller vouches that repeating it is safe
              .withOptions(CallOptions.builder().safeToRepeat(true).operation("order-get").build())));
        }
      }
    }
    return out;
  }

  /** One create call to the {@code which}th provider added as data, its request as its docs show it. */
  private static LogicalCall addedAsData(SimulatedProvider sim, long seed, int i, int which) {
    String ref = "DEMO-" + seed + "-" + i;
    return switch (which) {
      case 0 -> new LogicalCall(i, "sendcloud", "announce", "postnl", HttpCall.post(
          sim.url("panel.sendcloud.sc", "/api/v3/shipments/announce"), "{\"external_reference_id\":\"" + ref
              + "\",\"to_address\":{\"name\":\"John Doe\"},\"ship_with\":{\"type\":\"shipping_option_code\","
              + "\"properties\":{\"shipping_option_code\":\"postnl:standard\"}},\"parcels\":[{\"weight\":"
              + "{\"value\":1,\"unit\":\"kg\"}}]}").withHeader("Authorization", "Basic demo-sendcloud-key"));
      case 1 -> new LogicalCall(i, "shipstation", "create-label", "se-1", HttpCall.post(
          sim.url("api.shipengine.com", "/v1/labels"), "{\"shipment\":{\"carrier_id\":\"se-1\","
              + "\"external_shipment_id\":\"" + ref + "\",\"service_code\":\"usps_priority_mail\"}}")
          .withHeader("API-Key", "demo-shipstation-key"));
      case 2 -> new LogicalCall(i, "easypost", "create-shipment", "shipment", HttpCall.post(
          sim.url("api.easypost.com", "/v2/shipments"), "{\"shipment\":{\"reference\":\"" + ref + "\"}}")
          .withHeader("Authorization", "Bearer demo-easypost-key"));
      case 3 -> new LogicalCall(i, "shippo", "purchase-label", "usps", HttpCall.post(
          sim.url("api.goshippo.com", "/transactions"), "{\"rate\":\"ee81fab0372e419ab52245c8952ccaeb\","
              + "\"metadata\":\"" + ref + "\",\"carrier\":\"usps\"}")
          .withHeader("Authorization", "ShippoToken demo-shippo-key"));
      case 4 -> new LogicalCall(i, "shiprocket", "create-order", "adhoc", HttpCall.post(
          sim.url("apiv2.shiprocket.in", "/v1/external/orders/create/adhoc"), "{\"order_id\":\"" + ref
              + "\",\"order_date\":\"2026-12-01 10:00\",\"pickup_location\":\"Primary\","
              + "\"billing_customer_name\":\"Asha\",\"billing_pincode\":\"110001\",\"payment_method\":"
              + "\"Prepaid\",\"sub_total\":500,\"length\":10,\"breadth\":10,\"height\":10,\"weight\":0.5}")
          .withHeader("Authorization", "Bearer demo-shiprocket-token"));
      default -> new LogicalCall(i, "fedex", "create-shipment", "ground", HttpCall.post(
          sim.url("apis.fedex.com", "/ship/v1/shipments"), "{\"accountNumber\":{\"value\":\"740561073\"},"
              + "\"labelResponseOptions\":\"URL_ONLY\",\"requestedShipment\":{\"shipper\":{\"contact\":"
              + "{\"personName\":\"SHIPPER " + ref + "\"}},\"serviceType\":\"FEDEX_GROUND\",\"packagingType\":"
              + "\"YOUR_PACKAGING\",\"requestedPackageLineItems\":[{\"weight\":{\"units\":\"LB\","
              + "\"value\":10}}]}}").withHeader("Authorization", "Bearer demo-fedex-token"));
    };
  }
}
