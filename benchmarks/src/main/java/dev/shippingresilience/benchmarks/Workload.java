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
 * Abicart {@code Order.get} (JSON-RPC); {@link #allProviders} adds the six providers of issue 17 for the
 * {@code all-providers} schedule. Reference and order numbers are unique per logical call.
 */
final class Workload {
  static final String CLICKPOST = "clickpost";
  static final String AFTERSHIP = "aftership-shipping";
  static final String SEVENTEEN_TRACK = "17track";
  static final String ABICART = "abicart";
  static final String SENDCLOUD = "sendcloud";
  static final String SHIPSTATION = "shipstation";
  static final String EASYPOST = "easypost";
  static final String SHIPPO = "shippo";
  static final String SHIPROCKET = "shiprocket";
  static final String FEDEX = "fedex";
  /** The providers of issue 17, in {@link #allProviders}' order. */
  static final List<String> ADDED_AS_DATA = List.of(SENDCLOUD, SHIPSTATION, EASYPOST, SHIPPO, SHIPROCKET, FEDEX);

  static final int[] COURIERS = {3, 5, 7, 9};
  static final String[] SERVICES = {"fedex_ground", "dhl_express", "ups_standard"};
  static final String[] SENDCLOUD_CARRIERS = {"postnl", "dhl"};
  static final String[] SHIPSTATION_CARRIERS = {"se-1", "se-2"};
  static final String[] SHIPPO_CARRIERS = {"usps", "ups"};

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

  /** Returns {@code calls} logical calls drawn from {@code seed}: the mix of the first four providers. */
  static List<LogicalCall> build(long seed, int calls) {
    Random random = new Random(seed);
    List<LogicalCall> out = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      out.add(firstFour(random, seed, i, random.nextInt(100)));
    }
    return out;
  }

  /**
   * Returns {@code calls} logical calls across all ten built-in providers, drawn from {@code seed}: 40% the first
   * four's mix (in its proportions) and 60% for Sendcloud, ShipStation, EasyPost, Shippo, Shiprocket and FedEx in turn,
   * every request as the provider's docs show it (the demo's requests, see examples' DemoWorkload).
   */
  static List<LogicalCall> allProviders(long seed, int calls) {
    Random random = new Random(seed ^ 0x5EED_A11L);
    List<LogicalCall> out = new ArrayList<>(calls);
    int added = 0;
    for (int i = 0; i < calls; i++) {
      // the six in turn, so that even a short run calls each of them
      out.add(random.nextInt(100) < 40 ? firstFour(random, seed, i, random.nextInt(100))
          : addedAsData(random, seed, i, added++ % ADDED_AS_DATA.size()));
    }
    return out;
  }

  /** One call of the first four providers' mix; {@code pick} (0 to 99) chooses the provider. */
  private static LogicalCall firstFour(Random random, long seed, int i, int pick) {
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
      return new LogicalCall(i, CLICKPOST, Integer.toString(courier), "www.clickpost.in",
          "/api/v3/create-order/?username=bench&key=bench-clickpost-key", Map.of(), body, false);
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
      return new LogicalCall(i, AFTERSHIP, service.substring(0, service.indexOf('_')), "api.aftership.com",
          "/postmen/v3/labels", Map.of("as-api-key", "bench-aftership-key"), body, false);
    } else if (pick < 80) {
      String body = "[{\"number\":\"RR" + seed + "X" + i + "ACN\"},{\"number\":\"RR" + seed + "X" + i + "BCN\"}]";
      return new LogicalCall(i, SEVENTEEN_TRACK, null, "api.17track.net", "/track/v2.2/register",
          Map.of("17token", "bench-17track-key"), body, false);
    } else {
      String body = "{\"jsonrpc\":\"2.0\",\"method\":\"Order.get\",\"id\":" + (i + 1) + ",\"params\":[\""
          + (100_000 + i) + "\",{\"uid\":true,\"totalcost\":true,\"items\":true}]}";
      return new LogicalCall(i, ABICART, null, "admin.abicart.se",
          "/backend/jsonrpc/v1/?webshop=22222&auth=bench-abicart-token", Map.of(), body, true);
    }
  }

  /**
   * One call to the {@code which}th (0 to 5) provider added as data, its request as its docs show it: Sendcloud
   * announces a shipment (one in ten created asynchronously instead, then polled), ShipStation creates a label,
   * EasyPost creates a shipment (its rates) or buys one, Shippo purchases a label, Shiprocket creates an order, FedEx
   * creates a shipment or asks for a rate quote. References are unique per logical call.
   */
  private static LogicalCall addedAsData(Random random, long seed, int i, int which) {
    String ref = "AD-" + seed + "-" + i;
    switch (which) {
      case 0 -> {
        String carrier = SENDCLOUD_CARRIERS[random.nextInt(SENDCLOUD_CARRIERS.length)];
        String path = random.nextInt(10) == 0 ? "/api/v3/shipments" : "/api/v3/shipments/announce";
        String body = "{\"external_reference_id\":\"" + ref + "\",\"to_address\":{\"name\":\"Customer " + i
            + "\",\"address_line_1\":\"Stadhuisplein 10\",\"postal_code\":\"5611 EM\",\"city\":\"Eindhoven\","
            + "\"country_code\":\"NL\"},\"ship_with\":{\"type\":\"shipping_option_code\",\"properties\":"
            + "{\"shipping_option_code\":\"" + carrier + ":standard\"}},\"parcels\":[{\"weight\":{\"value\":1,"
            + "\"unit\":\"kg\"}}]}";
        return new LogicalCall(i, SENDCLOUD, carrier, "panel.sendcloud.sc", path,
            Map.of("Authorization", "Basic YmVuY2gtc2VuZGNsb3VkOmtleQ=="), body, false);
      }
      case 1 -> {
        String carrier = SHIPSTATION_CARRIERS[random.nextInt(SHIPSTATION_CARRIERS.length)];
        String body = "{\"shipment\":{\"carrier_id\":\"" + carrier + "\",\"external_shipment_id\":\"" + ref
            + "\",\"service_code\":\"usps_priority_mail\",\"ship_to\":{\"name\":\"Customer " + i + "\","
            + "\"postal_code\":\"78756\",\"country_code\":\"US\"},\"packages\":[{\"weight\":{\"value\":20,"
            + "\"unit\":\"ounce\"}}]}}";
        return new LogicalCall(i, SHIPSTATION, carrier, "api.shipengine.com", "/v1/labels",
            Map.of("API-Key", "bench-shipstation-key"), body, false);
      }
      case 2 -> {
        Map<String, String> auth = Map.of("Authorization", "Bearer bench-easypost-key");
        if (random.nextBoolean()) {
          return new LogicalCall(i, EASYPOST, null, "api.easypost.com", "/v2/shipments",
              auth, "{\"shipment\":{\"reference\":\"" + ref + "\"}}", false);
        }
        return new LogicalCall(i, EASYPOST, null, "api.easypost.com", "/v2/shipments/shp_" + ref + "/buy",
            auth, "{\"rate\":{\"id\":\"rate_usps\"}}", false);
      }
      case 3 -> {
        String carrier = SHIPPO_CARRIERS[random.nextInt(SHIPPO_CARRIERS.length)];
        return new LogicalCall(i, SHIPPO, carrier, "api.goshippo.com", "/transactions",
            Map.of("Authorization", "ShippoToken bench-shippo-key"), "{\"rate\":\"ee81fab0372e419ab52245c8952ccaeb\","
                + "\"label_file_type\":\"PDF\",\"async\":false,\"metadata\":\"" + ref + "\",\"carrier\":\""
                + carrier + "\"}", false);
      }
      case 4 -> {
        String body = "{\"order_id\":\"" + ref + "\",\"order_date\":\"2026-12-01 10:00\","
            + "\"pickup_location\":\"Primary\",\"billing_customer_name\":\"Customer " + i + "\","
            + "\"billing_pincode\":\"110001\",\"payment_method\":\"Prepaid\",\"sub_total\":500,\"length\":10,"
            + "\"breadth\":10,\"height\":10,\"weight\":0.5}";
        return new LogicalCall(i, SHIPROCKET, null, "apiv2.shiprocket.in", "/v1/external/orders/create/adhoc",
            Map.of("Authorization", "Bearer bench-shiprocket-token"), body, false);
      }
      default -> {
        Map<String, String> auth = Map.of("Authorization", "Bearer bench-fedex-token");
        String shipment = "\"requestedShipment\":{\"shipper\":{\"contact\":{\"personName\":\"SHIPPER " + ref
            + "\"}},\"serviceType\":\"FEDEX_GROUND\",\"packagingType\":\"YOUR_PACKAGING\","
            + "\"requestedPackageLineItems\":[{\"weight\":{\"units\":\"LB\",\"value\":10}}]}";
        if (random.nextBoolean()) {
          return new LogicalCall(i, FEDEX, null, "apis.fedex.com", "/rate/v1/rates/quotes", auth,
              "{\"accountNumber\":{\"value\":\"740561073\"}," + shipment + "}", false);
        }
        return new LogicalCall(i, FEDEX, null, "apis.fedex.com", "/ship/v1/shipments", auth,
            "{\"accountNumber\":{\"value\":\"740561073\"},\"labelResponseOptions\":\"URL_ONLY\"," + shipment
                + "}", false);
      }
    }
  }
}
