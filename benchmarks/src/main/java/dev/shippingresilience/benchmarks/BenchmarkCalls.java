package dev.shippingresilience.benchmarks;

import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The one call every interceptor benchmark makes: a successful Clickpost call, either a create-order POST or the
 * fetch of that order (GET), answered by the same Clickpost 200 body and headers, whether the answer comes from
 * {@link LoopbackServer} or from {@link #CANNED} without any network.
 */
final class BenchmarkCalls {
  /** The Clickpost create-order answer (1 courier, waybill and label). */
  static final byte[] CLICKPOST_200 = ("{\"meta\":{\"message\":\"Order Placed Successfully\",\"status\":200,"
      + "\"success\":true},\"result\":{\"courier_partner_id\":5,\"courier_name\":\"Delhivery\",\"sort_code\":null,"
      + "\"security_key\":\"560fee51-1af3-4d1d-a6e8-0149b0868d38\",\"reference_number\":\"ASDF1234\","
      + "\"waybill\":\"785578015860\",\"label\":\"https://labels.example/785578015860.pdf\"}}")
      .getBytes(StandardCharsets.UTF_8);
  /** The create-order request body. */
  static final String ORDER = "{\"reference_number\":\"ASDF1234\",\"courier_partner\":5,"
      + "\"pickup_info\":{\"pickup_pincode\":\"110001\"},\"drop_info\":{\"drop_pincode\":\"560001\"},"
      + "\"shipment_details\":{\"order_type\":\"PREPAID\",\"items\":[{\"sku\":\"A1\",\"quantity\":1}]}}";
  /**
   * The answer's headers besides those the server writes itself ({@code Date}, {@code Content-Length}): what an API
   * behind a CDN typically sends, so that copying headers costs what it costs in production.
   */
  static final List<String[]> HEADERS = List.of(
      new String[] {"Content-Type", "application/json"},
      new String[] {"Server", "nginx"},
      new String[] {"Vary", "Accept-Encoding"},
      new String[] {"Cache-Control", "no-store"},
      new String[] {"X-Request-Id", "0f6a4a7e-5d1c-4b4e-9f0e-2b7c3d1a9e55"},
      new String[] {"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
      new String[] {"X-Frame-Options", "DENY"},
      new String[] {"X-Content-Type-Options", "nosniff"},
      new String[] {"Referrer-Policy", "same-origin"});
  /** What a successful answer contains (the waybill), checked once in each benchmark's setup. */
  static final String EXPECTED = "785578015860";

  private static final MediaType JSON = MediaType.get("application/json");
  private static final Headers CANNED_HEADERS = cannedHeaders();

  /**
   * An application interceptor that answers every request with the Clickpost 200 without sending anything: the
   * last interceptor of a no-network client, so a benchmark measures the client's own CPU without loopback noise.
   */
  static final okhttp3.Interceptor CANNED = chain -> new Response.Builder()
      .request(chain.request())
      .protocol(Protocol.HTTP_1_1)
      .code(200)
      .message("OK")
      .headers(CANNED_HEADERS)
      .body(ResponseBody.create(CLICKPOST_200, JSON))
      .build();

  private BenchmarkCalls() {}

  /** The path and query of the call: create-order for a POST, the same order's fetch for a GET. */
  static String pathAndQuery(String method) {
    return "POST".equals(method)
        ? "/api/v3/create-order/?username=bench&key=bench-key"
        : "/api/v3/create-order/?username=bench&key=bench-key&reference_number=ASDF1234";
  }

  /** The OkHttp request to {@code www.clickpost.in:port} ({@link #client()} resolves it to loopback). */
  static Request request(String method, int port) {
    Request.Builder b = new Request.Builder().url("http://www.clickpost.in:" + port + pathAndQuery(method));
    return "POST".equals(method) ? b.post(RequestBody.create(ORDER, JSON)).build() : b.get().build();
  }

  /**
   * A client whose host names all resolve to loopback, with room for 16 idle keep-alive connections (so that 8
   * calling threads never close and reopen connections).
   */
  static OkHttpClient client() {
    return new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .connectionPool(new ConnectionPool(16, 5, TimeUnit.MINUTES))
        .build();
  }

  /** The library's policies as a user builds them: the built-in profiles and defaults, meters in memory. */
  static ShippingPolicies policies() {
    return ShippingPolicies.builder()
        .configureAll(b -> b.meterRegistry(new SimpleMeterRegistry()))
        .build();
  }

  /** {@code ShippingInterceptor.of(ShippingPolicies)} over {@link #policies()}. */
  static ShippingInterceptor shippingInterceptor() {
    return ShippingInterceptor.of(policies());
  }

  /** Sends {@code request} and reads the whole body, as a caller does. */
  static String execute(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      return response.body().string();
    }
  }

  /** Throws unless {@code answer} is the successful body: a benchmark that measured an error would mislead. */
  static <T> T check(String variant, T answer) {
    if (!String.valueOf(answer).contains(EXPECTED)) {
      throw new IllegalStateException(variant + ": unexpected answer " + answer);
    }
    return answer;
  }

  private static Headers cannedHeaders() {
    Headers.Builder b = new Headers.Builder();
    for (String[] h : HEADERS) {
      b.add(h[0], h[1]);
    }
    return b.add("Content-Length", String.valueOf(CLICKPOST_200.length))
        .add("Date", "Tue, 01 Dec 2026 13:30:00 GMT")
        .build();
  }
}
