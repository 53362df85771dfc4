/**
 * shipping-resilience: classify shipping and tracking provider responses (HTTP status, headers and the body's
 * business code) into {@link dev.shippingresilience.Decision}s, and apply them with one policy engine.
 *
 * <p>Start with {@link dev.shippingresilience.ResponseClassifier} to ask "what does this response mean", and with
 * {@link dev.shippingresilience.ShippingPolicy} to wrap calls. Types in {@code internal} packages are not API.
 */
@NullMarked
package dev.shippingresilience;

import org.jspecify.annotations.NullMarked;
