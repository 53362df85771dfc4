/**
 * Runnable programs over the shipping-resilience library: {@link dev.shippingresilience.examples.Main} dispatches
 * the {@code classify} command (what does this provider response mean?) and the {@code demo}.
 */
@NullMarked
package dev.shippingresilience.examples;

import org.jspecify.annotations.NullMarked;
