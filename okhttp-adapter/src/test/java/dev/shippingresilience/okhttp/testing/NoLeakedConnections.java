package dev.shippingresilience.okhttp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test, checks that no connection of any client the test {@linkplain #watch watched} is still in use (a
 * response was not closed), then evicts the clients' pools and shuts their dispatchers down. Register it as a static
 * field ({@code @RegisterExtension static final NoLeakedConnections connections = new NoLeakedConnections();}) so
 * that {@code @Nested} classes share it.
 */
public final class NoLeakedConnections implements AfterEachCallback {
  private final List<OkHttpClient> clients = new CopyOnWriteArrayList<>();

  /** Returns {@code client}, to be checked and shut down after the test. */
  public OkHttpClient watch(OkHttpClient client) {
    clients.add(client);
    return client;
  }

  /** Checks every watched client now, then shuts them all down and forgets them. */
  public void check() {
    try {
      for (OkHttpClient client : clients) {
        assertThat(client.connectionPool().connectionCount())
            .as("connections still in use after the test (a response was not closed)")
            .isEqualTo(client.connectionPool().idleConnectionCount());
      }
    } finally {
      for (OkHttpClient client : clients) {
        client.connectionPool().evictAll();
        client.dispatcher().executorService().shutdown();
      }
      clients.clear();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check();
  }
}
