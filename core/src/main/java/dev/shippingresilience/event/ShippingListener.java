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

  /**
   * A request is about to be sent.
   *
   * @param event the attempt about to be sent
   */
  default void onAttempt(AttemptEvent event) {}

  /**
   * A response was classified.
   *
   * @param event the classification and the attempt it answers
   */
  default void onDecision(DecisionEvent event) {}

  /**
   * The engine is about to wait.
   *
   * @param event the wait's length and cause
   */
  default void onWait(WaitEvent event) {}

  /**
   * A circuit breaker changed state.
   *
   * @param event the breaker and its old and new states
   */
  default void onBreakerStateChange(BreakerEvent event) {}

  /**
   * A reconcile lookup, asked after a create lost its answer, proved something (or could not be asked).
   *
   * @param event what it proved
   */
  default void onReconcile(ReconcileEvent event) {}
}
