package dev.shippingresilience;

import java.time.Duration;

/**
 * The circuit-breaker settings every scope of one provider gets (provider, carrier, operation): a scope opens when
 * {@code failureRatePercent} of its last {@code windowSize} calls (at least {@code minimumCalls}) were BREAK, stays
 * open {@code openWait}, then lets {@code halfOpenCalls} trial calls through. When a trial fails and the breaker
 * opens again without having closed, it stays open {@code openWaitMultiplier} times longer than the time before, at
 * most {@code maxOpenWait}; closing resets the wait to {@code openWait}.
 *
 * @param failureRatePercent the share of BREAK calls that opens a breaker, in (0, 100]
 * @param windowSize the calls the failure rate is measured over
 * @param minimumCalls the calls needed before the rate counts
 * @param openWait how long an open breaker refuses calls after it first opened
 * @param halfOpenCalls the trial calls a half-open breaker lets through
 * @param openWaitMultiplier how much longer each repeated open wait is, at least 1 (1 = always {@code openWait})
 * @param maxOpenWait the longest open wait, at least {@code openWait}
 */
public record BreakerSettings(float failureRatePercent, int windowSize, int minimumCalls, Duration openWait,
    int halfOpenCalls, double openWaitMultiplier, Duration maxOpenWait) {

  /**
   * Settings whose open wait never grows (multiplier 1, longest wait {@code openWait}).
   *
   * @param failureRatePercent the share of BREAK calls that opens a breaker, in (0, 100]
   * @param windowSize the calls the failure rate is measured over
   * @param minimumCalls the calls needed before the rate counts
   * @param openWait how long an open breaker refuses calls
   * @param halfOpenCalls the trial calls a half-open breaker lets through
   */
  public BreakerSettings(float failureRatePercent, int windowSize, int minimumCalls, Duration openWait,
      int halfOpenCalls) {
    this(failureRatePercent, windowSize, minimumCalls, openWait, halfOpenCalls, 1.0, openWait);
  }
}
