package dev.shippingresilience.simulator;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What every simulated provider API shares: the fault schedule, the statistics, the simulator's clock and the
 * per-second windows. Subclasses answer one provider's requests. Thread-safe.
 */
abstract class SimulatedApi {
  final FaultSchedule schedule;
  final SimulatorStats stats;
  final SimAnswers answers;
  private final Supplier<Duration> elapsed;

  SimulatedApi(FaultSchedule schedule, SimulatorStats stats, Supplier<Duration> elapsed) {
    this.schedule = schedule;
    this.stats = stats;
    this.elapsed = elapsed;
    this.answers = new SimAnswers(elapsed);
  }

  /** Returns whether a provider outage window named {@code target} covers now, counting it when it does. */
  boolean providerOutage(String target) {
    return covered(schedule.providerOutages(), target);
  }

  /** Returns whether a carrier outage window named {@code target} covers now, counting it when it does. */
  boolean carrierOutage(String target) {
    return covered(schedule.carrierOutages(), target);
  }

  private boolean covered(List<FaultSchedule.Window> windows, String target) {
    Duration now = elapsed.get();
    boolean covered = windows.stream().anyMatch(w -> w.target().equals(target) && w.covers(now));
    if (covered) {
      stats.duringOutage();
    }
    return covered;
  }
}
