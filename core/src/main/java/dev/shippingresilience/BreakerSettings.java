package dev.shippingresilience;

import java.time.Duration;

/**
 * The circuit-breaker settings every scope of one provider gets (provider, carrier, operation): a scope opens when
 * {@code failureRatePercent} of its last {@code windowSize} calls (at least {@code minimumCalls}) were BREAK, stays
 * open {@code openWait}, then lets {@code halfOpenCalls} trial calls through.
 *
 * @param failureRatePercent the share of BREAK calls that opens a breaker, in (0, 100]
 * @param windowSize the calls the failure rate is measured over
 * @param minimumCalls the calls needed before the rate counts
 * @param openWait how long an open breaker refuses calls
 * @param halfOpenCalls the trial calls a half-open breaker lets through
 */
public record BreakerSettings(float failureRatePercent, int windowSize, int minimumCalls, Duration openWait,
    int halfOpenCalls) {}
