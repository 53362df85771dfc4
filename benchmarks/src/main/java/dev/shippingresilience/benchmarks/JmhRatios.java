package dev.shippingresilience.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns JMH JSON results ({@code -rf json}, one file or several from one session) into the Markdown tables of issue
 * 13: each library figure as a ratio against its baseline and its peers measured in the same run, with allocation
 * per operation ({@code -prof gc}) and CPU per operation ({@code -prof} {@link CpuTimeProfiler}) when recorded.
 *
 * <ul>
 *   <li>classification against {@code readTree} + pointer, a full streaming scan and a scan to the code
 *       ({@link ClassifierBenchmark});
 *   <li>the OkHttp interceptor, Failsafe and Resilience4j over a bare client, over loopback
 *       ({@link InterceptorBenchmark}) and without network ({@link NoNetworkBenchmark}), and the library's
 *       overhead as a multiple of each peer's;
 *   <li>{@code ShippingCallFactory}'s {@code enqueue} and Failsafe's {@code FailsafeCall.executeAsync} over a bare
 *       {@code enqueue} ({@link AsyncCallBenchmark});
 *   <li>the Spring interceptor over a bare {@code RestClient} ({@link SpringBenchmark});
 *   <li>{@code ShippingPolicy.execute} against Failsafe and Resilience4j ({@link PolicyBenchmark});
 *   <li>calls/s with 8 threads, intercepted / bare ({@link ScalingBenchmark}).
 * </ul>
 *
 * <p>A benchmark missing from the results only omits its row; a table without its baseline is left out.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.shippingresilience.benchmarks.JmhRatios benchmarks/target/jmh.json</pre>
 */
public final class JmhRatios {
  private static final String[] PROVIDERS = {"clickpost", "aftership-shipping", "17track", "abicart"};
  private static final String[] SIZES = {"typical", "large"};
  private static final String BARE = "bare";
  private static final String FAILSAFE = "failsafe";
  private static final String RESILIENCE4J = "resilience4j";
  private static final List<Variant> OKHTTP = List.of(
      new Variant(BARE, "bare OkHttp"),
      new Variant("withInterceptor", "ShippingInterceptor"),
      new Variant(FAILSAFE, "Failsafe `FailsafeCall` (RetryPolicy + CircuitBreaker)"),
      new Variant(RESILIENCE4J, "Resilience4j Retry + CircuitBreaker around `call.execute()`"));
  private static final List<Variant> ASYNC = List.of(
      new Variant(BARE, "bare OkHttp `enqueue`"),
      new Variant("callFactory", "ShippingCallFactory `enqueue`"),
      new Variant(FAILSAFE, "Failsafe `FailsafeCall.executeAsync` (RetryPolicy + CircuitBreaker)"));
  private static final String PASS_THROUGH = "withPassThroughInterceptor";
  private static final List<Variant> SPRING = List.of(
      new Variant(BARE, "bare `RestClient` (JDK HttpClient)"),
      new Variant("withInterceptor", "ShippingResilienceInterceptor"),
      new Variant(PASS_THROUGH, "a pass-through interceptor (Spring's own interception cost)"));
  private static final List<Variant> PROGRAMMATIC = List.of(
      new Variant(BARE, "the attempt alone (prebuilt response)"),
      new Variant("shippingPolicy", "`ShippingPolicy.execute`"),
      new Variant(FAILSAFE, "Failsafe `get` (RetryPolicy + CircuitBreaker)"),
      new Variant(RESILIENCE4J, "Resilience4j decorated supplier (Retry + CircuitBreaker)"));
  private static final List<Variant> SCALING = List.of(
      new Variant(BARE, "bare OkHttp"),
      new Variant("withInterceptor", "ShippingInterceptor"));

  private JmhRatios() {}

  /** Prints the tables for the JSON files named by {@code args}; exits 2 without one. */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: JmhRatios JMH_RESULT.json [MORE.json ...]");
      System.exit(2);
    }
    List<String> jsons = new ArrayList<>();
    for (String arg : args) {
      jsons.add(Files.readString(Path.of(arg)));
    }
    print(jsons, System.out);
  }

  /** One measured benchmark: its mean, error and unit, and the normalized allocation and CPU if recorded. */
  record Score(double mean, double error, String unit, @Nullable Double bytesPerOp, @Nullable Double cpuPerOp) {}

  /** A benchmark method of a class and how a table names it. */
  private record Variant(String method, String label) {}

  static void print(String json, PrintStream out) throws IOException {
    print(List.of(json), out);
  }

  static void print(List<String> jsons, PrintStream out) throws IOException {
    Map<String, Score> scores = new LinkedHashMap<>();
    ObjectMapper mapper = new ObjectMapper();
    for (String json : jsons) {
      for (JsonNode r : mapper.readTree(json)) {
        read(r, scores);
      }
    }
    printClassification(scores, out);
    printLowerBounds(scores, out);
    String serverShare = "CPU and allocation include the in-process server's share, the same in every row.";
    printOverheads(scores, out, "InterceptorBenchmark", OKHTTP, "A successful Clickpost call through OkHttp on "
        + "loopback", serverShare);
    printOverheads(scores, out, "NoNetworkBenchmark", OKHTTP, "The same clients without network, the last "
        + "interceptor answering with a prebuilt Clickpost 200", "");
    printOverheads(scores, out, "AsyncCallBenchmark", ASYNC, "A successful asynchronous Clickpost call through "
        + "OkHttp's `enqueue` on loopback, the body read in the callback", serverShare);
    printOverheads(scores, out, "SpringBenchmark", SPRING, "A successful Clickpost call through Spring's "
        + "`RestClient` on the JDK HttpClient over loopback", serverShare);
    printOverheads(scores, out, "PolicyBenchmark", PROGRAMMATIC, "The programmatic path: one successful call "
        + "with an attempt that returns a prebuilt response", "");
    printScaling(scores, out);
  }

  private static void read(JsonNode r, Map<String, Score> scores) {
    String name = r.path("benchmark").asText();
    name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
    StringBuilder key = new StringBuilder(name);
    for (Map.Entry<String, JsonNode> p : r.path("params").properties()) {
      key.append(' ').append(p.getKey()).append('=').append(p.getValue().asText());
    }
    JsonNode primary = r.path("primaryMetric");
    Double alloc = null;
    Double cpu = null;
    for (Map.Entry<String, JsonNode> m : r.path("secondaryMetrics").properties()) {
      if (m.getKey().endsWith("gc.alloc.rate.norm")) {
        alloc = m.getValue().path("score").asDouble();
      } else if (m.getKey().endsWith(CpuTimeProfiler.METRIC)) {
        cpu = m.getValue().path("score").asDouble();
      }
    }
    scores.put(key.toString(), new Score(primary.path("score").asDouble(), primary.path("scoreError").asDouble(),
        primary.path("scoreUnit").asText(), alloc, cpu));
  }

  private static void printClassification(Map<String, Score> scores, PrintStream out) {
    StringBuilder rows = new StringBuilder();
    for (String provider : PROVIDERS) {
      for (String size : SIZES) {
        String params = " provider=" + provider + " size=" + size;
        Score c = scores.get("ClassifierBenchmark.classify" + params);
        Score b = scores.get("ClassifierBenchmark.readTreeBaseline" + params);
        if (c == null || b == null) {
          continue;
        }
        rows.append(String.format(Locale.ROOT, "| %s | %s (%s) | %s | %s | **%.2f** | %s | %s |%n", provider, size,
            kib(BenchmarkBodies.body(provider, size).length), time(c), time(b), c.mean() / b.mean(),
            bytes(c.bytesPerOp()), bytes(b.bytesPerOp())));
      }
    }
    printTable(out, "Classification vs the Jackson baseline (`readTree` + one JSON Pointer), same run:",
        "| provider | body | classify | readTree + at | classify / baseline | alloc classify | alloc baseline |",
        "|:--|:--|--:|--:|--:|--:|--:|", rows);
  }

  /** Classification against the streaming lower bounds: a full scan of the body, and a scan that stops at the code. */
  private static void printLowerBounds(Map<String, Score> scores, PrintStream out) {
    StringBuilder rows = new StringBuilder();
    for (String provider : PROVIDERS) {
      for (String size : SIZES) {
        String params = " provider=" + provider + " size=" + size;
        Score c = scores.get("ClassifierBenchmark.classify" + params);
        Score full = scores.get("ClassifierBenchmark.fullScan" + params);
        Score toCode = scores.get("ClassifierBenchmark.scanToCode" + params);
        Score validate = scores.get("ClassifierBenchmark.validateOnly" + params);
        if (c == null || full == null || toCode == null) {
          continue;
        }
        rows.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | **%.2f** | **%.2f** | %s | %s | %s |%n",
            provider, size, time(full), time(toCode), c.mean() / full.mean(), c.mean() / toCode.mean(),
            bytes(full.bytesPerOp()), validate == null ? "" : time(validate),
            validate == null ? "" : String.format(Locale.ROOT, "**%.2f**", validate.mean() / toCode.mean())));
      }
    }
    printTable(out, "Classification vs the streaming lower bounds (Jackson's parser over every token; or stopping "
            + "at the code; or the library's reader checking the whole body and reading nothing), same run:",
        "| provider | body | full scan | scan to code | classify / full scan | classify / scan to code | "
            + "alloc full scan | validate only | validate only / scan to code |",
        "|:--|:--|--:|--:|--:|--:|--:|--:|--:|", rows);
  }

  /**
   * One table per parameter set of {@code benchmarkClass}: each variant's time, CPU and allocation per call and what
   * it adds over {@code bare}; then the library's overhead (the second variant) as a multiple of each peer's.
   */
  private static void printOverheads(Map<String, Score> scores, PrintStream out, String benchmarkClass,
      List<Variant> variants, String title, String note) {
    for (String params : paramSets(scores, benchmarkClass)) {
      Score bare = scores.get(benchmarkClass + "." + BARE + params);
      StringBuilder rows = new StringBuilder();
      for (Variant v : variants) {
        Score s = scores.get(benchmarkClass + "." + v.method() + params);
        if (s == null) {
          continue;
        }
        boolean baseline = v.method().equals(BARE);
        rows.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", v.label(), time(s),
            micros(s.cpuPerOp()), bytes(s.bytesPerOp()),
            baseline ? "" : "**" + signedMicros(over(s.cpuPerOp(), bare.cpuPerOp())) + "**",
            baseline ? "" : "**" + signedBytes(over(s.bytesPerOp(), bare.bytesPerOp())) + "**"));
      }
      printTable(out, title + params(params) + ", same run:",
          "| client | time per call | CPU per call | alloc per call | CPU over bare | alloc over bare |",
          "|:--|--:|--:|--:|--:|--:|", rows);
      if (!note.isEmpty()) {
        out.printf("%n%s%n", note);
      }
      Variant library = variants.get(1);
      Score lib = scores.get(benchmarkClass + "." + library.method() + params);
      if (lib == null) {
        continue;
      }
      for (Variant peer : variants.subList(2, variants.size())) {
        Score p = scores.get(benchmarkClass + "." + peer.method() + params);
        if (p == null) {
          continue;
        }
        out.printf(Locale.ROOT, "%n%s over bare / %s over bare: CPU **%s**, allocation **%s**.%n", library.label(),
            peerName(peer),
            ratio(over(lib.cpuPerOp(), bare.cpuPerOp()), over(p.cpuPerOp(), bare.cpuPerOp())),
            ratio(over(lib.bytesPerOp(), bare.bytesPerOp()), over(p.bytesPerOp(), bare.bytesPerOp())));
      }
    }
  }

  private static String peerName(Variant peer) {
    switch (peer.method()) {
      case FAILSAFE:
        return "Failsafe";
      case PASS_THROUGH:
        return "a pass-through interceptor";
      default:
        return "Resilience4j";
    }
  }

  /** Calls per second with 8 threads, and the intercepted client's share of the bare client's. */
  private static void printScaling(Map<String, Score> scores, PrintStream out) {
    for (String params : paramSets(scores, "ScalingBenchmark")) {
      Score bare = scores.get("ScalingBenchmark." + BARE + params);
      StringBuilder rows = new StringBuilder();
      for (Variant v : SCALING) {
        Score s = scores.get("ScalingBenchmark." + v.method() + params);
        if (s != null) {
          rows.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", v.label(), time(s),
              micros(s.cpuPerOp()), bytes(s.bytesPerOp())));
        }
      }
      printTable(out, "Calls per second with 8 calling threads sharing one client over loopback" + params(params)
              + ", same run:",
          "| client | calls per second | CPU per call | alloc per call |", "|:--|--:|--:|--:|", rows);
      Score with = scores.get("ScalingBenchmark." + SCALING.get(1).method() + params);
      if (with != null) {
        out.printf(Locale.ROOT, "%nShippingInterceptor / bare calls per second: **%.2f** (goal: at least 0.90).%n",
            with.mean() / bare.mean());
      }
    }
  }

  /** The parameter sets measured for {@code benchmarkClass}'s {@code bare}, as key suffixes ({@code " method=GET"}). */
  private static Set<String> paramSets(Map<String, Score> scores, String benchmarkClass) {
    String prefix = benchmarkClass + "." + BARE;
    Set<String> sets = new LinkedHashSet<>();
    for (String key : scores.keySet()) {
      if (key.equals(prefix) || key.startsWith(prefix + " ")) {
        sets.add(key.substring(prefix.length()));
      }
    }
    return sets;
  }

  private static void printTable(PrintStream out, String title, String header, String align, CharSequence rows) {
    if (rows.length() == 0) {
      return;
    }
    out.println();
    out.println(title);
    out.println();
    out.println(header);
    out.println(align);
    out.print(rows);
  }

  private static String params(String params) {
    return params.isEmpty() ? "" : " (" + params.trim() + ")";
  }

  private static @Nullable Double over(@Nullable Double value, @Nullable Double baseline) {
    return value == null || baseline == null ? null : value - baseline;
  }

  private static String ratio(@Nullable Double overhead, @Nullable Double peerOverhead) {
    if (overhead == null || peerOverhead == null) {
      return "n/a";
    }
    if (peerOverhead <= 0) {
      return "n/a (the peer's is not above the bare client's)";
    }
    return String.format(Locale.ROOT, "%.1fx", overhead / peerOverhead);
  }

  private static String time(Score s) {
    // JMH gives no error (NaN) for fewer than 3 iterations
    return Double.isNaN(s.error()) ? String.format(Locale.ROOT, "%.2f %s", s.mean(), s.unit())
        : String.format(Locale.ROOT, "%.2f ± %.2f %s", s.mean(), s.error(), s.unit());
  }

  private static String micros(@Nullable Double us) {
    return us == null ? "n/a" : String.format(Locale.ROOT, "%.2f us", us);
  }

  private static String signedMicros(@Nullable Double us) {
    return us == null ? "n/a" : String.format(Locale.ROOT, "%+.2f us", us);
  }

  private static String bytes(@Nullable Double b) {
    if (b == null) {
      return "n/a";
    }
    return b >= 10_240 ? String.format(Locale.ROOT, "%.1f KiB", b / 1024) : String.format(Locale.ROOT, "%.0f B", b);
  }

  private static String signedBytes(@Nullable Double b) {
    if (b == null) {
      return "n/a";
    }
    return (b >= 0 ? "+" : "-") + bytes(Math.abs(b));
  }

  private static String kib(int bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
