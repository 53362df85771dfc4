package dev.shippingresilience.event;

/**
 * Receives engine events. Every method has a no-op default. Implementations must be fast, must not block or take
 * locks, and should not throw: an exception thrown here is logged and ignored, never breaks the call.
 * Called on the thread running the call: the caller's for a blocking call; for an asynchronous one, the thread of
 * the step (the caller's, the attempt's callback thread or the policy's scheduler).
 */
public interface ShippingListener {
  /** A listener that ignores everything. */
  ShippingListener NONE = new ShippingListener() {};

  /** A request is about to be sent. */
  default void onAttempt(AttemptEvent event) {}

  /** A response was classified. */
  default void onDecision(DecisionEvent event) {}

  /** The engine is about to wait. */
  default void onWait(WaitEvent event) {}

  /** A circuit breaker changed state. */
  default void onBreakerStateChange(BreakerEvent event) {}
}
