package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return DemoCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** Runs the demo on fresh streams; fails unless it exits 0. Returns what it printed. */
  private static String runOk(String... args) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code = DemoCommand.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
    String printed = stdout.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed + stderr.toString(StandardCharsets.UTF_8)).isZero();
    return printed;
  }

  /** The per-call lines' provider, operation and target ("clickpost create-order courier 5"), sorted. */
  private static List<String> callsOf(String printed) {
    return printed.lines()
        .filter(line -> line.matches("^\\[\\s*\\d+/\\d+\\] .*"))
        .map(line -> line.substring(line.indexOf("] ") + 2))
        // the columns before the decision: provider (18), operation (13), target (16)
        .map(columns -> columns.substring(0, 18 + 1 + 13 + 1 + 16).trim().replaceAll("\\s+", " "))
        .sorted()
        .toList();
  }

  @Test
  void smallDemoRunsThePipelineAndFindsNoMisbehaviour() {
    int code = run("--seed", "7", "--calls", "14", "--fault-rate", "0.1");
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed + err).isZero();
    assertThat(printed).contains("[ 14/14]").contains("clickpost").contains("aftership-shipping")
        .contains("17track").contains("abicart").contains("Summary").contains("shipping.resilience.attempts")
        .contains("OK: no duplicates");
    assertThat(printed).doesNotContain("demo-clickpost-key").doesNotContain("demo-aftership-key");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--spring|Spring RestClient|on Apache HttpClient 5.",
      "--async|OkHttp|enqueue (ShippingCallFactory)",
      "--webclient|Spring WebClient|on Reactor Netty"})
  void everyClientRunsTheSamePipelineAndFindsNoMisbehaviour(String option, String client, String transport) {
    String printed = runOk(option, "--seed", "7", "--calls", "14", "--fault-rate", "0.1");

    assertThat(printed.lines().findFirst().orElseThrow()).as("header").contains(client).contains(transport);
    // the observations reach each call's trace whichever thread its attempts end on
    assertThat(printed).containsPattern("attempts=[1-9]").contains("The slowest call, #")
        .containsPattern("(?m)^ +\\d+\\.\\d{3}s  (POST|GET) #1");
    assertThat(printed).contains("[ 14/14]").contains("clickpost").contains("aftership-shipping")
        .contains("17track").contains("abicart").contains("Summary").contains("shipping.resilience.attempts")
        .contains("OK: no duplicates");
    assertThat(printed).doesNotContain("demo-clickpost-key", "demo-aftership-key", "demo-17track-key",
        "demo-abicart-token");
  }

  @Test
  void allProvidersRunTheSamePipelineAndFindNoMisbehaviour() {
    String printed = runOk("--providers", "all", "--seed", "7", "--calls", "26", "--fault-rate", "0.1");

    assertThat(printed).contains("[ 26/26]").contains("OK: no duplicates");
    for (String provider : List.of("clickpost", "aftership-shipping", "17track", "abicart", "sendcloud", "shipstation",
        "easypost", "shippo", "shiprocket", "fedex")) {
      assertThat(printed).as(provider).containsPattern("(?m)^" + provider + " ");
    }
    assertThat(printed).doesNotContain("demo-sendcloud-key", "demo-shipstation-key", "demo-easypost-key",
        "demo-shippo-key", "demo-shiprocket-token", "demo-fedex-token");
  }

  @Test
  void everyClientSendsTheSameCallsForTheSameSeed() {
    // given one call of each kind; which decisions they get depends on timing, which calls they are does not
    // when
    String okHttp = runOk("--seed", "11", "--calls", "7", "--fault-rate", "0");
    // then
    assertThat(callsOf(okHttp)).hasSize(7)
        .contains("clickpost create-order courier 5", "aftership-shipping create-label fedex",
            "17track register batch of 3", "abicart Order.get order 1007");
    for (String client : List.of("--spring", "--async", "--webclient")) {
      assertThat(callsOf(runOk("--seed", "11", "--calls", "7", "--fault-rate", "0", client))).as(client)
          .containsExactlyElementsOf(callsOf(okHttp));
    }
  }

  @Test
  void helpPrintsTheOptionsAndRunsNothing() {
    int code = run("--calls", "5", "--help");
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("usage: demo [--seed N] [--calls N] [--fault-rate R] [--providers first4|all] [--spring | --async | --webclient]")
        .contains("--fault-rate=R").contains("--webclient")
        .doesNotContain("Summary");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void callLinePrintsTheWholeReason() {
    // given: a reason longer than the 110 characters the line used to keep
    String reason = "code 4705: no response from the courier; the label may exist, so reconcile before re-posting; "
        + "counts against that courier's breaker; END-OF-REASON";
    DemoWorkload.LogicalCall call = new DemoWorkload.LogicalCall(1, "aftership-shipping", "create-label", "fedex",
        new DemoWorkload.HttpCall("POST", "https://api.aftership.com/postmen/v3/labels", Map.of(), "{}", null));
    DemoCommand.Output output = new DemoCommand.Output(new PrintStream(out, true, StandardCharsets.UTF_8));

    // when
    output.line(1, 1, call, new DemoCommand.CallTrace.Outcome("BREAK", false, 1, 0, Duration.ZERO, reason, null));

    // then
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(reason).doesNotContain("...");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--calls|--calls needs a value",
      "--calls x|--calls must be an integer",
      "--calls 0|--calls must be between",
      "--fault-rate 2|--fault-rate must be between",
      "--bogus|unknown demo argument '--bogus'",
      "--spring --webclient|give at most one",
      "--providers some|--providers must be first4 or all"})
  void usageMistakesExitTwoNamingTheArgument(String args, String message) {
    int code = run(args.split(" "));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).doesNotContain("\tat ");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
