package dev.shippingresilience.redis;

import dev.shippingresilience.Attempt;
import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.ResponseSnapshot;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The smallest transport: the JDK's HTTP client, one attempt per send; counts sends. Thread-safe. */
final class JdkTransport implements Attempt<String> {
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();
  private final AtomicInteger sends = new AtomicInteger();

  @Override
  public ProviderResponse<String> send(AttemptRequest request) throws IOException {
    sends.incrementAndGet();
    HttpRequest.Builder b = HttpRequest.newBuilder(request.uri())
        .timeout(Duration.ofSeconds(5))
        .method(request.method(), HttpRequest.BodyPublishers.noBody());
    request.extraHeaders().forEach(b::header);
    HttpResponse<byte[]> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
    ResponseSnapshot snapshot = ResponseSnapshot.of(response.statusCode(),
        HeaderValues.of(response.headers().map()), response.body(), false);
    String body = new String(response.body(), StandardCharsets.UTF_8);
    return new ProviderResponse<>() {
      @Override
      public ResponseSnapshot snapshot() {
        return snapshot;
      }

      @Override
      public String unwrap() {
        return body;
      }

      @Override
      public void close() {}
    };
  }

  int sends() {
    return sends.get();
  }
}
