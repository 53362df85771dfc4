package dev.shippingresilience.benchmarks;

import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One client strategy of the scorecard: an OkHttp client (hosts resolved to the simulator on loopback) and the
 * way it runs one logical call. A fresh instance per run, so no breaker or budget state leaks between runs.
 */
interface Strategy extends AutoCloseable {
  /** Returns the strategy's short name for the table. */
  String name();

  /** Returns the settings, printed with the scorecard. */
  String settings();

  /**
   * Runs one logical call to its end and returns the final response, fully read.
   *
   * @throws Exception when the strategy ends the call with an exception (I/O failure, open breaker, ...)
   */
  FinalResponse execute(Request request) throws Exception;

  /** Releases the client's connections and threads. */
  @Override
  void close();

  /**
   * A final response, fully read, with the request that produced it (for the library, the last poll).
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @param body the body bytes
   * @param method the method of the request that got this response
   * @param uri the URL of the request that got this response
   */
  record FinalResponse(int status, HeaderValues headers, byte[] body, String method, URI uri) {}

  /**
   * Returns a client builder every strategy starts from: loopback DNS, no silent OkHttp retries, and
   * {@code listener} watching its requests (the scorecard's {@link RequestLog}, or {@link EventListener#NONE}).
   */
  static OkHttpClient.Builder baseClient(EventListener listener) {
    return new OkHttpClient.Builder()
        .dns(SimulatedProvider::loopback)
        .eventListener(listener)
        // Keeps OkHttp's own silent re-send out of every column: only the strategy decides what is repeated.
        .retryOnConnectionFailure(false)
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5));
  }

  /** Sends {@code request} once through {@code client} and reads the whole response. */
  static FinalResponse send(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      byte[] body = response.body().bytes();
      return new FinalResponse(response.code(), HeaderValues.of(response.headers().toMultimap()), body,
          response.request().method(), response.request().url().uri());
    }
  }

  /** Evicts the pool and stops the dispatcher of {@code client}. */
  static void release(OkHttpClient client) {
    client.connectionPool().evictAll();
    client.dispatcher().executorService().shutdown();
  }
}
