package dev.shippingresilience;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a logical call that ended with a response: that response (FAIL and exhausted retries included),
 * its classification and what it took.
 *
 * @param <R> the transport's response type
 * @param response the final response, body unread
 * @param classification what the final response means
 * @param attempts the sends made, polls included
 * @param polls the polls made
 * @param waited the total time spent waiting between sends
 */
public record CallResult<R>(R response, Classification classification, int attempts, int polls, Duration waited) {
  /**
   * Validates the components.
   *
   * @param response the final response, body unread
   * @param classification what the final response means
   * @param attempts the sends made, polls included
   * @param polls the polls made
   * @param waited the total time spent waiting between sends
   */
  public CallResult {
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(classification, "classification");
    Objects.requireNonNull(waited, "waited");
  }

  /** {@return {@code true} when the call succeeded because an earlier attempt already reached the goal} */
  public boolean duplicate() {
    return classification.decision() == Decision.SUCCEED && classification.duplicate();
  }

  /**
   * {@return the headers an adapter adds to the final response, in order: {@link ResultHeaders#DECISION},
   * {@link ResultHeaders#DUPLICATE}, {@link ResultHeaders#ATTEMPTS} and, when the provider sent a code,
   * {@link ResultHeaders#CODE}; values made safe by {@link ResultHeaders#value(String)}}
   */
  public Map<String, String> resultHeaders() {
    return ResultHeaders.of(this);
  }

  /** {@return {@code true} when the final decision is SUCCEED} */
  public boolean succeeded() {
    return classification.decision() == Decision.SUCCEED;
  }
}
