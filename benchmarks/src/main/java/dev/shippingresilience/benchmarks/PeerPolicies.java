package dev.shippingresilience.benchmarks;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * The peers the library's overhead is measured against, configured status-only as teams configure them: a retry
 * on {@link IOException}, HTTP 5xx and 429 (3 attempts, exponential backoff from 100 ms) around a circuit breaker
 * that records {@link IOException} and HTTP 5xx (50% of the last 20 calls, open 1 s, 2 half-open trials).
 * Neither reads a body. On a successful call neither retries nor opens, so the benchmarks measure only what each
 * costs per call. Generic over the response type: {@code status} reads its HTTP status and {@code discard} closes a
 * response that is retried.
 */
final class PeerPolicies {
  private static final int MAX_ATTEMPTS = 3;
  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  private static final Duration OPEN_WAIT = Duration.ofSeconds(1);

  private PeerPolicies() {}

  /** Failsafe: {@code Failsafe.with(retryPolicy, circuitBreaker)}, the retry outermost. */
  static <R> FailsafeExecutor<R> failsafe(ToIntFunction<R> status) {
    return Failsafe.with(failsafeRetry(status), failsafeBreaker(status));
  }

  /** Failsafe's {@code RetryPolicy}, status-only. */
  static <R> RetryPolicy<R> failsafeRetry(ToIntFunction<R> status) {
    return RetryPolicy.<R>builder()
        .handle(IOException.class)
        .handleResultIf(r -> retryable(status.applyAsInt(r)))
        .withMaxAttempts(MAX_ATTEMPTS)
        .withBackoff(INITIAL_BACKOFF, MAX_BACKOFF)
        .build();
  }

  /** Failsafe's {@code CircuitBreaker}, status-only. */
  static <R> CircuitBreaker<R> failsafeBreaker(ToIntFunction<R> status) {
    return CircuitBreaker.<R>builder()
        .handle(IOException.class)
        .handleResultIf(r -> status.applyAsInt(r) >= 500)
        .withFailureThreshold(10, 20)
        .withDelay(OPEN_WAIT)
        .withSuccessThreshold(2)
        .build();
  }

  /** Resilience4j's {@code Retry}, status-only; a retried response goes to {@code discard}. */
  static <R> Retry resilience4jRetry(ToIntFunction<R> status, Consumer<R> discard) {
    return Retry.of("bench", RetryConfig.<R>custom()
        .maxAttempts(MAX_ATTEMPTS)
        .intervalFunction(IntervalFunction.ofExponentialBackoff(INITIAL_BACKOFF, 2.0))
        .retryExceptions(IOException.class)
        .retryOnResult(r -> retryable(status.applyAsInt(r)))
        .consumeResultBeforeRetryAttempt((attempt, r) -> discard.accept(r))
        .failAfterMaxAttempts(false)
        .build());
  }

  /** Resilience4j's {@code CircuitBreaker}, status-only. */
  static <R> io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4jBreaker(ToIntFunction<R> status,
      Class<R> type) {
    return io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench", CircuitBreakerConfig.custom()
        .failureRateThreshold(50)
        .slidingWindowSize(20)
        .minimumNumberOfCalls(10)
        .waitDurationInOpenState(OPEN_WAIT)
        .permittedNumberOfCallsInHalfOpenState(2)
        .recordExceptions(IOException.class)
        .recordResult(r -> type.isInstance(r) && status.applyAsInt(type.cast(r)) >= 500)
        .build());
  }

  /** Runs {@code send} decorated as teams write it: {@code Retry.decorateCheckedSupplier(retry, breaker(send))}. */
  static <R> R resilience4j(Retry retry, io.github.resilience4j.circuitbreaker.CircuitBreaker breaker,
      CheckedSupplier<R> send) throws IOException {
    try {
      return Retry.decorateCheckedSupplier(retry,
          io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateCheckedSupplier(breaker, send)).get();
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static boolean retryable(int status) {
    return status >= 500 || status == 429;
  }
}
