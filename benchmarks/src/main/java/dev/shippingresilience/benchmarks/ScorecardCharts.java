package dev.shippingresilience.benchmarks;

import dev.shippingresilience.simulator.FaultSchedule;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The scorecard as pictures, drawn by JFreeChart and exported as SVG by JFreeSVG (PNG through JFreeChart's
 * {@link ChartUtils}), one series per strategy in {@link Strategies#NAMES} order and colour:
 *
 * <ul>
 *   <li>{@value #SUCCESS_RATE}: the success rate per fault schedule and strategy (grouped bars);
 *   <li>{@value #OUTAGE_REQUESTS}: requests sent per second through the {@value Schedules#PROVIDER_OUTAGE}
 *       schedule, its outage window shaded;
 *   <li>{@value #STORM_429S}: 429 answers per second in the {@value Schedules#RATE_LIMIT_STORM} schedule.
 * </ul>
 *
 * <p>The timelines come from each run's {@link RequestLog}, counted in bins of {@link #BIN} (times the time scale)
 * on the simulator's clock. Rendering needs no display: {@code java.awt.headless} is set to {@code true} unless the
 * JVM was started with a value.
 */
final class ScorecardCharts {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  static final String SUCCESS_RATE = "success-rate";
  static final String OUTAGE_REQUESTS = "provider-outage-requests";
  static final String STORM_429S = "rate-limit-storm-429s";

  /** The charts also written as PNG, for the READMEs. */
  static final List<String> PNG = List.of(SUCCESS_RATE, OUTAGE_REQUESTS);

  /** The width of a time bin before scaling. */
  static final Duration BIN = Duration.ofMillis(250);

  static final int WIDTH = 900;
  static final int HEIGHT = 450;

  /** One colour per strategy, in {@link Strategies#NAMES} order (grey, orange, blue, green: Okabe-Ito's). */
  private static final Paint[] COLOURS = {new Color(0x9e9e9e), new Color(0xe69f00), new Color(0x0072b2),
      new Color(0x009e73)};

  private static final Color GRID = new Color(0xdddddd);

  private final Map<String, JFreeChart> charts = new LinkedHashMap<>();
  private final Map<String, String> captions = new LinkedHashMap<>();

  ScorecardCharts(ScorecardConfig config, List<Schedules.Spec> schedules, List<ScorecardReport.Row> rows) {
    Duration bin = config.scaled(BIN);
    String subtitle = String.format(Locale.ROOT, "seed %d, %d callers, %d logical calls per run, time scale %s",
        config.seed(), config.callers(), config.calls(), config.timeScale());
    add(SUCCESS_RATE, successRate(rows, subtitle), "Logical calls that reached the provider's goal, per fault "
        + "schedule and strategy (every final response judged by the same ResponseClassifier).");
    Schedules.Spec outage = spec(schedules, Schedules.PROVIDER_OUTAGE);
    add(OUTAGE_REQUESTS, timeline("Requests sent", "requests", outage, RequestLog.Timeline::sentNanos, rows, bin,
        subtitle), "Requests each strategy's client put on the wire, per second, through the " + outage.name()
        + " schedule, the outage window shaded: " + outage.description() + ".");
    Schedules.Spec storm = spec(schedules, Schedules.RATE_LIMIT_STORM);
    add(STORM_429S, timeline("429 answers", "429s", storm, RequestLog.Timeline::tooManyRequestsNanos, rows, bin,
        subtitle), "Rate-limit answers (HTTP 429) each strategy received, per second, in the " + storm.name()
        + " schedule: " + storm.description() + ".");
  }

  private void add(String name, JFreeChart chart, String caption) {
    charts.put(name, chart);
    captions.put(name, caption);
  }

  /** Returns the charts by file name (without extension), in page order. */
  Map<String, JFreeChart> charts() {
    return charts;
  }

  /** Returns what the chart {@code name} shows, one sentence for the page. */
  String caption(String name) {
    return captions.get(name);
  }

  private static Schedules.Spec spec(List<Schedules.Spec> schedules, String name) {
    return schedules.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no schedule " + name));
  }

  private static JFreeChart successRate(List<ScorecardReport.Row> rows, String subtitle) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (String strategy : Strategies.NAMES) {
      for (ScorecardReport.Row r : rows) {
        if (r.strategy().equals(strategy)) {
          data.addValue(r.successRate() * 100, strategy, r.schedule());
        }
      }
    }
    JFreeChart chart = ChartFactory.createBarChart("Success rate per fault schedule", null, "success %", data);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
    plot.getDomainAxis().setCategoryMargin(0.25);
    plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(1.5f);
    NumberAxis range = (NumberAxis) plot.getRangeAxis();
    range.setRange(0, 100);
    BarRenderer bars = (BarRenderer) plot.getRenderer();
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setItemMargin(0.05);
    for (int i = 0; i < Strategies.NAMES.size(); i++) {
      bars.setSeriesPaint(i, COLOURS[i]);
    }
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(GRID);
    return styled(chart, subtitle);
  }

  /** Returns {@code events} per second through {@code spec}'s runs, one line per strategy, its outages shaded. */
  private static JFreeChart timeline(String what, String unit, Schedules.Spec spec,
      Function<RequestLog.Timeline, long[]> events, List<ScorecardReport.Row> rows, Duration bin, String subtitle) {
    long last = rows.stream().filter(r -> r.schedule().equals(spec.name()))
        .mapToLong(r -> r.timeline().lastNanos()).max().orElse(0);
    int bins = (int) (last / bin.toNanos()) + 1;
    double binSeconds = bin.toNanos() / 1e9;
    XYSeriesCollection data = new XYSeriesCollection();
    for (String strategy : Strategies.NAMES) {
      XYSeries series = new XYSeries(strategy, false, false);
      for (ScorecardReport.Row r : rows) {
        if (r.schedule().equals(spec.name()) && r.strategy().equals(strategy)) {
          double[] rate = RequestLog.Timeline.perSecond(events.apply(r.timeline()), bin, bins);
          for (int i = 0; i < bins; i++) {
            series.add((i + 0.5) * binSeconds, rate[i]);
          }
        }
      }
      data.addSeries(series);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(what + " per second: " + spec.name(),
        "seconds on the simulator's clock", unit + " per second (" + Strategies.ms(bin) + " bins)", data);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < Strategies.NAMES.size(); i++) {
      lines.setSeriesPaint(i, COLOURS[i]);
      lines.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(lines);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.getDomainAxis().setLowerBound(0); // from the simulator's start
    for (FaultSchedule.Window w : spec.outageWindows()) {
      // the tint in the colour, not in the marker's alpha, which would fade the label too
      IntervalMarker window = new IntervalMarker(w.from().toNanos() / 1e9, w.to().toNanos() / 1e9,
          new Color(0xd5, 0x5e, 0x00, 0x33), new BasicStroke(0f), null, null, 1f);
      window.setLabel(w.target() + " down");
      window.setLabelPaint(new Color(0x8a3c00));
      window.setLabelBackgroundColor(new Color(0, 0, 0, 0));
      window.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      window.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      window.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(window, Layer.BACKGROUND);
    }
    return styled(chart, subtitle);
  }

  private static JFreeChart styled(JFreeChart chart, String subtitle) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    return chart;
  }

  /** Returns {@code chart} as an SVG document of {@link #WIDTH} x {@link #HEIGHT}. */
  static String svg(JFreeChart chart) {
    SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
    // fixed ids for the clip paths and gradients, so two runs with the same figures write the same file
    g2.setDefsKeyPrefix("scorecard");
    chart.draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
    return g2.getSVGDocument();
  }

  /** Writes every chart as {@code NAME.svg} into {@code dir}, and those in {@link #PNG} also as {@code NAME.png}. */
  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, JFreeChart> e : charts.entrySet()) {
      Files.writeString(dir.resolve(e.getKey() + ".svg"), svg(e.getValue()), StandardCharsets.UTF_8);
    }
    writePngs(dir, "");
  }

  /** Writes the charts in {@link #PNG} as {@code PREFIX + NAME.png} into {@code dir}. */
  void writePngs(Path dir, String prefix) throws IOException {
    Files.createDirectories(dir);
    for (String name : PNG) {
      ChartUtils.saveChartAsPNG(dir.resolve(prefix + name + ".png").toFile(), charts.get(name), WIDTH, HEIGHT);
    }
  }
}
