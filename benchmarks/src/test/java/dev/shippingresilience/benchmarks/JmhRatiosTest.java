package dev.shippingresilience.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JmhRatiosTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PACKAGE = "dev.shippingresilience.benchmarks.";

  /** A JMH JSON result file being written: one entry per {@link #add} call. */
  private static final class Results {
    private final ArrayNode array = MAPPER.createArrayNode();

    Results add(String benchmark, @Nullable String params, double score, String unit, @Nullable Double bytesPerOp,
        @Nullable Double cpuPerOp) {
      ObjectNode r = array.addObject();
      r.put("benchmark", PACKAGE + benchmark);
      ObjectNode p = r.putObject("params");
      if (params != null) {
        for (String pair : params.split(" ")) {
          String[] kv = pair.split("=");
          p.put(kv[0], kv[1]);
        }
      }
      ObjectNode primary = r.putObject("primaryMetric");
      primary.put("score", score);
      primary.put("scoreError", score / 10);
      primary.put("scoreUnit", unit);
      ObjectNode secondary = r.putObject("secondaryMetrics");
      if (bytesPerOp != null) {
        secondary.putObject("gc.alloc.rate.norm").put("score", bytesPerOp);
      }
      if (cpuPerOp != null) {
        secondary.putObject(CpuTimeProfiler.METRIC).put("score", cpuPerOp);
      }
      return this;
    }

    /** A benchmark in us/op with allocation and CPU. */
    Results add(String benchmark, @Nullable String params, double micros, double bytesPerOp, double cpuPerOp) {
      return add(benchmark, params, micros, "us/op", bytesPerOp, cpuPerOp);
    }

    /** Drops every error, as JMH does for fewer than 3 iterations (it writes {@code "NaN"}). */
    Results withoutErrors() {
      array.forEach(r -> ((ObjectNode) r.path("primaryMetric")).put("scoreError", "NaN"));
      return this;
    }

    String json() {
      return array.toString();
    }
  }

  private static String print(Results... files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JmhRatios.print(List.of(files).stream().map(Results::json).toList(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The four OkHttp variants of {@code benchmarkClass} at {@code method=GET}: bare CPU 10 us, 1000 B. */
  private static Results okHttp(String benchmarkClass) {
    return new Results()
        .add(benchmarkClass + ".bare", "method=GET", 100, 1000, 10)
        .add(benchmarkClass + ".withInterceptor", "method=GET", 120, 3048, 13)
        .add(benchmarkClass + ".failsafe", "method=GET", 101, 1500, 11.5)
        .add(benchmarkClass + ".resilience4j", "method=GET", 100.5, 1256, 10.5);
  }

  @Nested
  class Classification {
    @Test
    void eachBodyGetsItsRatioToReadTreeAndToBothStreamingLowerBounds() throws IOException {
      // given
      String params = "provider=clickpost size=typical";
      Results results = new Results()
          .add("ClassifierBenchmark.classify", params, 2.0, 900, 2.0)
          .add("ClassifierBenchmark.readTreeBaseline", params, 20.0, 9000, 20.0)
          .add("ClassifierBenchmark.fullScan", params, 4.0, 800, 4.0)
          .add("ClassifierBenchmark.scanToCode", params, 1.0, 800, 1.0);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("| clickpost | typical (1.6 KiB) | 2.00 ± 0.20 us/op | 20.00 ± 2.00 us/op | "
          + "**0.10** | 900 B | 9000 B |");
      assertThat(report).contains("| clickpost | typical | 4.00 ± 0.40 us/op | 1.00 ± 0.10 us/op | **0.50** | "
          + "**2.00** | 800 B |");
    }

    @Test
    void aBodyWithoutItsLowerBoundsKeepsOnlyTheReadTreeRow() throws IOException {
      // given
      String params = "provider=17track size=large";
      Results results = new Results()
          .add("ClassifierBenchmark.classify", params, 90, 30_000, 90)
          .add("ClassifierBenchmark.readTreeBaseline", params, 120, 300_000, 120);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("| 17track | large (");
      assertThat(report).doesNotContain("streaming lower bounds");
    }
  }

  @Nested
  class OkHttpOverheads {
    @Test
    void theInterceptorsCpuAndBytesOverBareAndItsOverheadAsAMultipleOfEachPeers() throws IOException {
      // when
      String report = print(okHttp("InterceptorBenchmark"));

      // then
      assertThat(report).contains("A successful Clickpost call through OkHttp on loopback");
      assertThat(report).contains("| bare OkHttp | 100.00 ± 10.00 us/op | 10.00 us | 1000 B |  |  |");
      assertThat(report).contains("| ShippingInterceptor | 120.00 ± 12.00 us/op | 13.00 us | 3048 B | **+3.00 us** | "
          + "**+2048 B** |");
      assertThat(report).contains("| Failsafe `FailsafeCall` (RetryPolicy + CircuitBreaker) | 101.00 ± 10.10 us/op | "
          + "11.50 us | 1500 B | **+1.50 us** | **+500 B** |");
      assertThat(report).contains("ShippingInterceptor over bare / Failsafe over bare: CPU **2.0x**, "
          + "allocation **4.1x**.");
      assertThat(report).contains("ShippingInterceptor over bare / Resilience4j over bare: CPU **6.0x**, "
          + "allocation **8.0x**.");
    }

    @Test
    void theCallFactorysEnqueueGetsItsOwnTableOverABareEnqueue() throws IOException {
      // given
      Results results = new Results()
          .add("AsyncCallBenchmark.bare", "method=GET", 100, 1000, 10)
          .add("AsyncCallBenchmark.callFactory", "method=GET", 130, 5096, 14)
          .add("AsyncCallBenchmark.failsafe", "method=GET", 102, 2000, 12);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("A successful asynchronous Clickpost call through OkHttp's `enqueue` on loopback");
      assertThat(report).contains("| ShippingCallFactory `enqueue` | 130.00 ± 13.00 us/op | 14.00 us | 5096 B | "
          + "**+4.00 us** | **+4096 B** |");
      assertThat(report).contains("ShippingCallFactory `enqueue` over bare / Failsafe over bare: CPU **2.0x**, "
          + "allocation **4.1x**.");
    }

    @Test
    void theNoNetworkVariantGetsItsOwnTable() throws IOException {
      // when
      String report = print(okHttp("NoNetworkBenchmark"));

      // then
      assertThat(report).contains("The same clients without network");
      assertThat(report).doesNotContain("on loopback");
      assertThat(report).contains("**+3.00 us** | **+2048 B** |");
    }

    @Test
    void aMissingPeerOmitsOnlyItsRowAndItsRatio() throws IOException {
      // given
      Results results = new Results()
          .add("InterceptorBenchmark.bare", "method=GET", 100, 1000, 10)
          .add("InterceptorBenchmark.withInterceptor", "method=GET", 120, 3048, 13)
          .add("InterceptorBenchmark.failsafe", "method=GET", 101, 1500, 11.5);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("| ShippingInterceptor |");
      assertThat(report).contains("over bare / Failsafe over bare");
      assertThat(report).doesNotContain("Resilience4j");
    }

    @Test
    void withoutItsBareBaselineTheTableIsLeftOut() throws IOException {
      // given
      Results results = new Results()
          .add("InterceptorBenchmark.withInterceptor", "method=GET", 120, 3048, 13)
          .add("InterceptorBenchmark.failsafe", "method=GET", 101, 1500, 11.5);

      // when
      String report = print(results);

      // then
      assertThat(report).isBlank();
    }

    @Test
    void eachMethodGetsItsOwnTable() throws IOException {
      // given
      Results results = okHttp("InterceptorBenchmark")
          .add("InterceptorBenchmark.bare", "method=POST", 110, 1200, 12)
          .add("InterceptorBenchmark.withInterceptor", "method=POST", 140, 5296, 16);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("A successful Clickpost call through OkHttp on loopback (method=GET), same run:");
      assertThat(report).contains("A successful Clickpost call through OkHttp on loopback (method=POST), same run:");
      assertThat(report).contains("| ShippingInterceptor | 140.00 ± 14.00 us/op | 16.00 us | 5296 B | **+4.00 us** | "
          + "**+4096 B** |");
    }

    @Test
    void aPeerThatCostsNoMoreThanBareGivesNoRatio() throws IOException {
      // given: noise put Failsafe's CPU under the bare client's
      Results results = new Results()
          .add("InterceptorBenchmark.bare", "method=GET", 100, 1000, 10)
          .add("InterceptorBenchmark.withInterceptor", "method=GET", 120, 3048, 13)
          .add("InterceptorBenchmark.failsafe", "method=GET", 99, 1500, 9.8);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("| Failsafe `FailsafeCall` (RetryPolicy + CircuitBreaker) | 99.00 ± 9.90 us/op | "
          + "9.80 us | 1500 B | **-0.20 us** | **+500 B** |");
      assertThat(report).contains("CPU **n/a (the peer's is not above the bare client's)**, allocation **4.1x**.");
    }

    @Test
    void withoutTheProfilersCpuAndAllocationAreNotApplicable() throws IOException {
      // given: a run without -prof gc and without the CPU profiler
      Results results = new Results()
          .add("InterceptorBenchmark.bare", "method=GET", 100, "us/op", null, null)
          .add("InterceptorBenchmark.withInterceptor", "method=GET", 120, "us/op", null, null)
          .add("InterceptorBenchmark.failsafe", "method=GET", 101, "us/op", null, null);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("| ShippingInterceptor | 120.00 ± 12.00 us/op | n/a | n/a | **n/a** | **n/a** |");
      assertThat(report).contains("CPU **n/a**, allocation **n/a**.");
    }
  }

  @Nested
  class SpringAndProgrammatic {
    @Test
    void springTheInterceptorOverABareRestClient() throws IOException {
      // given
      Results results = new Results()
          .add("SpringBenchmark.bare", "method=POST", 200, 20_000, 40)
          .add("SpringBenchmark.withInterceptor", "method=POST", 230, 24_096, 45);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("`RestClient` on the JDK HttpClient over loopback");
      assertThat(report).contains("| bare `RestClient` (JDK HttpClient) | 200.00 ± 20.00 us/op | 40.00 us | 19.5 KiB "
          + "|  |  |");
      assertThat(report).contains("| ShippingResilienceInterceptor | 230.00 ± 23.00 us/op | 45.00 us | 23.5 KiB | "
          + "**+5.00 us** | **+4096 B** |");
      assertThat(report).doesNotContain("over bare /");
    }

    @Test
    void programmaticThePolicyAgainstFailsafeAndResilience4j() throws IOException {
      // given
      Results results = new Results()
          .add("PolicyBenchmark.bare", "method=GET", 0.001, 0, 0.001)
          .add("PolicyBenchmark.shippingPolicy", "method=GET", 6.001, 9000, 6.001)
          .add("PolicyBenchmark.failsafe", "method=GET", 2.001, 500, 2.001)
          .add("PolicyBenchmark.resilience4j", "method=GET", 0.751, 150, 0.751);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("| `ShippingPolicy.execute` | 6.00 ± 0.60 us/op | 6.00 us | 9000 B | **+6.00 us** | "
          + "**+9000 B** |");
      assertThat(report).contains("`ShippingPolicy.execute` over bare / Failsafe over bare: CPU **3.0x**, "
          + "allocation **18.0x**.");
      assertThat(report).contains("`ShippingPolicy.execute` over bare / Resilience4j over bare: CPU **8.0x**, "
          + "allocation **60.0x**.");
    }
  }

  @Test
  void aRunOfTwoIterationsHasNoErrorToShow() throws IOException {
    // given
    Results results = new Results()
        .add("InterceptorBenchmark.bare", "method=GET", 100, 1000, 10)
        .add("InterceptorBenchmark.withInterceptor", "method=GET", 120, 3048, 13)
        .withoutErrors();

    // when
    String report = print(results);

    // then
    assertThat(report).contains("| ShippingInterceptor | 120.00 us/op | 13.00 us |");
  }

  @Nested
  class Scaling {
    @Test
    void theInterceptedClientsShareOfTheBareClientsCallsPerSecond() throws IOException {
      // given
      Results results = new Results()
          .add("ScalingBenchmark.bare", "method=GET", 36_000, "ops/s", 40_000.0, 50.0)
          .add("ScalingBenchmark.withInterceptor", "method=GET", 20_600, "ops/s", 70_000.0, 90.0);

      // when
      String report = print(results);

      // then
      assertThat(report).contains("| bare OkHttp | 36000.00 ± 3600.00 ops/s | 50.00 us | 39.1 KiB |");
      assertThat(report).contains("| ShippingInterceptor | 20600.00 ± 2060.00 ops/s | 90.00 us | 68.4 KiB |");
      assertThat(report).contains("ShippingInterceptor / bare calls per second: **0.57** (goal: at least 0.90).");
    }
  }

  @Test
  void resultsOfSeveralFilesMakeOneReport() throws IOException {
    // given: the suite in one file, the scaling benchmark (its own warm-up) in another
    String params = "provider=clickpost size=typical";
    Results suite = okHttp("InterceptorBenchmark")
        .add("ClassifierBenchmark.classify", params, 2.0, 900, 2.0)
        .add("ClassifierBenchmark.readTreeBaseline", params, 20.0, 9000, 20.0);
    Results scaling = new Results()
        .add("ScalingBenchmark.bare", "method=GET", 36_000, "ops/s", 40_000.0, 50.0)
        .add("ScalingBenchmark.withInterceptor", "method=GET", 34_200, "ops/s", 70_000.0, 55.0);

    // when
    String report = print(suite, scaling);

    // then
    assertThat(report).contains("**0.10**", "over bare / Failsafe over bare: CPU **2.0x**", "calls per second: **0.95**");
    assertThat(report.indexOf("Classification vs the Jackson baseline"))
        .isLessThan(report.indexOf("through OkHttp on loopback"))
        .isLessThan(report.indexOf("8 calling threads"));
  }
}
