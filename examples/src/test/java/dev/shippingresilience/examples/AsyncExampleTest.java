package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** docs/async.md quotes AsyncExample, which compiles with the build and runs here against a loopback server. */
class AsyncExampleTest {
  @Test
  void asyncGuideQuotesTheCompiledExample() throws IOException {
    String snippet = ReadmeExampleTest.snippet("src/main/java/dev/shippingresilience/examples/AsyncExample.java",
        "docs");
    String guide = Files.readString(Path.of("..", "docs", "async.md"), StandardCharsets.UTF_8);
    assertThat(guide).as("docs/async.md must quote AsyncExample between its docs markers verbatim")
        .contains("```java\n" + snippet + "\n```");
    assertThat(snippet.lines().count()).as("the guide's example stays under 15 lines").isLessThan(15);
  }

  @Test
  void clickpostOrderIsPolledWithoutAThreadUntilAlreadyPlaced() throws Exception {
    // given: Clickpost answering "processing" twice, then "already placed"
    List<String> answered = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v3/create-order/", exchange -> {
      int status = answered.size() < 2 ? 102 : 323;
      answered.add(exchange.getRequestMethod() + " " + status);
      byte[] body = ("{\"meta\":{\"status\":" + status + ",\"message\":\"m\"},\"result\":{\"waybill\":\"W1\"}}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    // polls 1 ns apart: scheduled on the default scheduler, never slept
    ShippingPolicy clickpost = ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost"))
        .meterRegistry(new SimpleMeterRegistry()).pollInterval(Duration.ofNanos(1)).build();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort()
        + "/api/v3/create-order/?username=u&key=K");
    try {
      // when
      String order = AsyncExample.createOrder(HttpClient.newHttpClient(), clickpost, url,
          "{\"reference_number\":\"R1\"}".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);

      // then
      assertThat(order).contains("\"status\":323").contains("W1");
      assertThat(answered).containsExactly("POST 102", "POST 102", "POST 323");
    } finally {
      server.stop(0);
    }
  }
}
