package dev.shippingresilience.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shippingresilience.RequestSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * Response bodies for {@link ClassifierBenchmark}, shaped like the providers' own (the core test fixtures) and padded
 * with realistic fields. {@code typical}: 1-4 KiB, in the provider's usual member order. {@code large}: just under
 * the 64 KiB peek limit, with the code member written <em>last</em> (a big {@code result} / {@code data} before
 * {@code meta} / {@code code}), so a reader has to get through the whole body to find it.
 */
final class BenchmarkBodies {
  static final int TYPICAL_MIN = 1024;
  static final int TYPICAL_MAX = 4096;
  /** Large bodies stay below the default peek limit (65,536 bytes) so the code is still read. */
  static final int LARGE_MAX = 65_536;
  static final int LARGE_MIN = 60_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchmarkBodies() {}

  /** Returns the request the body answers. */
  static RequestSnapshot request(String provider) {
    return switch (provider) {
      case "clickpost" -> RequestSnapshot.of("POST",
          "https://www.clickpost.in/api/v3/create-order/?username=u&key=k");
      case "aftership-shipping" -> RequestSnapshot.of("POST", "https://api.aftership.com/postmen/v3/labels");
      case "17track" -> RequestSnapshot.of("POST", "https://api.17track.net/track/v2.2/gettrackinfo");
      case "abicart" -> RequestSnapshot.of("POST", "https://admin.abicart.se/backend/jsonrpc/v1/?webshop=1");
      default -> throw new IllegalArgumentException("unknown provider " + provider);
    };
  }

  /** Returns the JSON Pointer of the provider's code (or success member) for the Jackson baseline. */
  static String codePointer(String provider) {
    return switch (provider) {
      case "clickpost" -> "/meta/status";
      case "aftership-shipping" -> "/meta/code";
      case "17track" -> "/code";
      case "abicart" -> "/result";
      default -> throw new IllegalArgumentException("unknown provider " + provider);
    };
  }

  /** Returns the body for {@code provider} and {@code size} ({@code typical} or {@code large}). */
  static byte[] body(String provider, String size) {
    boolean large = switch (size) {
      case "typical" -> false;
      case "large" -> true;
      default -> throw new IllegalArgumentException("unknown size " + size);
    };
    int min = large ? LARGE_MIN : TYPICAL_MIN + 512;
    int max = large ? LARGE_MAX : TYPICAL_MAX;
    byte[] body = switch (provider) {
      case "clickpost" -> clickpost(large, min);
      case "aftership-shipping" -> aftership(large, min);
      case "17track" -> seventeenTrack(large, min);
      case "abicart" -> abicart(large, min);
      default -> throw new IllegalArgumentException("unknown provider " + provider);
    };
    if (body.length < (large ? LARGE_MIN : TYPICAL_MIN) || body.length > max) {
      throw new IllegalStateException(provider + " " + size + " body is " + body.length + " bytes");
    }
    return body;
  }

  /** Adds elements with {@code add} until {@code root} serializes to at least {@code min} bytes. */
  private static byte[] grow(ObjectNode root, int min, IntConsumer add) {
    for (int i = 0; ; i++) {
      byte[] bytes = bytes(root);
      if (bytes.length >= min) {
        return bytes;
      }
      add.accept(i);
    }
  }

  private static byte[] bytes(ObjectNode root) {
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode clickpostMeta() {
    return JSON.createObjectNode().put("message", "Order Placed Successfully").put("status", 200)
        .put("success", true);
  }

  private static byte[] clickpost(boolean large, int min) {
    ObjectNode root = JSON.createObjectNode();
    if (!large) {
      root.set("meta", clickpostMeta());
    }
    ObjectNode result = root.putObject("result");
    result.put("courier_partner_id", 1).put("courier_name", "Fedex").putNull("sort_code")
        .put("security_key", "560fee51-1af3-4d1d-a6e8-0149b0868d38").put("reference_number", "ASDF1234")
        .put("waybill", "785578015860").put("routing_code", "DEL/BLR/560001")
        .put("label", "https://pyck-res-bucket.s3.amazonaws.com:443/fedex/2017-02-11/785578015860.pdf");
    result.putObject("pickup_info").put("name", "Warehouse 1").put("address", "Plot 12, Sector 18, Udyog Vihar")
        .put("city", "Gurgaon").put("state", "Haryana").put("pincode", "122015").put("phone", "9999999999");
    result.putObject("drop_info").put("name", "A. Customer").put("address", "221 MG Road, Indiranagar")
        .put("city", "Bengaluru").put("state", "Karnataka").put("pincode", "560038").put("phone", "8888888888");
    ArrayNode items = result.putArray("items");
    byte[] bytes = grow(root, min, i -> items.addObject().put("sku", "SKU-" + (1000 + i))
        .put("description", "Cotton crew-neck T-shirt, size " + "SMLX".charAt(i % 4) + ", colour navy")
        .put("quantity", 1 + i % 3).put("price", 499 + i).put("hsn_code", "61091000")
        .put("image_url", "https://cdn.example.in/catalogue/sku-" + (1000 + i) + ".jpg"));
    if (!large) {
      return bytes;
    }
    root.set("meta", clickpostMeta());
    return bytes(root);
  }

  private static ObjectNode aftershipMeta() {
    ObjectNode meta = JSON.createObjectNode().put("code", 200).put("message", "OK");
    meta.putArray("details");
    return meta;
  }

  private static byte[] aftership(boolean large, int min) {
    ObjectNode root = JSON.createObjectNode();
    if (!large) {
      root.set("meta", aftershipMeta());
    }
    ObjectNode data = root.putObject("data");
    data.put("id", "3318b97b-150f-4205-840d-a6d966b9e0ea").put("status", "created");
    data.putArray("tracking_numbers").add("3884930103");
    ObjectNode files = data.putObject("files");
    files.putObject("label").put("paper_size", "4x8")
        .put("url", "https://sandbox-download.postmen.com/label/2015-11-27/x.pdf").put("file_type", "pdf");
    files.putNull("invoice").putNull("customs_declaration").putNull("manifest");
    ObjectNode rate = data.putObject("rate");
    rate.putObject("charge_weight").put("value", 3.307).put("unit", "lb");
    rate.putObject("total_charge").put("amount", 42.17).put("currency", "USD");
    rate.putObject("shipper_account").put("id", "00000000-0000-0000-0000-000000000000").put("slug", "dhl")
        .put("description", "DHL Sandbox");
    rate.put("service_type", "dhl_express_0900").put("service_name", "DHL Express 0900").putNull("error_message")
        .putNull("info_message");
    data.put("created_at", "2015-09-09T07:54:13.024Z").put("updated_at", "2015-09-09T07:54:24.569Z")
        .put("ship_date", "2015-09-09");
    ArrayNode parcels = data.putObject("shipment").putArray("parcels");
    byte[] bytes = grow(root, min, i -> {
      ObjectNode parcel = parcels.addObject().put("box_type", "custom").put("description", "Parcel " + (i + 1));
      parcel.putObject("weight").put("value", 1.5 + i % 5).put("unit", "kg");
      parcel.putObject("dimension").put("width", 20).put("height", 10).put("depth", 15).put("unit", "cm");
      parcel.putArray("items").addObject().put("description", "Running shoes, model " + (700 + i))
          .put("quantity", 1).put("sku", "RS-" + (700 + i)).put("hs_code", "640411").put("origin_country", "VNM")
          .putObject("price").put("amount", 80 + i % 20).put("currency", "USD");
    });
    if (!large) {
      return bytes;
    }
    root.set("meta", aftershipMeta());
    return bytes(root);
  }

  private static byte[] seventeenTrack(boolean large, int min) {
    ObjectNode root = JSON.createObjectNode();
    if (!large) {
      root.put("code", 0);
    }
    ObjectNode data = root.putObject("data");
    ArrayNode accepted = data.putArray("accepted");
    data.putArray("rejected").addObject().put("number", "RR123456789CN").putObject("error")
        .put("code", -18019909).put("message", "No tracking information at this time.");
    // at most 40 numbers per request: a large body has fewer numbers with longer event histories
    int events = large ? 14 : 2;
    byte[] bytes = grow(root, min, i -> {
      ObjectNode item = accepted.addObject().put("number", "LZ" + (123456789 + i) + "CN").put("carrier", 3011);
      ObjectNode info = item.putObject("track_info");
      info.putObject("latest_status").put("status", "InTransit").put("sub_status", "InTransit_Other");
      ArrayNode list = info.putObject("tracking").putArray("providers").addObject().putArray("events");
      for (int e = 0; e < events; e++) {
        list.addObject().put("time_iso", "2024-03-" + (10 + e % 18) + "T08:1" + (e % 10) + ":00+08:00")
            .put("description", "Departed from sorting center, next stop " + (e % 2 == 0 ? "hub" : "airport"))
            .put("location", "SHENZHEN, GUANGDONG").put("stage", "InTransit");
      }
    });
    if (accepted.size() > 40) {
      throw new IllegalStateException("17TRACK answers at most 40 numbers, built " + accepted.size());
    }
    if (!large) {
      return bytes;
    }
    root.put("code", 0);
    return bytes(root);
  }

  private static byte[] abicart(boolean large, int min) {
    ObjectNode root = JSON.createObjectNode().put("jsonrpc", "2.0");
    if (!large) {
      root.put("id", 1);
    }
    ObjectNode result = root.putObject("result");
    result.put("uid", 100234).put("ordered", "2024-03-11T10:22:31+01:00").put("currency", "SEK");
    result.putObject("totalcost").put("incVat", 1250).put("exVat", 1000).put("vat", 250).put("vatRate", 0.25)
        .put("currency", "SEK");
    result.putObject("customer").put("uid", 555).putObject("info").put("firstName", "Anna").put("lastName", "Berg")
        .put("email", "anna@example.se").put("address", "Storgatan 1").put("zipcode", "11122")
        .put("city", "Stockholm").put("country", "SE");
    ArrayNode rows = result.putArray("items");
    byte[] bytes = grow(root, min, i -> {
      ObjectNode row = rows.addObject().put("uid", 9000 + i).put("article", 4000 + i)
          .put("articleNumber", "ART-" + (4000 + i)).put("choices", "size=M;colour=blue").put("quantity", 1 + i % 2);
      row.putObject("name").put("sv", "Ulltröja, stickad").put("en", "Knitted wool sweater");
      row.putObject("costs").put("incVat", 625).put("exVat", 500).put("vat", 125);
    });
    if (!large) {
      return bytes;
    }
    root.put("id", 1);
    return bytes(root);
  }
}
