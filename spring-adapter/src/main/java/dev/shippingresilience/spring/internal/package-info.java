/** Internals of the Spring adapter: not API, changed freely. */
@NullMarked
package dev.shippingresilience.spring.internal;

import org.jspecify.annotations.NullMarked;
