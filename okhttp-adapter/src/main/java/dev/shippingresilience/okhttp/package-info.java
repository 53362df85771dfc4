/**
 * The OkHttp adapter: {@link dev.shippingresilience.okhttp.ShippingInterceptor}, an application interceptor that
 * applies the shipping-resilience engine to OkHttp calls, and {@link dev.shippingresilience.okhttp.ShippingCallFactory},
 * a {@code Call.Factory} whose {@code enqueue} applies it without holding a thread while the engine waits.
 */
@NullMarked
package dev.shippingresilience.okhttp;

import org.jspecify.annotations.NullMarked;
