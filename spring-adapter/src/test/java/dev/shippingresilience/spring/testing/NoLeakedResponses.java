package dev.shippingresilience.spring.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test, checks that every transport the test {@linkplain #watch watched} closed each response it opened.
 * Register it as a static field ({@code @RegisterExtension static final NoLeakedResponses responses = new
 * NoLeakedResponses();}) so that {@code @Nested} classes share it.
 */
public final class NoLeakedResponses implements AfterEachCallback {
  private final List<CountingRequestFactory> transports = new CopyOnWriteArrayList<>();

  /** Returns {@code transport}, to be checked after the test. */
  public CountingRequestFactory watch(CountingRequestFactory transport) {
    transports.add(transport);
    return transport;
  }

  /** Returns a watched counting factory over a fresh JDK HttpClient ({@link Clients#jdk()}). */
  public CountingRequestFactory jdk() {
    return watch(Clients.jdk());
  }

  /** Checks every watched transport now, then forgets them. */
  public void check() {
    try {
      for (CountingRequestFactory transport : transports) {
        assertThat(transport.leaked()).as("transport responses opened and never closed").isZero();
      }
    } finally {
      transports.clear();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check();
  }
}
