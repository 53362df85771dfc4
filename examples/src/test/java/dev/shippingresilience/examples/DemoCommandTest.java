package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
      "--calls|--calls needs a value",
      "--calls x|--calls must be an integer",
      "--calls 0|--calls must be between",
      "--fault-rate 2|--fault-rate must be between",
      "--bogus|unknown demo argument '--bogus'"})
  void usageMistakesExitTwoNamingTheArgument(String args, String message) {
    int code = run(args.split(" "));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).doesNotContain("\tat ");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
