/**
 * Internals of the OkHttp adapter shared by {@link dev.shippingresilience.okhttp.ShippingInterceptor} and
 * {@link dev.shippingresilience.okhttp.ShippingCallFactory}: turning an OkHttp request into the engine's view and an
 * attempt back into a request, the bounded peek of a response, and the attempt's time limit. Not an API: it changes
 * without notice.
 */
@NullMarked
package dev.shippingresilience.okhttp.internal;

import org.jspecify.annotations.NullMarked;
