package dev.shippingresilience.event;

import java.time.Duration;

/**
 * The engine is about to wait.
 *
 * @param provider the provider id
 * @param operation the operation name
 * @param duration how long
 * @param cause why: {@code retry_after} (the response's hint), {@code backoff}, {@code poll},
 *     {@code rate_limit} (the client-side limiter) or {@code pause} (the provider was paused by a 429)
 */
public record WaitEvent(String provider, String operation, Duration duration, String cause) {}
