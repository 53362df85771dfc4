/** Events the engine reports to a {@link dev.shippingresilience.event.ShippingListener}. */
@NullMarked
package dev.shippingresilience.event;

import org.jspecify.annotations.NullMarked;
