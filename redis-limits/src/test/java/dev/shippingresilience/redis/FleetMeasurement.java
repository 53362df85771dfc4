package dev.shippingresilience.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.ShippingListener;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures the requests per second reaching a provider from N engine instances on one account, shared through
 * Redis versus per-process limits; prints the table of docs/performance.md. Off by default (about 10 s per row):
 * {@code mvn -B -pl redis-limits verify -Dtest=FleetMeasurement -Dshipres.measure=true}.
 */
@EnabledIfSystemProperty(named = "shipres.measure", matches = "true")
class FleetMeasurement {
  static final int RATE = 10;
  static final Duration WINDOW = Duration.ofSeconds(Long.getLong("shipres.measure.window", 5));
  static final int THREADS = 2;

  @Test
  void measure() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      WireMockServer provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
          .containerThreads(60));
      provider.start();
      provider.stubFor(get(urlPathMatching("/v1/.*")).willReturn(aResponse().withStatus(200).withBody("{}")));
      StringBuilder table = new StringBuilder()
          .append("| instances | limits | requests in ").append(WINDOW.toSeconds()).append(" s | req/s overall")
          .append(" | req/s after the first second |\n|---:|---|---:|---:|---:|\n");
      try {
        for (int n : new int[] {1, 2, 4, 8}) {
          for (boolean shared : new boolean[] {true, false}) {
            String account = "acct-" + UUID.randomUUID();
            String phase = n + (shared ? "-shared" : "-local");
            List<ShippingPolicy> instances = new ArrayList<>();
            List<RedisSharedLimits> limits = new ArrayList<>();
            for (int i = 0; i < n; i++) {
              RedisSharedLimits l = shared ? RedisSharedLimits.builder().uri(redis.uri()).build() : null;
              if (l != null) {
                limits.add(l);
              }
              instances.add(Fleet.instance(account, RATE, Duration.ofSeconds(1), l, ShippingListener.NONE));
            }
            URI target = URI.create(provider.baseUrl() + "/v1/" + phase);
            Instant start = Instant.now();
            Fleet.hammer(instances, THREADS, target, start.plus(WINDOW));
            limits.forEach(RedisSharedLimits::close);
            List<LoggedRequest> reached = provider.findAll(getRequestedFor(urlPathEqualTo("/v1/" + phase)));
            long afterFirst = reached.stream()
                .filter(r -> !r.getLoggedDate().toInstant().isBefore(start.plusSeconds(1))).count();
            table.append(String.format("| %d | %s | %d | %.1f | %.1f |%n", n, shared ? "shared (Redis)" : "per-process",
                reached.size(), reached.size() / (double) WINDOW.toSeconds(),
                afterFirst / (double) (WINDOW.toSeconds() - 1)));
          }
        }
      } finally {
        provider.stop();
      }
      System.out.println("Account rate " + RATE + "/s, " + THREADS + " callers per instance, window " + WINDOW);
      System.out.print(table);
    }
  }
}
