package dev.shippingresilience.examples;

import dev.shippingresilience.CallOptions;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The demo's order pipeline: a seeded mix of Clickpost orders, AfterShip labels, 17TRACK registrations and look-ups
 * and Abicart JSON-RPC reads, with the API keys placed where each provider really expects them (so the redaction
 * has something to hide).
 */
final class DemoWorkload {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final int[] COURIERS = {5, 3, 5, 7};
  private static final String[] SERVICES = {"fedex_ground", "dhl_express_0900", "ups_standard"};

  /** One logical call of the pipeline. */
  record LogicalCall(int number, String provider, String operation, String target, Request request) {}

  private DemoWorkload() {}

  static List<LogicalCall> build(SimulatedProvider sim, long seed, int calls) {
    Random random = new Random(seed);
    List<LogicalCall> out = new ArrayList<>();
    List<String> registered = new ArrayList<>();
    int clickpostCalls = 0;
    int aftershipCalls = 0;
    for (int i = 1; i <= calls; i++) {
      int kind = (i - 1) % 7;
      switch (kind) {
        case 0, 3 -> {
          int courier = COURIERS[clickpostCalls++ % COURIERS.length];
          String ref = "ORD-" + seed + "-" + i;
          String body = "{\"reference_number\":\"" + ref + "\",\"courier_partner\":" + courier
              + ",\"pickup_info\":{\"pincode\":\"110001\"},\"drop_info\":{\"pincode\":\"560001\"},"
              + "\"shipment_details\":{\"order_type\":\"PREPAID\",\"items\":[{\"sku\":\"A1\",\"quantity\":1}]}}";
          out.add(new LogicalCall(i, "clickpost", "create-order", "courier " + courier, new Request.Builder()
              .url(sim.url("www.clickpost.in", "/api/v3/create-order/?username=demo&key=demo-clickpost-key"))
              .post(RequestBody.create(body, JSON)).build()));
        }
        case 1, 4 -> {
          String service = SERVICES[aftershipCalls++ % SERVICES.length];
          String order = "LBL-" + seed + "-" + i;
          String body = "{\"order_number\":\"" + order + "\",\"service_type\":\"" + service
              + "\",\"shipper_account\":{\"id\":\"acc-1\"},\"shipment\":{\"parcels\":[{\"weight\":{\"value\":1,"
              + "\"unit\":\"kg\"}}]}}";
          out.add(new LogicalCall(i, "aftership-shipping", "create-label", service.substring(0,
              service.indexOf('_')), new Request.Builder()
              .url(sim.url("api.aftership.com", "/postmen/v3/labels"))
              .header("as-api-key", "demo-aftership-key")
              .post(RequestBody.create(body, JSON)).build()));
        }
        case 2 -> {
          String number = "RR" + (100000000 + random.nextInt(900000000)) + "CN";
          registered.add(number);
          String again = registered.get(random.nextInt(registered.size()));
          String body = "[{\"number\":\"" + number + "\"},{\"number\":\"" + again + "\"},{\"number\":\"BAD" + i
              + "\"}]";
          out.add(new LogicalCall(i, "17track", "register", "batch of 3", new Request.Builder()
              .url(sim.url("api.17track.net", "/track/v2.2/register"))
              .header("17token", "demo-17track-key")
              .post(RequestBody.create(body, JSON)).build()));
        }
        case 5 -> {
          String number = registered.isEmpty() ? "RR000000000CN" : registered.get(registered.size() - 1);
          out.add(new LogicalCall(i, "17track", "gettrackinfo", number, new Request.Builder()
              .url(sim.url("api.17track.net", "/track/v2.2/gettrackinfo"))
              .header("17token", "demo-17track-key")
              .post(RequestBody.create("[{\"number\":\"" + number + "\"}]", JSON)).build()));
        }
        default -> {
          String rpc = "{\"jsonrpc\":\"2.0\",\"method\":\"Order.get\",\"id\":" + i + ",\"params\":[\"" + (1000 + i)
              + "\",{\"totalcost\":true}]}";
          out.add(new LogicalCall(i, "abicart", "Order.get", "order " + (1000 + i), new Request.Builder()
              .url(sim.url("admin.abicart.se", "/backend/jsonrpc/v1/?webshop=22222&auth=demo-abicart-token"))
              .post(RequestBody.create(rpc, JSON))
              // a JSON-RPC read sent as POST: the caller vouches that repeating it is safe
              .tag(CallOptions.class, CallOptions.builder().safeToRepeat(true).operation("order-get").build())
              .build()));
        }
      }
    }
    return out;
  }
}
