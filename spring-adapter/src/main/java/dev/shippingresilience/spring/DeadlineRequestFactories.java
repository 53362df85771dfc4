package dev.shippingresilience.spring;

import dev.shippingresilience.spring.internal.DeadlineJdkRequestFactory;
import dev.shippingresilience.spring.internal.DeadlineSimpleRequestFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;

/**
 * Request factories that give each attempt of a {@link ShippingResilienceInterceptor} call only the time its deadline
 * leaves, so that a request already sent cannot outlive the deadline. Spring's own factories hold their timeouts
 * per factory, not per request: through them a request in flight runs to the factory's timeouts.
 *
 * <pre>{@code
 * RestClient client = RestClient.builder()
 *     .requestFactory(DeadlineRequestFactories.jdk(HttpClient.newHttpClient(), Duration.ofSeconds(30)))
 *     .apply(new ShippingResilienceCustomizer(ShippingResilienceInterceptor.of(policies)))
 *     .build();
 * }</pre>
 *
 * <p>Requests that do not pass through the engine (hosts left to pass through) get the factory's own timeouts.
 */
public final class DeadlineRequestFactories {
  private DeadlineRequestFactories() {}

  /**
   * {@return a factory over the JDK {@link HttpClient} (Spring's {@code JdkClientHttpRequestFactory}, one per
   * attempt) whose read timeout for an attempt is the shorter of {@code readTimeout} and the time left} Spring applies
   * it to the whole exchange: connecting, sending, waiting for the answer and reading the body, up to the closing of
   * the response. So the caller must also finish reading the final response's body before the call's deadline.
   * Never re-sends a POST by itself. Thread-safe.
   *
   * @param client the client (its connect timeout still applies)
   * @param readTimeout the longest exchange outside the deadline, or {@code null} for none
   * @throws IllegalArgumentException if {@code readTimeout} is not positive
   */
  public static ClientHttpRequestFactory jdk(HttpClient client, @Nullable Duration readTimeout) {
    return jdk(client, readTimeout, true);
  }

  /**
   * {@return {@link #jdk(HttpClient, Duration)}'s factory, with Spring's decoding of gzip and deflate bodies on or off
   * ({@code JdkClientHttpRequestFactory.enableCompression}; on by default)} Off, the caller sees the encoded body and
   * sets {@code Accept-Encoding} itself.
   *
   * @param client the client (its connect timeout still applies)
   * @param readTimeout the longest exchange outside the deadline, or {@code null} for none
   * @param compression {@code true} to decode gzip and deflate bodies
   * @throws IllegalArgumentException if {@code readTimeout} is not positive
   */
  public static ClientHttpRequestFactory jdk(HttpClient client, @Nullable Duration readTimeout, boolean compression) {
    Objects.requireNonNull(client, "client");
    if (readTimeout != null && (readTimeout.isNegative() || readTimeout.isZero())) {
      throw new IllegalArgumentException("Invalid readTimeout (" + readTimeout + "): must be positive");
    }
    return new DeadlineJdkRequestFactory(client, readTimeout, compression);
  }

  /**
   * {@return a {@link SimpleClientHttpRequestFactory} ({@code HttpURLConnection}) whose connect and read timeouts for
   * an attempt are the shorter of its own (set them as usual) and the time left} {@code HttpURLConnection} applies
   * the read timeout to each read: a body dripping in slowly can still outlast the deadline. Like Spring's, it may
   * re-send a POST on a stale keep-alive connection unless {@code -Dsun.net.http.retryPost=false}.
   */
  public static SimpleClientHttpRequestFactory simple() {
    return new DeadlineSimpleRequestFactory();
  }
}
