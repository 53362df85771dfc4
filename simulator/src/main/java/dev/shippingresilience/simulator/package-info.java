/**
 * An embedded simulated provider for demos and the scorecard: WireMock in-process on loopback, answering like
 * Clickpost, AfterShip Shipping, 17TRACK and Abicart under a seeded {@link dev.shippingresilience.simulator.FaultSchedule}.
 */
@NullMarked
package dev.shippingresilience.simulator;

import org.jspecify.annotations.NullMarked;
