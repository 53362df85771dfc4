/**
 * Service-provider interfaces: where a provider account's request budget, pauses and breaker hints live. The
 * default keeps them in this process; an optional module shares them across a fleet.
 */
@NullMarked
package dev.shippingresilience.spi;

import org.jspecify.annotations.NullMarked;
