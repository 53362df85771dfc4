/**
 * The OkHttp adapter: {@link dev.shippingresilience.okhttp.ShippingInterceptor}, an application interceptor that
 * applies the shipping-resilience engine to OkHttp calls.
 */
@NullMarked
package dev.shippingresilience.okhttp;

import org.jspecify.annotations.NullMarked;
