package dev.shippingresilience.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
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
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

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

  /**
   * The scorecard end to end at a tiny size, run once for the whole group: 4 callers, 20 calls per run, every
   * duration at 3%.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SmokeRun {
    private Path out;
    private Path images;
    private ScorecardConfig config;
    private ScorecardReport report;

    @BeforeAll
    void runTheScorecard(@TempDir Path out, @TempDir Path images) throws Exception {
      this.out = out;
      this.images = images;
      config = Scorecard.parse(new String[] {"--seed", "42", "--callers", "4", "--calls", "20",
          "--time-scale", "0.03", "--out", out.toString(), "--images", images.toString()});
      report = Scorecard.run(config, new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesOneRowPerStrategyAndScheduleAndTheLibraryWinsTheCarrierOutageWithoutDuplicates() throws IOException {
      // then
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
      String results = markdown.substring(0, markdown.indexOf("\n## " + Schedules.ALL_PROVIDERS + ": success per"));
      assertThat(results.split("\n")).filteredOn(l -> l.startsWith("| ") && !l.startsWith("| schedule"))
          .hasSize(2 * rows.size());
    }

    @Test
    void printsOneMetOrNotMetLineWithItsFiguresPerTargetOfIssue18AfterTheTableAndInTheMarkdown() throws IOException {
      // then: the smoke run is too small to meet them; only that each line is there is checked
      String printed = stdout.toString(StandardCharsets.UTF_8);
      List<String> targets = report.targets();
      assertThat(targets).hasSize(4);
      assertThat(targets.get(0)).matches("target ambiguous-timeouts: (met|not met): success .*%.* duplicates.*");
      assertThat(targets.get(1)).matches("target rate-limit-storm: (met|not met): \\d+ 429s after the first "
          + "window \\(<= 5; \\d+ in all\\), success .*, p50 .* s .*, p99 .* s .*");
      assertThat(targets.get(2)).matches("target provider-outage: (met|not met): blocked after \\d+ \\(<= 2\\), "
          + "success .*best other: .*into outage \\d+ \\(<= 10, today's\\)");
      assertThat(targets.get(3)).startsWith("target carrier-outage: ").contains("into outage", "(<= 15, today's)");
      assertThat(printed.indexOf(targets.get(0))).isGreaterThan(printed.indexOf("| rate-limit-storm"));
      assertThat(printed).contains(targets);
      assertThat(Files.readString(out.resolve("scorecard.md"))).contains(targets);
    }

    @Test
    void theLateTooManyRequestsAreCountedFromTheFirstWindowOnwards() {
      // given: 429s at 0.2 s and 0.999 s (first window), 1.0 s and 2.5 s (after it)
      RequestLog.Timeline timeline = new RequestLog.Timeline(new long[0],
          new long[] {200_000_000L, 999_000_000L, 1_000_000_000L, 2_500_000_000L});
      ScorecardReport.Row row = new ScorecardReport.Row("rate-limit-storm", Strategies.LIBRARY, 1, 1, 4, 0, 4, 0, 1,
          1, Double.NaN, -1, Map.of(), 1, timeline);
      // then
      assertThat(row.tooManyRequestsAfterFirstWindow()).isEqualTo(2);
    }

    @Test
    void theAllProvidersScheduleRunsTheSixAddedAsDataThroughEveryStrategyAndScoresEachProvider() throws IOException {
      // given
      Schedules.Spec all = Schedules.all(config).stream()
          .filter(s -> s.name().equals(Schedules.ALL_PROVIDERS)).findFirst().orElseThrow();
      List<ScorecardReport.Row> runs = report.rows().stream()
          .filter(r -> r.schedule().equals(Schedules.ALL_PROVIDERS)).toList();

      // then: one row per strategy, every call judged, the library creates no duplicate
      assertThat(runs).extracting(ScorecardReport.Row::strategy).containsExactlyElementsOf(Strategies.NAMES);
      assertThat(runs).allSatisfy(r -> assertThat(r.calls()).isEqualTo(20));
      assertThat(runs).filteredOn(r -> r.strategy().equals(Strategies.LIBRARY))
          .allSatisfy(r -> assertThat(r.duplicates()).isZero());
      // and the per-provider table names the six, with every strategy's success rate
      Map<String, int[]> perProvider = ProviderBreakdown.successes(all, report.rows(), config);
      assertThat(perProvider.keySet()).containsAll(Workload.ADDED_AS_DATA);
      assertThat(perProvider.values()).allSatisfy(counts -> {
        assertThat(counts).hasSize(1 + Strategies.NAMES.size());
        for (int i = 1; i < counts.length; i++) {
          assertThat(counts[i]).isBetween(0, counts[0]);
        }
      });
      String markdown = Files.readString(out.resolve("scorecard.md"));
      assertThat(markdown).contains("## all-providers: success per provider");
      for (String provider : Workload.ADDED_AS_DATA) {
        assertThat(markdown).containsPattern("\\| " + provider + " \\| \\d+ \\|( [\\d.]+% \\|){4}");
      }
    }

    @Test
    void writesIndexHtmlWithEveryChartAsSvgAndTheReadmePngs() throws Exception {
      // then
      String html = Files.readString(out.resolve("index.html"));
      assertThat(html).startsWith("<!DOCTYPE html>").contains("<table>", "scorecard.md");
      Map<String, JFreeChart> charts = report.charts().charts();
      assertThat(charts.keySet()).containsExactly(ScorecardCharts.SUCCESS_RATE, ScorecardCharts.OUTAGE_REQUESTS,
          ScorecardCharts.STORM_429S);
      for (String name : charts.keySet()) {
        assertThat(html).as("index.html shows " + name).contains("<img src=\"" + name + ".svg\"");
        Document svg = parseXml(out.resolve(name + ".svg"));
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(texts(svg)).as("the text of " + name + ".svg").containsAll(Strategies.NAMES);
      }
      for (String name : ScorecardCharts.PNG) {
        for (Path png : List.of(out.resolve(name + ".png"), images.resolve("scorecard-" + name + ".png"))) {
          BufferedImage image = ImageIO.read(png.toFile());
          assertThat(image).as(png.toString()).isNotNull();
          assertThat(image.getWidth()).isEqualTo(ScorecardCharts.WIDTH);
          assertThat(image.getHeight()).isEqualTo(ScorecardCharts.HEIGHT);
        }
      }
    }

    @Test
    void everyChartHoldsOneSeriesPerStrategy() {
      // given
      Map<String, JFreeChart> charts = report.charts().charts();

      // then
      CategoryDataset bars = charts.get(ScorecardCharts.SUCCESS_RATE).getCategoryPlot().getDataset();
      List<String> series = new ArrayList<>();
      for (int i = 0; i < bars.getRowCount(); i++) {
        series.add(String.valueOf(bars.getRowKey(i)));
      }
      List<String> groups = new ArrayList<>();
      for (int i = 0; i < bars.getColumnCount(); i++) {
        groups.add(String.valueOf(bars.getColumnKey(i)));
      }
      assertThat(series).containsExactlyElementsOf(Strategies.NAMES);
      assertThat(groups).containsExactlyElementsOf(
          Schedules.all(ScorecardConfig.defaults()).stream().map(Schedules.Spec::name).toList());
      for (ScorecardReport.Row row : report.rows()) {
        assertThat(bars.getValue(row.strategy(), row.schedule()).doubleValue())
            .isCloseTo(row.successRate() * 100, within(1e-9));
      }
      for (String name : List.of(ScorecardCharts.OUTAGE_REQUESTS, ScorecardCharts.STORM_429S)) {
        XYDataset lines = charts.get(name).getXYPlot().getDataset();
        List<Comparable<?>> keys = new ArrayList<>();
        for (int i = 0; i < lines.getSeriesCount(); i++) {
          keys.add(lines.getSeriesKey(i));
          assertThat(lines.getItemCount(i)).as(name + " points of " + lines.getSeriesKey(i)).isPositive();
        }
        assertThat(keys).as(name).containsExactlyElementsOf(Strategies.NAMES);
      }
    }

    @Test
    void theRequestTimelinesCountWhatReachedTheSimulator() {
      // the chart's source (an EventListener on each strategy's client) sees the requests the simulator counts
      assertThat(report.rows()).allSatisfy(row -> {
        assertThat(row.timeline().sentNanos().length).as(row.schedule() + "/" + row.strategy() + " requests")
            .isEqualTo(row.requests());
        assertThat(row.timeline().tooManyRequestsNanos().length).as(row.schedule() + "/" + row.strategy() + " 429s")
            .isEqualTo(row.tooManyRequests());
      });
      // and the outage chart's rates add up to those requests
      XYDataset outage = report.charts().charts().get(ScorecardCharts.OUTAGE_REQUESTS).getXYPlot().getDataset();
      double binSeconds = config.scaled(ScorecardCharts.BIN).toNanos() / 1e9;
      for (ScorecardReport.Row row : report.rows()) {
        if (row.schedule().equals(Schedules.PROVIDER_OUTAGE)) {
          int series = Strategies.NAMES.indexOf(row.strategy());
          double sent = 0;
          for (int i = 0; i < outage.getItemCount(series); i++) {
            sent += outage.getYValue(series, i) * binSeconds;
          }
          assertThat(sent).as(row.strategy() + " requests in the outage chart").isCloseTo(row.requests(),
              within(1e-6));
        }
      }
    }
  }

  private static Document parseXml(Path file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    // JFreeSVG declares SVG 1.1's DOCTYPE: parse it without fetching the DTD
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.setExpandEntityReferences(false);
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(file.toFile());
  }

  private static List<String> texts(Document svg) {
    NodeList nodes = svg.getElementsByTagNameNS("*", "text");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent());
    }
    return out;
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

    @ParameterizedTest
    @ValueSource(strings = {"--out", "--images"})
    void aMissingValueIsNamed(String option) {
      assertThat(run(option)).isEqualTo(2);
      assertThat(err().strip()).isEqualTo("scorecard: " + option + " needs a value");
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
      ScorecardConfig config = Scorecard.parse(new String[0]);
      assertThat(config).isEqualTo(ScorecardConfig.defaults());
      assertThat(config.callers()).isGreaterThanOrEqualTo(16);
    }
  }
}
