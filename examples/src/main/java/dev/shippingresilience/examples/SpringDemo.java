package dev.shippingresilience.examples;

import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.simulator.SimulatedProvider;
import dev.shippingresilience.spring.ShippingRequestAttributes;
import dev.shippingresilience.spring.ShippingResilienceCustomizer;
import dev.shippingresilience.spring.ShippingResilienceInterceptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.VersionInfo;
import org.springframework.core.SpringVersion;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * The demo's {@code --spring} client: Spring's {@link RestClient} with the Spring adapter
 * ({@link ShippingResilienceCustomizer}), on Apache HttpClient 5 with every host resolved to the simulator. Plain
 * Spring Framework: no application context is started.
 */
final class SpringDemo implements DemoClient {
  private static final MediaType JSON = MediaType.parseMediaType(DemoWorkload.JSON);

  private final PoolingHttpClientConnectionManager pool;
  private final CloseableHttpClient http;
  private final RestClient client;

  SpringDemo(ShippingPolicies policies) {
    this.pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setDnsResolver(new LoopbackDns())
        // the defaults (5 per host, 25 in all) would make the demo's workers queue for a connection
        .setMaxConnPerRoute(32)
        .setMaxConnTotal(128)
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(5, TimeUnit.SECONDS)
            .setSocketTimeout(5, TimeUnit.SECONDS)
            // with automatic retries off, a pooled connection the server closed must be caught before a POST
            .setValidateAfterInactivity(500, TimeUnit.MILLISECONDS)
            .build())
        .build();
    this.http = HttpClients.custom()
        .setConnectionManager(pool)
        // Its default strategy re-sends idempotent requests after an I/O error, and ANY request with a repeatable
        // body (a POST from RestClient included) once on a 429 or 503, hidden from the engine. The library decides
        // every repetition.
        .disableAutomaticRetries()
        .build();
    this.client = RestClient.builder()
        .requestFactory(new HttpComponentsClientHttpRequestFactory(http))
        .apply(new ShippingResilienceCustomizer(ShippingResilienceInterceptor.of(policies)))
        .build();
  }

  @Override
  public String description() {
    // Spring reads its version from its jar's manifest, which the shaded jar does not keep.
    String spring = SpringVersion.getVersion();
    VersionInfo httpClient = VersionInfo.loadVersionInfo("org.apache.hc.client5", HttpClients.class.getClassLoader());
    return "Spring RestClient " + (spring == null ? "" : spring + " ") + "on Apache HttpClient "
        + (httpClient == null ? "5" : httpClient.getRelease());
  }

  @Override
  public FinalResponse send(DemoWorkload.HttpCall call) throws IOException {
    try {
      return client.method(HttpMethod.valueOf(call.method()))
          .uri(URI.create(call.url()))
          .headers(headers -> call.headers().forEach(headers::set))
          .contentType(JSON)
          .attributes(attributes -> {
            if (call.options() != null) {
              attributes.put(ShippingRequestAttributes.CALL_OPTIONS, call.options());
            }
          })
          .body(call.body())
          // exchange: a 4xx/5xx final response is returned as it is, not thrown; `true` closes it afterwards
          .exchangeForRequiredValue((request, response) -> {
            response.getBody().readAllBytes();
            return new FinalResponse(response.getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER),
                "true".equals(response.getHeaders().getFirst(ShippingResilienceInterceptor.DUPLICATE_HEADER)));
          }, true);
    } catch (ResourceAccessException e) {
      // RestClient wraps every IOException, the engine's ShippingCallExceptions included
      if (e.getCause() instanceof IOException cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public boolean leaked() {
    return pool.getTotalStats().getLeased() != 0;
  }

  @Override
  public void close() {
    http.close(CloseMode.GRACEFUL);
  }

  /** Resolves every host name to the loopback simulator, as {@link SimulatedProvider#loopback} does for OkHttp. */
  private static final class LoopbackDns implements DnsResolver {
    @Override
    public InetAddress[] resolve(String host) {
      return SimulatedProvider.loopback(host).toArray(new InetAddress[0]);
    }

    @Override
    public String resolveCanonicalHostname(String host) {
      return host;
    }
  }
}
