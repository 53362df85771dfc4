package dev.shippingresilience.benchmarks;

import dev.shippingresilience.spring.ShippingResilienceCustomizer;
import dev.shippingresilience.spring.ShippingResilienceInterceptor;
import java.io.IOException;
import java.net.http.HttpClient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The cost of the Spring interceptor on a successful call over loopback: the Clickpost call of
 * {@link BenchmarkCalls} through a {@link RestClient} on the JDK {@link HttpClient}
 * ({@link JdkClientHttpRequestFactory}, HTTP/1.1), bare, with an interceptor that only passes the request on, and with
 * {@link ShippingResilienceCustomizer} (which adds {@link ShippingResilienceInterceptor} first), against the same {@link LoopbackServer} as
 * {@link InterceptorBenchmark}. The JDK client cannot resolve {@code www.clickpost.in} to loopback, so the requests
 * go to the loopback address and the interceptor maps that host to the Clickpost policy. Both clients share one
 * JDK client (one connection pool).
 * Iteration settings and the method parameter: {@link ClientBenchmark}.
 */
public class SpringBenchmark extends ClientBenchmark {
  private LoopbackServer server;
  private RestClient bare;
  private RestClient intercepted;
  private RestClient passThrough;
  private HttpMethod httpMethod;
  private String uri;

  /** Starts the server, builds both clients and checks that both get the successful answer. */
  @Setup(Level.Trial)
  public void start() throws IOException {
    server = LoopbackServer.start(2);
    HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    RestClient.Builder builder = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory(jdk));
    bare = builder.build();
    intercepted = builder.clone()
        .apply(new ShippingResilienceCustomizer(ShippingResilienceInterceptor.builder(BenchmarkCalls.policies())
            .host(LoopbackServer.HOST, "clickpost")
            .build()))
        .build();
    passThrough = builder.clone().requestInterceptor((request, body, execution) -> execution.execute(request, body))
        .build();
    httpMethod = HttpMethod.valueOf(method);
    uri = server.loopbackUrl() + BenchmarkCalls.pathAndQuery(method);
    BenchmarkCalls.check("bare", bare());
    BenchmarkCalls.check("withInterceptor", withInterceptor());
    BenchmarkCalls.check("withPassThroughInterceptor", withPassThroughInterceptor());
  }

  /** Stops the server. */
  @TearDown(Level.Trial)
  public void stop() {
    server.close();
  }

  /** The baseline: the same call with a plain {@code RestClient}. */
  @Benchmark
  public String bare() {
    return call(bare);
  }

  /** The call through {@link ShippingResilienceInterceptor}. */
  @Benchmark
  public String withInterceptor() {
    return call(intercepted);
  }

  /**
   * The call through an interceptor that only passes the request on: what Spring's interception itself costs (with
   * any interceptor, Spring buffers the request body and copies the request headers), which every interceptor pays.
   */
  @Benchmark
  public String withPassThroughInterceptor() {
    return call(passThrough);
  }

  private String call(RestClient client) {
    RestClient.RequestBodySpec spec = client.method(httpMethod).uri(uri);
    if (httpMethod == HttpMethod.POST) {
      spec.contentType(MediaType.APPLICATION_JSON).body(BenchmarkCalls.ORDER);
    }
    return spec.retrieve().body(String.class);
  }
}
