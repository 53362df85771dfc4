package dev.shippingresilience.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns a JMH JSON result ({@code -rf json}) into the README's Markdown tables: each library figure as a ratio
 * against its baseline measured in the same run (classifier vs {@code readTree} per provider and size; interceptor
 * vs bare OkHttp), with the allocation per operation when the run used {@code -prof gc}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.shippingresilience.benchmarks.JmhRatios benchmarks/target/jmh.json</pre>
 */
public final class JmhRatios {
  private JmhRatios() {}

  /** Prints the tables for the JSON file named by {@code args[0]}; exits 2 without one. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: JmhRatios JMH_RESULT.json");
      System.exit(2);
    }
    print(Files.readString(Path.of(args[0])), System.out);
  }

  /** One measured benchmark: its mean, error and unit, and the normalized allocation if recorded. */
  record Score(double mean, double error, String unit, @Nullable Double bytesPerOp) {}

  static void print(String json, PrintStream out) throws IOException {
    JsonNode results = new ObjectMapper().readTree(json);
    Map<String, Score> scores = new LinkedHashMap<>();
    for (JsonNode r : results) {
      String name = r.path("benchmark").asText();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      StringBuilder key = new StringBuilder(name);
      for (Map.Entry<String, JsonNode> p : r.path("params").properties()) {
        key.append(' ').append(p.getKey()).append('=').append(p.getValue().asText());
      }
      JsonNode primary = r.path("primaryMetric");
      Double alloc = null;
      for (Map.Entry<String, JsonNode> m : r.path("secondaryMetrics").properties()) {
        if (m.getKey().endsWith("gc.alloc.rate.norm")) {
          alloc = m.getValue().path("score").asDouble();
        }
      }
      scores.put(key.toString(), new Score(primary.path("score").asDouble(), primary.path("scoreError").asDouble(),
          primary.path("scoreUnit").asText(), alloc));
    }

    out.println("Classification vs the Jackson baseline (`readTree` + one JSON Pointer), same run:");
    out.println();
    out.println("| provider | body | classify | readTree + at | classify / baseline | alloc classify | "
        + "alloc baseline |");
    out.println("|:--|:--|--:|--:|--:|--:|--:|");
    for (String provider : new String[] {"clickpost", "aftership-shipping", "17track", "abicart"}) {
      for (String size : new String[] {"typical", "large"}) {
        String params = " provider=" + provider + " size=" + size;
        Score c = scores.get("ClassifierBenchmark.classify" + params);
        Score b = scores.get("ClassifierBenchmark.readTreeBaseline" + params);
        if (c == null || b == null) {
          continue;
        }
        out.printf(Locale.ROOT, "| %s | %s (%s) | %s | %s | **%.2f** | %s | %s |%n", provider, size,
            kib(BenchmarkBodies.body(provider, size).length), time(c), time(b), c.mean() / b.mean(),
            bytes(c.bytesPerOp()), bytes(b.bytesPerOp()));
      }
    }
    printLowerBounds(scores, out);
    Score bare = scores.get("InterceptorBenchmark.bare");
    Score with = scores.get("InterceptorBenchmark.withInterceptor");
    if (bare != null && with != null) {
      out.println();
      out.println("A successful Clickpost create-order through OkHttp on loopback, same run:");
      out.println();
      out.println("| client | time per call | ratio | alloc per call |");
      out.println("|:--|--:|--:|--:|");
      out.printf(Locale.ROOT, "| bare OkHttp | %s | 1.00 | %s |%n", time(bare), bytes(bare.bytesPerOp()));
      out.printf(Locale.ROOT, "| with ShippingInterceptor | %s | **%.2f** | %s |%n", time(with),
          with.mean() / bare.mean(), bytes(with.bytesPerOp()));
      if (bare.bytesPerOp() != null && with.bytesPerOp() != null) {
        out.printf(Locale.ROOT, "%nThe interceptor adds %.1f us and %s per call.%n", with.mean() - bare.mean(),
            bytes(with.bytesPerOp() - bare.bytesPerOp()));
      }
    }
  }

  /** Classification against the streaming lower bounds: a full scan of the body, and a scan that stops at the code. */
  private static void printLowerBounds(Map<String, Score> scores, PrintStream out) {
    StringBuilder rows = new StringBuilder();
    for (String provider : new String[] {"clickpost", "aftership-shipping", "17track", "abicart"}) {
      for (String size : new String[] {"typical", "large"}) {
        String params = " provider=" + provider + " size=" + size;
        Score c = scores.get("ClassifierBenchmark.classify" + params);
        Score full = scores.get("ClassifierBenchmark.fullScan" + params);
        Score toCode = scores.get("ClassifierBenchmark.scanToCode" + params);
        if (c == null || full == null || toCode == null) {
          continue;
        }
        rows.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | **%.2f** | **%.2f** | %s |%n", provider, size,
            time(full), time(toCode), c.mean() / full.mean(), c.mean() / toCode.mean(), bytes(full.bytesPerOp())));
      }
    }
    if (rows.length() == 0) {
      return;
    }
    out.println();
    out.println("Classification vs the streaming lower bounds (Jackson's parser over every token; or stopping at the "
        + "code), same run:");
    out.println();
    out.println("| provider | body | full scan | scan to code | classify / full scan | classify / scan to code | "
        + "alloc full scan |");
    out.println("|:--|:--|--:|--:|--:|--:|--:|");
    out.print(rows);
  }

  private static String time(Score s) {
    return String.format(Locale.ROOT, "%.2f ± %.2f %s", s.mean(), s.error(), s.unit());
  }

  private static String bytes(@Nullable Double b) {
    if (b == null) {
      return "n/a";
    }
    return b >= 10_240 ? String.format(Locale.ROOT, "%.1f KiB", b / 1024) : String.format(Locale.ROOT, "%.0f B", b);
  }

  private static String kib(int bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
