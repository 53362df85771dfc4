package dev.shippingresilience.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The success rate per provider and strategy of the schedules whose workload spans all ten providers, so that each
 * provider added as data is scored on its own (a run's row mixes them). Computed from each row's failures, which
 * name the provider, and the workload's calls per provider.
 */
final class ProviderBreakdown {
  private ProviderBreakdown() {}

  /**
   * Returns, per provider, its logical calls and the calls that succeeded under each strategy in the order of
   * {@code rows}, for the schedule {@code spec} (an all-providers one).
   */
  static Map<String, int[]> successes(Schedules.Spec spec, List<ScorecardReport.Row> rows, ScorecardConfig config) {
    Map<String, int[]> out = new LinkedHashMap<>();
    List<ScorecardReport.Row> runs = rows.stream().filter(r -> r.schedule().equals(spec.name())).toList();
    for (Workload.LogicalCall call : spec.workload(config.seed(), config.calls())) {
      int[] counts = out.computeIfAbsent(call.provider(), k -> new int[1 + runs.size()]);
      counts[0]++;
      for (int i = 0; i < runs.size(); i++) {
        counts[1 + i]++;
      }
    }
    for (int i = 0; i < runs.size(); i++) {
      for (Map.Entry<String, Integer> failure : runs.get(i).failures().entrySet()) {
        String provider = failure.getKey().substring(0, failure.getKey().indexOf(": "));
        out.get(provider)[1 + i] -= failure.getValue();
      }
    }
    return out;
  }

  /** Returns a Markdown section with one table per all-providers schedule, or "" when there is none. */
  static String markdown(List<Schedules.Spec> schedules, List<ScorecardReport.Row> rows, ScorecardConfig config) {
    StringBuilder b = new StringBuilder();
    for (Schedules.Spec spec : schedules) {
      if (!spec.allProviders()) {
        continue;
      }
      List<String> strategies = new ArrayList<>();
      rows.stream().filter(r -> r.schedule().equals(spec.name())).forEach(r -> strategies.add(r.strategy()));
      b.append("## ").append(spec.name()).append(": success per provider\n\n| provider | calls |");
      strategies.forEach(s -> b.append(' ').append(s).append(" |"));
      b.append("\n|:--|--:|").append("--:|".repeat(strategies.size())).append('\n');
      successes(spec, rows, config).forEach((provider, counts) -> {
        b.append("| ").append(provider).append(" | ").append(counts[0]).append(" |");
        for (int i = 1; i < counts.length; i++) {
          b.append(String.format(Locale.ROOT, " %.1f%% |", 100.0 * counts[i] / counts[0]));
        }
        b.append('\n');
      });
      b.append('\n');
    }
    return b.toString();
  }
}
