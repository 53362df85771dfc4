package dev.shippingresilience.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The scorecard's settings. Every duration of the simulation (the arrival window, outage windows, delays, poll
 * intervals, breaker waits, deadlines) is a base value times {@link #timeScale()}, so a smoke test can run the
 * whole scorecard in seconds; the simulated providers' rate limits stay per wall-clock second.
 *
 * @param seed the seed of the workload and of every fault schedule
 * @param callers the concurrent callers (worker threads sharing one client per strategy)
 * @param calls the logical calls per schedule and strategy
 * @param timeScale the factor applied to every base duration (1 = the documented default run)
 * @param out the directory the Markdown and CSV tables, {@code index.html} and the charts are written to
 * @param images where the READMEs' PNG charts are also written ({@code scorecard-NAME.png}), or {@code null}
 */
record ScorecardConfig(long seed, int callers, int calls, double timeScale, Path out, @Nullable Path images) {
  static final long DEFAULT_SEED = 42;
  static final int DEFAULT_CALLERS = 16;
  static final int DEFAULT_CALLS = 240;
  static final Path DEFAULT_OUT = Path.of("benchmarks", "target", "scorecard");

  /** The time over which one run's logical calls arrive, evenly spaced (open loop), before scaling. */
  static final Duration ARRIVAL_WINDOW = Duration.ofSeconds(6);

  static ScorecardConfig defaults() {
    return new ScorecardConfig(DEFAULT_SEED, DEFAULT_CALLERS, DEFAULT_CALLS, 1.0, DEFAULT_OUT, null);
  }

  /** Returns {@code base} times the time scale (at least 1 ms). */
  Duration scaled(Duration base) {
    return Duration.ofNanos(Math.max(1_000_000L, Math.round(base.toNanos() * timeScale)));
  }

  /** Returns {@code millis} ms times the time scale. */
  Duration ms(long millis) {
    return scaled(Duration.ofMillis(millis));
  }

  /** Returns the scaled arrival window. */
  Duration arrivalWindow() {
    return scaled(ARRIVAL_WINDOW);
  }
}
