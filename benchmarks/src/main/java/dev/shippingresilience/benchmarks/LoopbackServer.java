package dev.shippingresilience.benchmarks;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@code com.sun.net.httpserver} server on a loopback port in the benchmark's own JVM that answers every request
 * with {@link BenchmarkCalls#CLICKPOST_200} and its headers (keep-alive, {@code TCP_NODELAY}). Chosen over WireMock
 * for its lower, steadier per-request cost, so that a client's share is not hidden in server noise; its own
 * allocation and CPU are the same for every client measured against it.
 */
final class LoopbackServer implements AutoCloseable {
  /** The loopback address the server listens on, as a URL host ({@code 127.0.0.1}). */
  static final String HOST = InetAddress.getLoopbackAddress().getHostAddress();

  private final HttpServer server;
  private final ExecutorService threads;

  private LoopbackServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Starts a server whose handlers run on {@code threads} threads. */
  static LoopbackServer start(int threads) throws IOException {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK: every
    // call would take ~40 ms whatever the client does.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      Headers headers = exchange.getResponseHeaders();
      for (String[] h : BenchmarkCalls.HEADERS) {
        headers.set(h[0], h[1]);
      }
      exchange.sendResponseHeaders(200, BenchmarkCalls.CLICKPOST_200.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BenchmarkCalls.CLICKPOST_200);
      }
    });
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    server.setExecutor(pool);
    server.start();
    return new LoopbackServer(server, pool);
  }

  /** The port the server listens on. */
  int port() {
    return server.getAddress().getPort();
  }

  /** The base URL on the loopback address itself, for clients that cannot resolve names to it (the JDK client). */
  String loopbackUrl() {
    return "http://" + HOST + ":" + port();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
