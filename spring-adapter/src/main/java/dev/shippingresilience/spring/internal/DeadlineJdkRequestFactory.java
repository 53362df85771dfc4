package dev.shippingresilience.spring.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * Spring's {@link JdkClientHttpRequestFactory} with a read timeout per attempt: the shorter of the configured one
 * and the time the call's deadline leaves. Spring applies that timeout to the whole exchange, up to the closing of
 * the response body. Spring's factory holds its timeout per factory, so each attempt gets a factory of its own
 * over the same {@link HttpClient} and executor (two small objects).
 */
public final class DeadlineJdkRequestFactory implements ClientHttpRequestFactory {
  private final HttpClient client;
  private final Executor executor;
  private final @Nullable Duration readTimeout;
  private final boolean compression;
  private final JdkClientHttpRequestFactory outsideAttempts;

  /** Creates the factory; {@code readTimeout} {@code null} for none; {@code compression} as Spring's factory has it. */
  public DeadlineJdkRequestFactory(HttpClient client, @Nullable Duration readTimeout, boolean compression) {
    this.client = client;
    this.executor = client.executor().orElseGet(SimpleAsyncTaskExecutor::new);
    this.readTimeout = readTimeout;
    this.compression = compression;
    this.outsideAttempts = factory(readTimeout);
  }

  @Override
  public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
    long left = AttemptDeadline.millisLeft();
    if (left < 0 || (readTimeout != null && readTimeout.toMillis() <= left)) {
      return outsideAttempts.createRequest(uri, httpMethod);
    }
    return factory(Duration.ofMillis(left)).createRequest(uri, httpMethod);
  }

  private JdkClientHttpRequestFactory factory(@Nullable Duration timeout) {
    JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client, executor);
    factory.enableCompression(compression);
    if (timeout != null) {
      factory.setReadTimeout(timeout);
    }
    return factory;
  }

  @Override
  public String toString() {
    return "DeadlineJdkRequestFactory{readTimeout=" + readTimeout + ", compression=" + compression + "}";
  }
}
