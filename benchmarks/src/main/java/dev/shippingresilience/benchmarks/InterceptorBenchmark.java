package dev.shippingresilience.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the interceptor on a successful call: a Clickpost create-order POST through OkHttp, with and without
 * {@link ShippingInterceptor}, against a loopback {@code com.sun.net.httpserver} server in the same JVM that answers
 * a fixed Clickpost 200 body (chosen over WireMock for its lower, steadier per-request cost, so the interceptor's
 * share is not hidden in server noise). Both variants keep one pooled keep-alive connection. Run with
 * {@code -prof gc} for allocation per call; the server's allocation is in both variants.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// The intercepted path (engine, Resilience4j, Micrometer) needs ~10 s of warm-up on 2 cores to settle.
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InterceptorBenchmark {
  static final byte[] CLICKPOST_200 = ("{\"meta\":{\"message\":\"Order Placed Successfully\",\"status\":200,"
      + "\"success\":true},\"result\":{\"courier_partner_id\":5,\"courier_name\":\"Delhivery\",\"sort_code\":null,"
      + "\"security_key\":\"560fee51-1af3-4d1d-a6e8-0149b0868d38\",\"reference_number\":\"ASDF1234\","
      + "\"waybill\":\"785578015860\",\"label\":\"https://labels.example/785578015860.pdf\"}}")
      .getBytes(StandardCharsets.UTF_8);
  static final String ORDER = "{\"reference_number\":\"ASDF1234\",\"courier_partner\":5,"
      + "\"pickup_info\":{\"pickup_pincode\":\"110001\"},\"drop_info\":{\"drop_pincode\":\"560001\"},"
      + "\"shipment_details\":{\"order_type\":\"PREPAID\",\"items\":[{\"sku\":\"A1\",\"quantity\":1}]}}";

  private HttpServer server;
  private ExecutorService serverThreads;
  private OkHttpClient bare;
  private OkHttpClient intercepted;
  private Request request;

  @Setup(Level.Trial)
  public void start() throws IOException {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK: every
    // call would take ~40 ms whatever the client does.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, CLICKPOST_200.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(CLICKPOST_200);
      }
    });
    serverThreads = Executors.newFixedThreadPool(2);
    server.setExecutor(serverThreads);
    server.start();
    OkHttpClient base = new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .build();
    bare = base;
    intercepted = base.newBuilder()
        .addInterceptor(ShippingInterceptor.of(ShippingPolicies.builder()
            .configureAll(b -> b.meterRegistry(new SimpleMeterRegistry()))
            .build()))
        .build();
    request = new Request.Builder()
        .url("http://www.clickpost.in:" + server.getAddress().getPort()
            + "/api/v3/create-order/?username=bench&key=bench-key")
        .post(RequestBody.create(ORDER, MediaType.get("application/json")))
        .build();
    String check = withInterceptor();
    if (!check.contains("785578015860")) {
      throw new IllegalStateException("unexpected answer: " + check);
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    bare.connectionPool().evictAll();
    intercepted.connectionPool().evictAll();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  /** The baseline: the same call with plain OkHttp. */
  @Benchmark
  public String bare() throws IOException {
    try (Response response = bare.newCall(request).execute()) {
      return response.body().string();
    }
  }

  /** The call through {@code ShippingInterceptor.of(ShippingPolicies)}: snapshot, peek, classify, metrics. */
  @Benchmark
  public String withInterceptor() throws IOException {
    try (Response response = intercepted.newCall(request).execute()) {
      return response.body().string();
    }
  }
}
