/**
 * Implementation details: not API, changed freely between releases. Do not import from other modules' code.
 */
@NullMarked
package dev.shippingresilience.internal;

import org.jspecify.annotations.NullMarked;
