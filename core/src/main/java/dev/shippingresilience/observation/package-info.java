/**
 * Micrometer Observations of the engine: one {@code shipping.resilience.call} per logical call, a child
 * {@code shipping.resilience.attempt} per request sent and a child {@code shipping.resilience.wait} per wait (backoff,
 * poll interval, provider pause, rate-limit permit). A policy makes them when it is given an
 * {@link io.micrometer.observation.ObservationRegistry}
 * ({@code ShippingPolicy.Builder.observationRegistry}); Spring Boot passes the application's.
 *
 * <p>The contexts ({@link dev.shippingresilience.observation.ShippingCallContext},
 * {@link dev.shippingresilience.observation.ShippingAttemptContext},
 * {@link dev.shippingresilience.observation.ShippingWaitContext}) carry what the engine knows; the default
 * conventions ({@link dev.shippingresilience.observation.DefaultShippingCallConvention} and its two siblings) turn
 * them into names and key values. To change the key values, register a
 * {@link io.micrometer.observation.GlobalObservationConvention} for a context in the registry (in Spring Boot: a bean
 * of that type), typically a subclass of the default convention.
 */
@NullMarked
package dev.shippingresilience.observation;

import org.jspecify.annotations.NullMarked;
