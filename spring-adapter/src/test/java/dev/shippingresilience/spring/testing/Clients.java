package dev.shippingresilience.spring.testing;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.client.JdkClientHttpRequestFactory;

/** The real HTTP client the tests use: the JDK HttpClient over HTTP/1.1, with timeouts so no test can hang. */
public final class Clients {
  private Clients() {}

  /** Returns a counting factory over a fresh JDK HttpClient. */
  public static CountingRequestFactory jdk() {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
    factory.setReadTimeout(Duration.ofSeconds(10));
    return new CountingRequestFactory(factory);
  }
}
