package dev.shippingresilience.spring.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * The deadline of the attempt the current thread is sending through the engine, so that a
 * {@link ClientHttpRequestFactory} can give that one request no more time than the call's deadline leaves. Spring
 * creates the transport request on the interceptor's thread ({@code createRequest} inside
 * {@code ClientHttpRequestExecution.execute}), which is where a factory reads it.
 */
public final class AttemptDeadline {
  /**
   * Per thread: {@code [0]} the deadline, {@code [1]} 1 inside an attempt, else 0. Made once per thread and never
   * removed, so that an attempt allocates nothing here (a {@code long[]} holds no class loader).
   */
  private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[2]);

  private AttemptDeadline() {}

  /** Runs one attempt's send. */
  @FunctionalInterface
  public interface Send<T> {
    /** Sends the attempt. */
    T send() throws IOException;
  }

  /** Runs {@code send} with the attempt's deadline ({@link System#nanoTime()} based) visible to request factories. */
  public static <T> T during(long deadlineNanos, Send<T> send) throws IOException {
    long[] holder = DEADLINE.get();
    long previousDeadline = holder[0];
    long previousInside = holder[1];
    holder[0] = deadlineNanos;
    holder[1] = 1;
    try {
      return send.send();
    } finally {
      holder[0] = previousDeadline;
      holder[1] = previousInside;
    }
  }

  /**
   * Returns the {@link System#nanoTime()} at which an attempt given {@code timeLeftMillis} from now runs out
   * ({@code AttemptRequest.timeLeftMillis()}).
   */
  public static long deadlineNanos(long timeLeftMillis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeLeftMillis);
  }

  /**
   * Returns the milliseconds left for the current thread's attempt, rounded up and at least 1 (a request is never
   * cut off before the deadline), or {@code -1} outside an attempt.
   */
  public static long millisLeft() {
    long[] deadline = DEADLINE.get();
    if (deadline[1] == 0) {
      return -1;
    }
    long nanos = deadline[0] - System.nanoTime();
    return nanos <= 0 ? 1 : nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1); // rounded up
  }

  /** Returns the time left for the current thread's attempt, or {@code null} outside an attempt. */
  public static @Nullable Duration timeLeft() {
    long millis = millisLeft();
    return millis < 0 ? null : Duration.ofMillis(millis);
  }

  /**
   * Returns the shorter of a client's timeout in milliseconds ({@code 0} or less: none) and the time left for the
   * current thread's attempt; the client's timeout outside an attempt.
   */
  public static int bounded(int clientMillis) {
    long left = millisLeft();
    if (left < 0 || left > Integer.MAX_VALUE) {
      return clientMillis;
    }
    return clientMillis <= 0 ? (int) left : (int) Math.min(clientMillis, left);
  }
}
