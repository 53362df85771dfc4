package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README quotes ProgrammaticExample, which compiles with the build; this test keeps the quote exact. */
class ReadmeExampleTest {
  @Test
  void readmeQuotesTheCompiledProgrammaticExample() throws IOException {
    String source = Files.readString(
        Path.of("src/main/java/dev/shippingresilience/examples/ProgrammaticExample.java"), StandardCharsets.UTF_8);
    int start = source.indexOf("// readme:start\n") + "// readme:start\n".length();
    int end = source.indexOf("  // readme:end");
    String snippet = Arrays.stream(source.substring(start, end).stripTrailing().split("\n"))
        .map(line -> line.startsWith("  ") ? line.substring(2) : line)
        .collect(Collectors.joining("\n"));
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    assertThat(readme).as("README.md must quote ProgrammaticExample between its readme markers verbatim")
        .contains("```java\n" + snippet + "\n```");
  }
}
