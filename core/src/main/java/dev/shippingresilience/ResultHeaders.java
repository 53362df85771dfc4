package dev.shippingresilience;

/**
 * The response headers every adapter adds to a call's final response, so callers can see what the engine decided
 * without touching the engine's types: see {@link CallResult#resultHeaders()}.
 */
public final class ResultHeaders {
  /** The final decision, e.g. {@code SUCCEED}. */
  public static final String DECISION = "X-Shipping-Resilience-Decision";
  /** {@code true} when an earlier attempt already reached the goal (Clickpost 323), else {@code false}. */
  public static final String DUPLICATE = "X-Shipping-Resilience-Duplicate";
  /** The number of sends, polls included. */
  public static final String ATTEMPTS = "X-Shipping-Resilience-Attempts";
  /** The provider code of the final response, only when it had one. */
  public static final String CODE = "X-Shipping-Resilience-Code";

  private ResultHeaders() {}
}
