package dev.shippingresilience.benchmarks;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Strategy (b) of the scorecard, as it is found in many code bases: up to {@code attempts} sends of the same
 * request on any non-2xx status or {@link IOException}, a fixed delay between them, whatever the method. Closes
 * each response it discards.
 */
final class NaiveRetryInterceptor implements Interceptor {
  private final int attempts;
  private final Duration delay;

  NaiveRetryInterceptor(int attempts, Duration delay) {
    this.attempts = attempts;
    this.delay = delay;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        Response response = chain.proceed(chain.request());
        if (response.isSuccessful() || attempt >= attempts) {
          return response;
        }
        response.close();
      } catch (IOException e) {
        if (attempt >= attempts) {
          throw e;
        }
      }
      try {
        Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted between retries");
      }
    }
  }

  @Override
  public String toString() {
    return attempts + " attempts on any non-2xx or IOException, fixed delay " + delay.toMillis() + " ms";
  }
}
