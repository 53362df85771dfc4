package dev.shippingresilience.examples;

import dev.shippingresilience.Classification;
import dev.shippingresilience.ShippingCallException;
import dev.shippingresilience.ShippingMeters;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.observation.ShippingAttemptContext;
import dev.shippingresilience.observation.ShippingCallContext;
import dev.shippingresilience.observation.ShippingWaitContext;
import dev.shippingresilience.simulator.FaultSchedule;
import dev.shippingresilience.simulator.SimulatedProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: starts the embedded simulated provider and runs a realistic order pipeline through the library with
 * a real HTTP client (OkHttp, or with {@code --spring} Spring's RestClient on Apache HttpClient 5), printing one line
 * per logical call, a summary table and the Micrometer figures. Exits 1 when the library misbehaved (a duplicate
 * order or label, a leaked connection, an unexpected exception, a lost call, a secret in the output), 2 on bad
 * arguments. One instance per command line.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    header = "run calls against an embedded simulated provider (OkHttp; --async, --spring, --webclient)",
    usageHelpWidth = 110, sortOptions = false, synopsisHeading = "usage: ",
    customSynopsis = "demo [--seed N] [--calls N] [--fault-rate R] [--providers first4|all]"
        + " [--spring | --async | --webclient]",
    descriptionHeading = "%n", optionListHeading = "%n",
    description = "Runs an order pipeline against an embedded simulated provider (no network) and checks the "
        + "library for duplicates, leaks, lost calls and secrets in the output.",
    exitCodeListHeading = "%nexit status:%n",
    exitCodeList = {"0:no misbehaviour", "1:the library misbehaved", "2:usage mistake"})
final class DemoCommand implements Callable<Integer> {
  private static final List<String> SECRETS = List.of("demo-clickpost-key", "demo-aftership-key",
      "demo-17track-key", "demo-abicart-token", "demo-sendcloud-key", "demo-shipstation-key", "demo-easypost-key",
      "demo-shippo-key", "demo-shiprocket-token", "demo-fedex-token");
  private static final int WORKERS = 6;

  @Option(names = "--seed", paramLabel = "N", description = "the seed of the workload and the fault schedule "
      + "(default ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--calls", paramLabel = "N", description = "logical calls, 1..10000 (default ${DEFAULT-VALUE})")
  int calls = 42;

  @Option(names = "--fault-rate", paramLabel = "R",
      description = "background transient-fault rate, 0..0.5 (default ${DEFAULT-VALUE})")
  double faultRate = 0.1;

  @Option(names = "--providers", paramLabel = "SET", description = "first4 (Clickpost, AfterShip, 17TRACK, Abicart; "
      + "the default) or all (adds Sendcloud, ShipStation, EasyPost, Shippo, Shiprocket and FedEx)")
  String providers = "first4";

  @Option(names = "--spring", description = "run the pipeline through Spring's RestClient instead of OkHttp")
  boolean spring;

  @Option(names = "--async", description = "run the pipeline through OkHttp's enqueue with ShippingCallFactory "
      + "(no thread held while a call waits)")
  boolean async;

  @Option(names = "--webclient", description = "run the pipeline through Spring WebFlux's WebClient on Reactor Netty")
  boolean webclient;

  @Spec
  @Nullable CommandSpec spec;

  private final PrintStream stdout;
  private final PrintStream stderr;

  /** Checked options. */
  record Options(long seed, int calls, double faultRate, Transport transport, boolean allProviders) {}

  /** The client a run sends its calls through: one per adapter entry point. */
  enum Transport {
    /** OkHttp with {@code ShippingInterceptor}, blocking calls (the default). */
    OKHTTP((policies, port) -> new OkHttpDemo(policies)),
    /** OkHttp's {@code enqueue} through {@code ShippingCallFactory}. */
    OKHTTP_ASYNC((policies, port) -> new OkHttpAsyncDemo(policies)),
    /** Spring's {@code RestClient} with the interceptor, on Apache HttpClient 5. */
    SPRING((policies, port) -> new SpringDemo(policies)),
    /** Spring WebFlux's {@code WebClient} with the exchange filter, on Reactor Netty. */
    WEBCLIENT((policies, port) -> new WebClientDemo(policies));

    private final DemoClient.Opener opener;

    Transport(DemoClient.Opener opener) {
      this.opener = opener;
    }

    DemoClient open(ShippingPolicies policies, int simulatorPort) {
      return opener.open(policies, simulatorPort);
    }
  }

  DemoCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Runs the demo with {@code args} (after the subcommand); returns the exit code. */
  static int run(String[] args, PrintStream stdout, PrintStream stderr) {
    return Cli.execute(new CommandLine(new DemoCommand(stdout, stderr)), args, stdout, stderr);
  }

  /** Checks the parsed options and runs the demo; returns the exit code. */
  @Override
  public Integer call() {
    if (calls < 1 || calls > 10_000) {
      return Cli.mistake(Objects.requireNonNull(spec), stderr, "--calls must be between 1 and 10000, got " + calls);
    }
    if (!(faultRate >= 0 && faultRate <= 0.5)) {
      return Cli.mistake(Objects.requireNonNull(spec), stderr,
          "--fault-rate must be between 0 and 0.5, got " + faultRate);
    }
    int chosen = (spring ? 1 : 0) + (async ? 1 : 0) + (webclient ? 1 : 0);
    if (chosen > 1) {
      return Cli.mistake(Objects.requireNonNull(spec), stderr,
          "--spring, --async and --webclient pick the client: give at most one");
    }
    Transport transport = spring ? Transport.SPRING : async ? Transport.OKHTTP_ASYNC
        : webclient ? Transport.WEBCLIENT : Transport.OKHTTP;
    if (!providers.equals("first4") && !providers.equals("all")) {
      return Cli.mistake(Objects.requireNonNull(spec), stderr,
          "--providers must be first4 or all, got '" + providers + "'");
    }
    Options options = new Options(seed, calls, faultRate, transport, providers.equals("all"));
    Output out = new Output(stdout);
    try {
      return runPipeline(options, out);
    } catch (RuntimeException e) {
      stderr.println("demo: failed: " + e);
      return 1;
    }
  }

  /**
   * Runs the pipeline through the client of {@code options.transport()}, opened over the demo's policies. Everything
   * but the client is shared, so the runs differ only in how a call is sent.
   */
  static int runPipeline(Options options, Output out) {
    FaultSchedule schedule = FaultSchedule.demo(options.seed(), options.faultRate(), Duration.ofSeconds(3));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CallTrace.Recorder recorder = new CallTrace.Recorder();
    ShippingPolicies policies = demoPolicies(meters, recorder.registry());
    try (SimulatedProvider sim = SimulatedProvider.start(schedule);
        DemoClient client = options.transport().open(policies, sim.port())) {
      out.header(options, client.description(), sim.port(), policies);
      List<DemoWorkload.LogicalCall> calls = DemoWorkload.build(sim, options.seed(), options.calls(),
          options.allProviders());
      Results results = new Results(calls.size());
      long start = System.nanoTime();
      runAll(calls, call -> {
        CallTrace trace = recorder.begin();
        try {
          DemoClient.FinalResponse response = client.send(call.request());
          results.record(call, trace.finish(response.decision(), response.duplicate(), null), out);
        } catch (IOException e) {
          results.record(call, trace.finish(null, false, e), out);
        } catch (RuntimeException e) {
          results.unexpected(call, e, out);
        }
        results.timed(call, trace);
      });
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      return out.summary(results, meters, policies, sim, took, client.leaked(), SECRETS);
    }
  }

  /** The policies, scaled for a simulation that must finish in seconds: short polls, backoff and open waits. */
  static ShippingPolicies demoPolicies(SimpleMeterRegistry meters, ObservationRegistry observations) {
    return ShippingPolicies.builder()
        .configureAll(b -> b.meterRegistry(meters).observationRegistry(observations)
            .pollInterval(Duration.ofMillis(150))
            .maxPollDuration(Duration.ofSeconds(10))
            .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
            .breaker(50, 6, 3, Duration.ofSeconds(1), 1)
            .maxRetryAfter(Duration.ofSeconds(5))
            .deadline(Duration.ofSeconds(20)))
        .build();
  }

  interface CallBody {
    void run(DemoWorkload.LogicalCall call);
  }

  static void runAll(List<DemoWorkload.LogicalCall> calls, CallBody body) {
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (DemoWorkload.LogicalCall call : calls) {
        futures.add(pool.submit(() -> body.run(call)));
      }
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
    } catch (Exception e) {
      throw new IllegalStateException("the pipeline did not finish: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * What happened during one logical call, read from the engine's observations (one per call, a child per attempt
   * and per wait), so it is right whichever thread an attempt or a wait ends on (the async clients' callbacks, the
   * policy's scheduler). Written by the recorder's handler, read by the worker once its call ended.
   */
  static final class CallTrace {
    private final long startNanos = System.nanoTime();
    private final List<String> timeline = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int attempts;
    private volatile int polls;
    private volatile long waitedNanos;
    private volatile @Nullable Classification last;

    /** The final record of one logical call. */
    record Outcome(String decision, boolean duplicate, int attempts, int polls, Duration waited, String reason,
        String failure) {}

    /** The call's story: one line per attempt and per wait, with the time since the call began. */
    List<String> timeline() {
      return List.copyOf(timeline);
    }

    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    Outcome finish(String decisionHeader, boolean duplicate, Exception failure) {
      String decision = decisionHeader != null ? decisionHeader
          : failure instanceof ShippingCallException sce ? kind(sce) : "IO_ERROR";
      Classification c = last;
      String reason = failure != null ? failure.getMessage() : c != null ? c.reason() : "";
      return new Outcome(decision, duplicate, attempts, polls, Duration.ofNanos(waitedNanos),
          reason == null ? "" : reason, failure == null ? null : failure.getClass().getSimpleName());
    }

    private synchronized void attempt(ShippingAttemptContext a) {
      attempts++;
      if (a.poll() > 0) {
        polls++;
      }
      if (a.classification() != null) {
        last = a.classification();
      }
      timeline.add(String.format(Locale.ROOT, "%7.3fs  %s #%d%s  %s", seconds(), a.method(), a.attempt(),
          a.poll() > 0 ? " poll " + a.poll() : "", a.classification() != null
              ? a.classification().decision() + (a.classification().code() != null
                  ? " code " + a.classification().code() : "") : a.outcome()));
    }

    private synchronized void waited(ShippingWaitContext w) {
      waitedNanos += w.planned().toNanos();
      timeline.add(String.format(Locale.ROOT, "%7.3fs  wait %s %d ms (%s)", seconds(), w.cause(),
          w.planned().toMillis(), w.outcome()));
    }

    private double seconds() {
      return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String kind(ShippingCallException e) {
      String name = e.getClass().getSimpleName().replace("Exception", "");
      return name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /**
     * Hands each call's observations to its trace: a call observation starts on the worker's thread (every client
     * starts the engine there, blocking or not), where {@link #begin()} left the trace; its attempts and waits find
     * it through their parent, on whatever thread they end.
     */
    static final class Recorder implements ObservationHandler<Observation.Context> {
      private final ThreadLocal<CallTrace> current = ThreadLocal.withInitial(CallTrace::new);

      CallTrace begin() {
        CallTrace trace = new CallTrace();
        current.set(trace);
        return trace;
      }

      /** An observation registry that feeds this recorder. */
      ObservationRegistry registry() {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(this);
        return registry;
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return context instanceof ShippingCallContext || context instanceof ShippingAttemptContext
            || context instanceof ShippingWaitContext;
      }

      @Override
      public void onStart(Observation.Context context) {
        if (context instanceof ShippingCallContext) {
          context.put(CallTrace.class, current.get());
        }
      }

      @Override
      public void onStop(Observation.Context context) {
        CallTrace trace = parentTrace(context);
        if (trace == null) {
          return;
        }
        if (context instanceof ShippingAttemptContext a) {
          trace.attempt(a);
        } else if (context instanceof ShippingWaitContext w) {
          trace.waited(w);
        }
      }

      private static @Nullable CallTrace parentTrace(Observation.Context context) {
        var parent = context.getParentObservation();
        return parent == null ? null : parent.getContextView().get(CallTrace.class);
      }
    }
  }

  /** Tallies the outcomes. Thread-safe. */
  static final class Results {
    final int expected;
    final AtomicInteger done = new AtomicInteger();
    final Map<String, Map<String, Integer>> byOperation = new TreeMap<>();
    final Map<String, int[]> effort = new TreeMap<>();
    final List<String> unexpected = new ArrayList<>();
    /** The call that took longest so far: what it was, how long it took, and its story from the observations. */
    @Nullable String slowestCall;
    Duration slowestTook = Duration.ZERO;
    List<String> slowestTimeline = List.of();

    Results(int expected) {
      this.expected = expected;
    }

    synchronized void timed(DemoWorkload.LogicalCall call, CallTrace trace) {
      Duration took = trace.elapsed();
      if (took.compareTo(slowestTook) > 0) {
        slowestTook = took;
        slowestCall = "#" + call.number() + " " + call.provider() + " " + call.operation() + " " + call.target();
        slowestTimeline = trace.timeline();
      }
    }

    synchronized void record(DemoWorkload.LogicalCall call, CallTrace.Outcome o, Output out) {
      int n = done.incrementAndGet();
      String key = call.provider() + " " + call.operation();
      String decision = o.decision() + (o.duplicate() ? "+dup" : "");
      byOperation.computeIfAbsent(key, k -> new TreeMap<>()).merge(decision, 1, Integer::sum);
      int[] e = effort.computeIfAbsent(key, k -> new int[3]);
      e[0] += o.attempts();
      e[1] += o.polls();
      e[2] += (int) o.waited().toMillis();
      out.line(n, expected, call, o);
    }

    synchronized void unexpected(DemoWorkload.LogicalCall call, RuntimeException e, Output out) {
      done.incrementAndGet();
      unexpected.add("#" + call.number() + " " + e);
      out.raw("!! call #" + call.number() + " threw " + e.getClass().getName());
    }
  }

  /** Prints, redacting as it goes, and remembers what it printed so the secret check can read it. */
  static final class Output {
    private final PrintStream out;
    private final StringBuilder printed = new StringBuilder();

    Output(PrintStream out) {
      this.out = out;
    }

    synchronized void raw(String line) {
      String safe = dev.shippingresilience.Redaction.defaults().text(line);
      printed.append(safe).append('\n');
      out.println(safe);
      out.flush();
    }

    void header(Options o, String transport, int port, ShippingPolicies policies) {
      raw("shipping-resilience demo: seed " + o.seed() + ", " + o.calls() + " calls, fault rate " + o.faultRate()
          + ", " + transport);
      raw("simulated providers on 127.0.0.1:" + port + " (Clickpost courier 5 and AfterShip fedex down for the "
          + "first 3 s)");
      raw("settings scaled for the simulation: poll 150 ms, backoff 50-400 ms, breaker opens at 50% of 6 calls "
          + "(min 3) for 1 s");
      raw("");
    }

    void line(int n, int total, DemoWorkload.LogicalCall call, CallTrace.Outcome o) {
      // the reason whole: it is the answer to "why was this retried?", and a cut one may lose the part that says
      raw(String.format(Locale.ROOT, "[%3d/%d] %-18s %-13s %-16s %-14s attempts=%d polls=%d waited=%.2fs  %s",
          n, total, call.provider(), call.operation(), call.target(), o.decision() + (o.duplicate() ? " (dup)" : ""),
          o.attempts(), o.polls(), o.waited().toMillis() / 1000.0, o.reason()));
    }

    int summary(Results results, SimpleMeterRegistry meters, ShippingPolicies policies, SimulatedProvider sim,
        Duration took, boolean leaked, List<String> secrets) {
      raw("");
      raw("Summary (" + results.done.get() + " logical calls in " + String.format(Locale.ROOT, "%.1f",
          took.toMillis() / 1000.0) + " s)");
      raw(String.format(Locale.ROOT, "%-34s %-52s %8s %6s %9s", "provider operation", "outcomes", "attempts",
          "polls", "waited"));
      results.byOperation.forEach((op, outcomes) -> {
        int[] e = results.effort.get(op);
        raw(String.format(Locale.ROOT, "%-34s %-52s %8d %6d %8.2fs", op, outcomes.toString(), e[0], e[1],
            e[2] / 1000.0));
      });
      raw("");
      raw("Simulated providers saw: " + sim.requests() + "; 429s served " + sim.stats().tooManyRequestsServed()
          + "; requests into an outage " + sim.stats().requestsDuringOutage() + "; duplicates created "
          + sim.stats().duplicatesCreated());
      raw("Breakers: " + breakers(policies));
      raw("");
      raw("Micrometer:");
      metrics(meters);
      if (results.slowestCall != null) {
        raw("");
        raw(String.format(Locale.ROOT, "The slowest call, %s (%.2f s), from its observations (each step at the time it ended):",
            results.slowestCall, results.slowestTook.toMillis() / 1000.0));
        results.slowestTimeline.forEach(line -> raw("  " + line));
      }

      List<String> problems = new ArrayList<>();
      if (sim.stats().duplicatesCreated() > 0) {
        problems.add(sim.stats().duplicatesCreated() + " duplicate orders or labels were created");
      }
      if (leaked) {
        problems.add("a connection was leaked (a response was not closed)");
      }
      if (!results.unexpected.isEmpty()) {
        problems.add("unexpected exceptions: " + results.unexpected);
      }
      if (results.done.get() != results.expected) {
        problems.add("only " + results.done.get() + " of " + results.expected + " calls finished");
      }
      double callsTimed = meters.find(ShippingMeters.CALLS).timers().stream().mapToLong(Timer::count).sum();
      if (callsTimed != results.expected) {
        problems.add("the calls meter counted " + (long) callsTimed + " logical calls, expected " + results.expected);
      }
      for (String secret : secrets) {
        if (printed.indexOf(secret) >= 0) {
          problems.add("a secret appeared in the output");
        }
      }
      raw("");
      if (problems.isEmpty()) {
        raw("OK: no duplicates, no leaks, no secrets in the output, every call accounted for.");
        return 0;
      }
      problems.forEach(p -> raw("MISBEHAVED: " + p));
      return 1;
    }

    private static String breakers(ShippingPolicies policies) {
      Map<String, String> states = new TreeMap<>();
      for (ShippingPolicy p : policies.all()) {
        p.breakerStates().forEach((scope, state) -> {
          if (!scope.contains("/operation:")) {
            states.put(scope, state);
          }
        });
      }
      states.keySet().removeIf(scope -> !scope.contains("/") && states.get(scope).equals("CLOSED")
          && scope.equals("generic-http"));
      return states.toString();
    }

    private void metrics(SimpleMeterRegistry meters) {
      Map<String, Double> attempts = new TreeMap<>();
      Map<String, Double> outcomes = new TreeMap<>();
      Map<String, Double> waits = new TreeMap<>();
      for (Meter m : meters.getMeters()) {
        String name = m.getId().getName();
        if (name.equals(ShippingMeters.ATTEMPTS)) {
          attempts.merge(m.getId().getTag("provider") + " " + m.getId().getTag("decision"),
              ((Counter) m).count(), Double::sum);
        } else if (name.equals(ShippingMeters.CALLS)) {
          outcomes.merge(m.getId().getTag("provider") + " " + m.getId().getTag("outcome"),
              (double) ((Timer) m).count(), Double::sum);
        } else if (name.equals(ShippingMeters.WAITS)) {
          waits.merge(m.getId().getTag("cause"), ((Timer) m).totalTime(TimeUnit.MILLISECONDS), Double::sum);
        }
      }
      raw("  " + ShippingMeters.ATTEMPTS + " by provider and decision: " + compact(attempts));
      raw("  " + ShippingMeters.CALLS + " by provider and outcome: " + compact(outcomes));
      raw("  " + ShippingMeters.WAITS + " total ms by cause: " + compact(waits));
    }

    private static String compact(Map<String, Double> values) {
      StringBuilder sb = new StringBuilder();
      values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=')
          .append(v % 1 == 0 ? Long.toString(v.longValue()) : String.format(Locale.ROOT, "%.0f", v)));
      return sb.toString();
    }
  }
}
