package dev.shippingresilience.benchmarks;

import dev.shippingresilience.BreakerOpenException;
import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import dev.shippingresilience.simulator.SimulatorStats;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import okhttp3.EventListener;
import org.jspecify.annotations.Nullable;

/**
 * The resilience scorecard: runs the same seeded workload under the same seeded fault schedules through four client
 * strategies (no retries, naive retries, status-only Resilience4j, this library), each run against a fresh simulated
 * provider, and prints and writes (Markdown and CSV) one row per schedule and strategy.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.shippingresilience.benchmarks.Scorecard [--seed N] [--callers N]
 *     [--calls N] [--out DIR] [--time-scale F] [--images DIR]
 * </pre>
 *
 * <p>Writes {@code scorecard.md}, {@code scorecard.csv}, {@code index.html} with its SVG charts (and PNGs of two of
 * them) and one trace per run in {@code calls/} into the {@code --out} directory; {@code --images DIR} also writes
 * the PNGs the READMEs show into {@code DIR}.
 *
 * <p>Exit codes: 0 done, 1 the run failed, 2 bad arguments (a one-line message naming the argument).
 */
public final class Scorecard {
  static final String USAGE = "usage: Scorecard [--seed N] [--callers N] [--calls N] [--out DIR] [--time-scale F] "
      + "[--images DIR]";
  static final String COMMAND = "mvn -B -q -pl benchmarks -am package -DskipTests && "
      + "java -cp benchmarks/target/benchmarks.jar dev.shippingresilience.benchmarks.Scorecard";

  private final ScorecardConfig config;
  private final PrintStream out;
  private final ResponseClassifier judge = ResponseClassifier.builder().build();

  private Scorecard(ScorecardConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** Runs the scorecard with {@code args} and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the scorecard; returns the exit code (0 done, 1 failed, 2 bad arguments). */
  static int run(String[] args, PrintStream stdout, PrintStream stderr) {
    ScorecardConfig config;
    try {
      config = parse(args);
    } catch (UsageException e) {
      stderr.println("scorecard: " + e.getMessage());
      return 2;
    }
    if (config == null) {
      stdout.println(USAGE);
      return 0;
    }
    try {
      run(config, stdout);
      return 0;
    } catch (Exception e) {
      stderr.println("scorecard: failed: " + e);
      return 1;
    }
  }

  /** Runs the scorecard with {@code config}, prints the table and writes the files; returns the rows. */
  static ScorecardReport run(ScorecardConfig config, PrintStream stdout) throws IOException, InterruptedException {
    return new Scorecard(config, stdout).runAll();
  }

  // ---- arguments ------------------------------------------------------------------------------------------

  /** A bad command line; the message names the argument. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Parses {@code args}; returns {@code null} for {@code --help}. */
  static @Nullable ScorecardConfig parse(String[] args) {
    ScorecardConfig d = ScorecardConfig.defaults();
    long seed = d.seed();
    int callers = d.callers();
    int calls = d.calls();
    double timeScale = d.timeScale();
    Path outDir = d.out();
    Path images = d.images();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--seed" -> seed = parseLong(arg, value(args, ++i, arg));
        case "--callers" -> callers = (int) range(arg, parseLong(arg, value(args, ++i, arg)), 1, 512);
        case "--calls" -> calls = (int) range(arg, parseLong(arg, value(args, ++i, arg)), 1, 100_000);
        case "--out" -> outDir = directory(arg, value(args, ++i, arg));
        case "--images" -> images = directory(arg, value(args, ++i, arg));
        case "--time-scale" -> {
          String v = value(args, ++i, arg);
          try {
            timeScale = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new UsageException("--time-scale must be a number, got '" + v + "'");
          }
          if (!(timeScale >= 0.01 && timeScale <= 10)) {
            throw new UsageException("--time-scale must be between 0.01 and 10, got " + v);
          }
        }
        case "--help", "-h" -> {
          return null;
        }
        default -> throw new UsageException("unknown argument '" + arg + "' (" + USAGE + ")");
      }
    }
    return new ScorecardConfig(seed, callers, calls, timeScale, outDir, images);
  }

  private static Path directory(String option, String value) {
    try {
      return Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new UsageException(option + " is not a valid directory: '" + value + "'");
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static long parseLong(String option, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be an integer, got '" + value + "'");
    }
  }

  private static long range(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new UsageException(option + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  // ---- the runs -------------------------------------------------------------------------------------------

  private ScorecardReport runAll() throws IOException, InterruptedException {
    List<Schedules.Spec> schedules = Schedules.all(config);
    List<Workload.LogicalCall> calls = Workload.build(config.seed(), config.calls());
    Map<String, String> settings = new LinkedHashMap<>();
    for (String name : Strategies.NAMES) {
      try (Strategy s = Strategies.create(name, config, EventListener.NONE)) {
        settings.put(name, s.settings());
      }
    }
    out.printf(Locale.ROOT, "scorecard: seed %d, %d callers, %d logical calls per run over %s, time scale %s%n",
        config.seed(), config.callers(), config.calls(), Schedules.secs(config.arrivalWindow()), config.timeScale());
    settings.forEach((name, s) -> out.println("  " + name + ": " + s));
    warmUp(calls);
    long started = System.nanoTime();
    List<ScorecardReport.Row> rows = new ArrayList<>();
    String userProfileLine = null;
    for (Schedules.Spec spec : schedules) {
      for (String name : Strategies.NAMES) {
        ScorecardReport.Row row = runOne(spec, name,
            spec.allProviders() ? spec.workload(config.seed(), config.calls()) : calls, config.arrivalWindow(), true);
        out.printf(Locale.ROOT, "  %-18s %-20s success %5.1f%%  attempts/call %.2f  duplicates %d  (%.1f s)%n",
            spec.name(), name, row.successRate() * 100, row.amplification(), row.duplicates(), row.runSeconds());
        rows.add(row);
      }
      if (spec.name().equals(Schedules.AMBIGUOUS_TIMEOUTS)) {
        // a generic (user-written) profile's reconcile lookup, outside the table: see Strategies.USER_PROFILE
        ScorecardReport.Row row = runOne(spec, Strategies.LIBRARY_USER_PROFILE, calls, config.arrivalWindow(), false);
        userProfileLine = String.format(Locale.ROOT, "  %-18s %-20s success %5.1f%%  attempts/call %.2f  "
            + "duplicates %d  (%.1f s; AfterShip from the user profile %s, not in the table)", spec.name(),
            Strategies.LIBRARY_USER_PROFILE, row.successRate() * 100, row.amplification(), row.duplicates(),
            row.runSeconds(), Strategies.USER_PROFILE);
        out.println(userProfileLine);
      }
    }
    ScorecardReport report = new ScorecardReport(config, schedules, settings, rows,
        Duration.ofNanos(System.nanoTime() - started));
    out.println();
    out.println(report.table());
    out.println(ScorecardReport.TTR_DEFINITION);
    out.println(ScorecardReport.BLOCKED_DEFINITION);
    if (userProfileLine != null) {
      out.println(userProfileLine.strip());
    }
    out.println();
    report.targets().forEach(out::println);
    report.write();
    out.println("wrote " + report.markdownFile() + ", " + report.csvFile() + " and " + report.htmlFile()
        + " with its charts");
    if (config.images() != null) {
      out.println("wrote the READMEs' charts into " + config.images());
    }
    return report;
  }

  /** Runs each strategy once on a fault-free schedule (results discarded), so JIT warm-up favours nobody. */
  private void warmUp(List<Workload.LogicalCall> calls) throws InterruptedException {
    List<Workload.LogicalCall> few = calls.subList(0, Math.min(calls.size(), 60));
    Schedules.Spec calm = new Schedules.Spec("warm-up", "no faults", FaultSchedule.builder(config.seed())
        .rateLimits(1000, 1000).build());
    for (String name : Strategies.NAMES) {
      runOne(calm, name, few, config.arrivalWindow().dividedBy(4), false);
    }
  }

  /** What one logical call came to, with times in nanoseconds from the simulator's start. */
  record CallRecord(Workload.LogicalCall call, boolean succeeded, long arrivalNanos, long endNanos, String outcome,
      boolean refusedByBreaker) {}

  private ScorecardReport.Row runOne(Schedules.Spec spec, String strategyName, List<Workload.LogicalCall> calls,
      Duration window, boolean trace) throws InterruptedException {
    CallRecord[] records = new CallRecord[calls.size()];
    long spacing = window.toNanos() / calls.size();
    long runStart = System.nanoTime();
    SimulatorStats stats;
    RequestLog.Timeline timeline;
    RequestLog log = new RequestLog();
    try (Strategy strategy = Strategies.create(strategyName, config, log);
         SimulatedProvider sim = SimulatedProvider.start(spec.schedule())) {
      // The simulator's clock (its outage windows) starts when start() returns.
      long t0 = System.nanoTime();
      AtomicInteger threads = new AtomicInteger();
      ExecutorService callers = Executors.newFixedThreadPool(config.callers(), r -> {
        Thread t = new Thread(r, "caller-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      try {
        for (int i = 0; i < calls.size(); i++) {
          Workload.LogicalCall call = calls.get(i);
          long arrival = i * spacing;
          parkUntil(t0 + arrival);
          int slot = i;
          callers.execute(() -> records[slot] = call(strategy, sim, call, t0, arrival));
        }
        callers.shutdown();
        if (!callers.awaitTermination(window.toMillis() + 120_000, TimeUnit.MILLISECONDS)) {
          callers.shutdownNow();
          callers.awaitTermination(5, TimeUnit.SECONDS);
        }
      } finally {
        callers.shutdownNow();
      }
      stats = sim.stats();
      timeline = log.since(t0);
      for (int i = 0; i < records.length; i++) {
        if (records[i] == null) {
          records[i] = new CallRecord(calls.get(i), false, i * spacing, System.nanoTime() - t0, "unfinished", false);
        }
      }
    }
    double runSeconds = (System.nanoTime() - runStart) / 1e9;
    if (trace) {
      writeTrace(spec.name(), strategyName, records);
    }
    return ScorecardReport.Row.of(spec, strategyName, Arrays.asList(records), stats, runSeconds, timeline);
  }

  private CallRecord call(Strategy strategy, SimulatedProvider sim, Workload.LogicalCall call, long t0,
      long arrival) {
    boolean succeeded = false;
    boolean refused = false;
    String outcome;
    try {
      Strategy.FinalResponse response = strategy.execute(call.toRequest(sim));
      Classification c = judge(response);
      succeeded = c.decision() == Decision.SUCCEED;
      outcome = c.decision() + (c.code() != null ? " code " + c.code() : " http " + c.httpStatus());
    } catch (Exception e) {
      outcome = e.getClass().getSimpleName();
      refused = e instanceof BreakerOpenException || e instanceof CallNotPermittedException;
    }
    return new CallRecord(call, succeeded, arrival, System.nanoTime() - t0, outcome, refused);
  }

  /**
   * Judges a final response with the library's classifier (the same judge for every strategy): the logical call
   * reached its goal when the decision is SUCCEED (for a batch, when every item did).
   */
  Classification judge(Strategy.FinalResponse response) {
    int limit = judge.peekLimit();
    byte[] body = response.body();
    boolean cut = body.length > limit;
    return judge.classify(RequestSnapshot.of(response.method(), response.uri(), dev.shippingresilience.HeaderValues
            .empty(), null),
        ResponseSnapshot.of(response.status(), response.headers(), cut ? Arrays.copyOf(body, limit) : body, cut));
  }

  /** Writes one line per logical call to {@code OUT/calls/SCHEDULE.STRATEGY.csv}, for a closer look at a run. */
  private void writeTrace(String schedule, String strategy, CallRecord[] records) {
    StringBuilder b = new StringBuilder("index,provider,target,arrival_ms,end_ms,latency_ms,succeeded,outcome\n");
    for (CallRecord r : records) {
      Workload.LogicalCall c = r.call();
      b.append(String.format(Locale.ROOT, "%d,%s,%s,%.1f,%.1f,%.1f,%s,%s%n", c.index(), c.provider(),
          c.carrier() == null ? "" : c.carrier(), r.arrivalNanos() / 1e6, r.endNanos() / 1e6,
          (r.endNanos() - r.arrivalNanos()) / 1e6, r.succeeded(), r.outcome()));
    }
    try {
      Path dir = config.out().resolve("calls");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(schedule + "." + strategy + ".csv"), b);
    } catch (IOException e) {
      out.println("  (could not write the call trace: " + e + ")");
    }
  }

  private static void parkUntil(long nanoTime) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }
}
