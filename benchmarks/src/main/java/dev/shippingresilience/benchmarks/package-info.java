/**
 * JMH benchmarks (classification cost, interceptor overhead) and the resilience scorecard. Not published; see the
 * module's README for the commands.
 */
@NullMarked
package dev.shippingresilience.benchmarks;

import org.jspecify.annotations.NullMarked;
