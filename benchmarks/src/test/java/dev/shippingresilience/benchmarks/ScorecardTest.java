package dev.shippingresilience.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScorecardTest {
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private int run(String... args) {
    return Scorecard.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  /** The scorecard end to end at a tiny size: 4 callers, 20 calls per run, every duration at 3%. */
  @Nested
  class SmokeRun {
    @TempDir
    Path out;

    @Test
    void writesOneRowPerStrategyAndScheduleAndTheLibraryWinsTheCarrierOutageWithoutDuplicates() throws IOException {
      // when
      int code = run("--seed", "42", "--callers", "4", "--calls", "20", "--time-scale", "0.03", "--out",
          out.toString());

      // then
      assertThat(code).as(err()).isZero();
      Path csv = out.resolve("scorecard.csv");
      Path md = out.resolve("scorecard.md");
      assertThat(csv).isRegularFile();
      assertThat(md).isRegularFile();
      List<String> lines = Files.readAllLines(csv);
      assertThat(lines.get(0)).isEqualTo(ScorecardReport.CSV_HEADER);
      List<String[]> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        rows.add(line.split(",", -1));
      }
      int schedules = Schedules.all(ScorecardConfig.defaults()).size();
      assertThat(rows).hasSize(schedules * Strategies.NAMES.size());
      Set<String> keys = new HashSet<>();
      for (String[] row : rows) {
        assertThat(row).hasSize(ScorecardReport.CSV_HEADER.split(",").length);
        assertThat(keys.add(row[0] + "/" + row[1])).as("duplicate row " + row[0] + "/" + row[1]).isTrue();
        assertThat(Integer.parseInt(row[2])).isEqualTo(20);
      }
      for (String[] row : rows) {
        if (row[1].equals(Strategies.LIBRARY)) {
          assertThat(Long.parseLong(row[7])).as("duplicates created by the library on " + row[0]).isZero();
        }
      }
      Map<String, Double> carrierOutage = new HashMap<>();
      for (String[] row : rows) {
        if (row[0].equals("carrier-outage")) {
          carrierOutage.put(row[1], Double.parseDouble(row[4]));
        }
      }
      double library = carrierOutage.remove(Strategies.LIBRARY);
      assertThat(carrierOutage.values()).as("success rates of the other strategies on carrier-outage")
          .allSatisfy(other -> assertThat(library).isGreaterThan(other));
      String markdown = Files.readString(md);
      assertThat(markdown).contains("| carrier-outage", "Time to recover", Strategies.LIBRARY);
      assertThat(markdown.split("\n")).filteredOn(l -> l.startsWith("| ") && !l.startsWith("| schedule"))
          .hasSize(2 * rows.size());
    }
  }

  @Nested
  class Arguments {
    @ParameterizedTest
    @CsvSource({
        "--calls, 0, --calls",
        "--calls, many, --calls",
        "--callers, -3, --callers",
        "--seed, x1, --seed",
        "--time-scale, 50, --time-scale",
        "--bogus, 1, --bogus"})
    void aBadArgumentExitsTwoWithOneLineNamingIt(String option, String value, String named) {
      assertThat(run(option, value)).isEqualTo(2);
      assertThat(err().strip()).startsWith("scorecard: ").contains(named).doesNotContain("\n");
    }

    @Test
    void aMissingValueIsNamed() {
      assertThat(run("--out")).isEqualTo(2);
      assertThat(err().strip()).isEqualTo("scorecard: --out needs a value");
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
      ScorecardConfig config = Scorecard.parse(new String[0]);
      assertThat(config).isEqualTo(ScorecardConfig.defaults());
      assertThat(config.callers()).isGreaterThanOrEqualTo(16);
    }
  }
}
