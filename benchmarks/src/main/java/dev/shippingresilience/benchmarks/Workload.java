package dev.shippingresilience.benchmarks;

import dev.shippingresilience.CallOptions;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;

/**
 * The scorecard's workload: a seeded, port-independent list of logical calls (the same list for every strategy of
 * a schedule, so every strategy meets the same faults on the same calls). Mix: 40% Clickpost create-order over four
 * couriers, 30% AfterShip Shipping create-label over three services, 10% 17TRACK register (two new numbers), 20%
 * Abicart {@code Order.get} (JSON-RPC). Reference and order numbers are unique per logical call.
 */
final class Workload {
  static final String CLICKPOST = "clickpost";
  static final String AFTERSHIP = "aftership-shipping";
  static final String SEVENTEEN_TRACK = "17track";
  static final String ABICART = "abicart";

  static final int[] COURIERS = {3, 5, 7, 9};
  static final String[] SERVICES = {"fedex_ground", "dhl_express", "ups_standard"};

  private static final MediaType JSON = MediaType.get("application/json");

  /**
   * One logical call, independent of the simulator's port.
   *
   * @param index the call's position in the arrival order, from 0
   * @param provider the provider id
   * @param carrier the courier / slug behind an aggregator, or {@code null}
   * @param host the provider's real host name
   * @param pathAndQuery the path and query
   * @param headers the request headers (API keys where the provider expects them)
   * @param body the JSON body
   * @param safeToRepeat whether the caller vouches the POST is a read (Abicart {@code Order.get})
   */
  record LogicalCall(int index, String provider, @Nullable String carrier, String host, String pathAndQuery,
      Map<String, String> headers, String body, boolean safeToRepeat) {

    /** Returns the outage targets this call belongs to: its provider and, if any, {@code provider:carrier}. */
    Set<String> targets() {
      return carrier == null ? Set.of(provider) : Set.of(provider, provider + ":" + carrier);
    }

    /** Returns the OkHttp request against {@code sim}. */
    Request toRequest(SimulatedProvider sim) {
      Request.Builder b = new Request.Builder().url(sim.url(host, pathAndQuery))
          .post(RequestBody.create(body, JSON));
      headers.forEach(b::header);
      if (safeToRepeat) {
        // Ignored by the strategies without the library: only the ShippingInterceptor reads request tags.
        b.tag(CallOptions.class, CallOptions.builder().safeToRepeat(true).build());
      }
      return b.build();
    }
  }

  private Workload() {}

  /** Returns {@code calls} logical calls drawn from {@code seed}. */
  static List<LogicalCall> build(long seed, int calls) {
    Random random = new Random(seed);
    List<LogicalCall> out = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      int pick = random.nextInt(100);
      if (pick < 40) {
        int courier = COURIERS[random.nextInt(COURIERS.length)];
        String ref = "CP-" + seed + "-" + i;
        String body = "{\"pickup_info\":{\"pickup_name\":\"Warehouse 1\",\"pickup_pincode\":\"110001\","
            + "\"pickup_city\":\"New Delhi\",\"pickup_phone\":\"9999999999\"},"
            + "\"drop_info\":{\"drop_name\":\"Customer " + i + "\",\"drop_pincode\":\"560001\","
            + "\"drop_city\":\"Bengaluru\",\"drop_phone\":\"8888888888\"},"
            + "\"shipment_details\":{\"order_type\":\"PREPAID\",\"invoice_value\":1299,\"weight\":500,"
            + "\"length\":10,\"breadth\":10,\"height\":10,\"items\":[{\"sku\":\"SKU-" + (i % 17) + "\","
            + "\"description\":\"T-shirt\",\"quantity\":1,\"price\":1299}],\"cod_value\":0},"
            + "\"reference_number\":\"" + ref + "\",\"courier_partner\":" + courier + "}";
        out.add(new LogicalCall(i, CLICKPOST, Integer.toString(courier), "www.clickpost.in",
            "/api/v3/create-order/?username=bench&key=bench-clickpost-key", Map.of(), body, false));
      } else if (pick < 70) {
        String service = SERVICES[random.nextInt(SERVICES.length)];
        String order = "AS-" + seed + "-" + i;
        String body = "{\"async\":false,\"return_shipment\":false,\"paper_size\":\"4x6\",\"service_type\":\""
            + service + "\",\"order_number\":\"" + order + "\",\"shipper_account\":{\"id\":\"acc-bench-1\"},"
            + "\"shipment\":{\"ship_from\":{\"contact_name\":\"Warehouse\",\"street1\":\"1 Main St\","
            + "\"city\":\"Portland\",\"state\":\"OR\",\"postal_code\":\"97201\",\"country\":\"USA\"},"
            + "\"ship_to\":{\"contact_name\":\"Customer " + i + "\",\"street1\":\"2 Side St\",\"city\":\"Austin\","
            + "\"state\":\"TX\",\"postal_code\":\"73301\",\"country\":\"USA\"},\"parcels\":[{\"box_type\":"
            + "\"custom\",\"weight\":{\"value\":1.5,\"unit\":\"kg\"},\"dimension\":{\"width\":20,\"height\":10,"
            + "\"depth\":15,\"unit\":\"cm\"},\"items\":[{\"description\":\"Shoes\",\"quantity\":1,"
            + "\"price\":{\"amount\":80,\"currency\":\"USD\"},\"weight\":{\"value\":1.2,\"unit\":\"kg\"}}]}]}}";
        out.add(new LogicalCall(i, AFTERSHIP, service.substring(0, service.indexOf('_')), "api.aftership.com",
            "/postmen/v3/labels", Map.of("as-api-key", "bench-aftership-key"), body, false));
      } else if (pick < 80) {
        String body = "[{\"number\":\"RR" + seed + "X" + i + "ACN\"},{\"number\":\"RR" + seed + "X" + i + "BCN\"}]";
        out.add(new LogicalCall(i, SEVENTEEN_TRACK, null, "api.17track.net", "/track/v2.2/register",
            Map.of("17token", "bench-17track-key"), body, false));
      } else {
        String body = "{\"jsonrpc\":\"2.0\",\"method\":\"Order.get\",\"id\":" + (i + 1) + ",\"params\":[\""
            + (100_000 + i) + "\",{\"uid\":true,\"totalcost\":true,\"items\":true}]}";
        out.add(new LogicalCall(i, ABICART, null, "admin.abicart.se",
            "/backend/jsonrpc/v1/?webshop=22222&auth=bench-abicart-token", Map.of(), body, true));
      }
    }
    return out;
  }
}
