/**
 * The Spring adapter: {@link dev.shippingresilience.spring.ShippingResilienceInterceptor}, a
 * {@code ClientHttpRequestInterceptor} that applies the shipping-resilience engine to {@code RestClient} calls,
 * {@link dev.shippingresilience.spring.ShippingResilienceCustomizer} to add it to a {@code RestClient.Builder},
 * {@link dev.shippingresilience.spring.ShippingResilienceExchangeFilter}, its non-blocking twin for WebFlux's
 * {@code WebClient} (WebFlux is an optional dependency), and the Spring Boot auto-configuration ({@link dev.shippingresilience.spring.ShippingResilienceAutoConfiguration},
 * bound to {@code shipping.resilience.*} by {@link dev.shippingresilience.spring.ShippingResilienceProperties}).
 *
 * <p>Failures of the engine ({@link dev.shippingresilience.BreakerOpenException},
 * {@link dev.shippingresilience.PollTimeoutException}, ...) are {@link java.io.IOException}s, so {@code RestClient}
 * reports them as a {@link org.springframework.web.client.ResourceAccessException} whose {@code getCause()} is the
 * engine's exception; a {@code WebClient} call's Mono ends with the engine's exception itself. Types in {@code dev.shippingresilience.spring.internal} are not API.
 */
@NullMarked
package dev.shippingresilience.spring;

import org.jspecify.annotations.NullMarked;
