package dev.shippingresilience.examples;

import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.spring.ShippingRequestAttributes;
import dev.shippingresilience.spring.ShippingResilienceExchangeFilter;
import dev.shippingresilience.spring.ShippingResilienceInterceptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.springframework.core.SpringVersion;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The demo's {@code --webclient} client: Spring WebFlux's {@link WebClient} with the Spring adapter's
 * {@link ShippingResilienceExchangeFilter}, on Reactor Netty, every connection going to the simulator. No thread is
 * held while a call waits (backoffs, Clickpost's polls): each demo worker only waits for its call's answer, as a
 * blocking caller of a reactive client does.
 */
final class WebClientDemo implements DemoClient {
  private static final MediaType JSON = MediaType.parseMediaType(DemoWorkload.JSON);
  private static final Duration CALL_LIMIT = Duration.ofMinutes(2);

  private final ConnectionProvider connections;
  private final WebClient client;
  /** Connections taken from the pool and not yet given back (Reactor Netty's connection events). */
  private final AtomicInteger leased = new AtomicInteger();

  WebClientDemo(ShippingPolicies policies) {
    this.connections = ConnectionProvider.builder("demo").maxConnections(64).build();
    HttpClient netty = HttpClient.create(connections)
        // every provider host resolves to the loopback simulator (the URL keeps the host, for the Host header and
        // the engine's choice of policy), as OkHttp's Dns does in the other demo clients
        .resolver(spec -> spec.hostsFileEntriesResolver((host, types) -> InetAddress.getLoopbackAddress()))
        .responseTimeout(Duration.ofSeconds(5))
        .observe((connection, state) -> {
          // CONFIGURED each time a pooled connection is handed to a request, new (after CONNECTED) or reused
          // (after ACQUIRED); RELEASED when the request gives it back
          if (state == ConnectionObserver.State.CONFIGURED) {
            leased.incrementAndGet();
          } else if (state == ConnectionObserver.State.RELEASED) {
            leased.decrementAndGet();
          }
        });
    this.client = WebClient.builder()
        .clientConnector(new ReactorClientHttpConnector(netty))
        .apply(ShippingResilienceExchangeFilter.of(policies)::addTo)
        .build();
  }

  @Override
  public String description() {
    String spring = SpringVersion.getVersion(); // null in the shaded jar, which drops the manifests
    return "Spring WebClient " + (spring == null ? "" : spring + " ") + "on Reactor Netty";
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
          // bytes(...): the engine reads the carrier from the body (Clickpost's courier_partner)
          .body(ShippingResilienceExchangeFilter.bytes(call.body()))
          // exchangeToMono: a 4xx/5xx final response is read like any other, not turned into an error
          .exchangeToMono(response -> response.releaseBody().thenReturn(new FinalResponse(
              response.headers().asHttpHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER),
              "true".equals(response.headers().asHttpHeaders()
                  .getFirst(ShippingResilienceInterceptor.DUPLICATE_HEADER)))))
          .toFuture()
          .orTimeout(CALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS)
          .join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WebClientRequestException request && request.getCause() instanceof IOException io) {
        throw io; // WebClient wraps the transport's failure
      }
      if (cause instanceof IOException io) {
        throw io; // the engine's ShippingCallExceptions
      }
      throw e;
    }
  }

  @Override
  public boolean leaked() {
    // Reactor Netty gives a connection back on its event loop, just after the body was consumed or released: allow
    // the last ones a moment to arrive.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (leased.get() != 0 && System.nanoTime() - until < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    return leased.get() != 0;
  }

  @Override
  public void close() {
    connections.disposeLater().block(Duration.ofSeconds(5));
  }
}
