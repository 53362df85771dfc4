package dev.shippingresilience.event;

/**
 * A circuit breaker changed state.
 *
 * @param scope the breaker scope, e.g. {@code clickpost/carrier:5}
 * @param from the previous state (Resilience4j state name, e.g. {@code CLOSED})
 * @param to the new state (e.g. {@code OPEN})
 */
public record BreakerEvent(String scope, String from, String to) {}
