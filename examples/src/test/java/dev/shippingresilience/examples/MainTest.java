package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(List.of(args), new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void noArgumentsPrintUsageOnStderrAndExitTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("usage:", "classify", "demo");
    assertThat(out()).isEmpty();
  }

  @Test
  void helpPrintsUsageOnStdoutAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("usage:", "classify", "demo");
    assertThat(err()).isEmpty();
  }

  @Test
  void unknownCommandThatIsAUrlWithUserInfoDoesNotEchoThePassword() {
    assertThat(run("ftp://user:pw1234@host.example/x?key=SECRET1")).isEqualTo(2);
    assertThat(err()).contains("unknown command").doesNotContain("pw1234").doesNotContain("SECRET1");
  }

  @Test
  void unknownCommandIsNamedWithUsageOnStderr() {
    assertThat(run("clasify")).isEqualTo(2);
    assertThat(err()).contains("unknown command 'clasify'", "usage:");
    assertThat(out()).isEmpty();
  }

  @Test
  void unknownCommandHoldingAUrlIsRedacted() {
    assertThat(run("https://x.example.org/?key=SECRET123")).isEqualTo(2);
    assertThat(err()).doesNotContain("SECRET123");
  }

  @Test
  void classifyIsDispatchedWithTheRestOfTheArguments() {
    assertThat(run("classify", "--url", "https://x.example.org/", "--status", "204")).isZero();
    assertThat(out()).contains("\"provider\":\"generic-http\"", "\"action\":\"SUCCEED\"");
  }

  @Test
  void versionPrintsTheProjectVersionFromThePom() throws java.io.IOException {
    // the parent POM's own <version>, the first one after its artifactId
    String pom = java.nio.file.Files.readString(java.nio.file.Path.of("..", "pom.xml"));
    int parent = pom.indexOf("<artifactId>shipping-resilience-parent</artifactId>");
    int start = pom.indexOf("<version>", parent) + "<version>".length();
    String version = pom.substring(start, pom.indexOf("</version>", start));

    assertThat(run("--version")).isZero();
    assertThat(out()).startsWith("shipping-resilience " + version + System.lineSeparator());
    assertThat(err()).isEmpty();
  }

  @Test
  void helpCommandPrintsACommandsOptions() {
    assertThat(run("help", "classify")).isZero();
    assertThat(out()).contains("usage: classify", "--profile", "--request-body");
  }

  @Test
  void demoIsDispatchedWithTheRestOfTheArguments() {
    assertThat(run("demo", "--bogus")).isEqualTo(2);
    assertThat(err()).contains("--bogus");
  }
}
