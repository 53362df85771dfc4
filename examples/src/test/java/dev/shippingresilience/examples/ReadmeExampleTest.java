package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README quotes code that compiles with the build (and, for the Spring Boot example, runs in a test): this test
 * keeps each quote exact. Each source holds one snippet between a {@code // readme:start} and a
 * {@code // readme:end} line; the snippet is quoted without the start marker's indentation.
 */
class ReadmeExampleTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "src/main/java/dev/shippingresilience/examples/QuickStartOkHttp.java",
      "src/test/java/dev/shippingresilience/examples/boot/Orders.java",
      "src/main/java/dev/shippingresilience/examples/ProgrammaticExample.java"})
  void readmeQuotesTheCompiledExample(String file) throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);

    assertThat(readme).as("README.md must quote " + file + " between its readme markers verbatim")
        .contains("```java\n" + snippet(file, "readme") + "\n```");
  }

  /**
   * Returns the lines of {@code file} between its {@code // NAME:start} and {@code // NAME:end} lines, without the
   * start line's indentation.
   */
  static String snippet(String file, String name) throws IOException {
    String start = "// " + name + ":start\n";
    String source = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    int marker = source.indexOf(start);
    assertThat(marker).as(file + " has a " + start.strip() + " line").isNotNegative();
    String indent = source.substring(source.lastIndexOf('\n', marker) + 1, marker);
    int end = source.indexOf(indent + "// " + name + ":end", marker);
    return Arrays.stream(source.substring(marker + start.length(), end).stripTrailing().split("\n"))
        .map(line -> line.startsWith(indent) ? line.substring(indent.length()) : line)
        .collect(Collectors.joining("\n"));
  }
}
