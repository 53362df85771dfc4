package dev.shippingresilience.bootcompat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/**
 * docs/compatibility.md states which versions the library is built with and which a Spring Boot application runs it
 * on. This test holds that table to the truth: the Boot column against the classpath here (where Boot's BOM decided),
 * the other against the parent POM's pins.
 */
class BootManagedVersionsTest {
  private static final Path ROOT = Path.of(Objects.requireNonNull(System.getProperty("parent.pom"),
      "run through Maven: the parent.pom system property names the parent POM")).getParent();
  /** One table row: | library | `artifact` | built and tested with | in a Spring Boot application |. */
  private static final Pattern ROW = Pattern.compile("^\\| ([^|]+?) \\| `([^`]+)` \\| ([^|]+?) \\| ([^|]+?) \\|$");

  /** The table's rows, by library name: [built with, in a Boot application]. */
  private static Map<String, List<String>> table() throws IOException {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(ROOT.resolve("docs/compatibility.md"), StandardCharsets.UTF_8)) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        rows.put(m.group(1), List.of(m.group(3), m.group(4)));
      }
    }
    return rows;
  }

  private static String parentProperty(String name) throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
    assertThat(m.find()).as("parent POM property %s", name).isTrue();
    return m.group(1).trim();
  }

  /** The version on this module's classpath, which Boot's BOM decided (or the library, where Boot manages none). */
  private static String onClasspath(String library) {
    return switch (library) {
      case "Spring Boot" -> SpringBootVersion.getVersion();
      case "Spring Framework" -> SpringVersion.getVersion();
      case "Jackson 2" -> com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString();
      case "Jackson 3 (Boot's own JSON)" -> tools.jackson.core.json.PackageVersion.VERSION.toString();
      case "Micrometer" -> MeterRegistry.class.getPackage().getImplementationVersion();
      case "Resilience4j" -> CircuitBreaker.class.getPackage().getImplementationVersion();
      case "OkHttp" -> okhttp3.OkHttp.VERSION;
      case "Kotlin standard library (under OkHttp)" -> kotlin.KotlinVersion.CURRENT.toString();
      default -> throw new IllegalArgumentException("no version probe for " + library);
    };
  }

  @Test
  void bootColumnIsWhatBootsBomPutOnTheClasspath() throws IOException {
    Map<String, List<String>> table = table();
    assertThat(table).hasSize(8);
    table.forEach((library, versions) ->
        assertThat(onClasspath(library)).as(library).isEqualTo(versions.get(1)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = """
      Spring Boot,  spring-boot.version
      Jackson 2,    jackson.version
      Micrometer,   micrometer.version
      Resilience4j, resilience4j.version
      OkHttp,       okhttp.version
      """)
  void builtWithColumnIsTheParentsPin(String library, String property) throws IOException {
    assertThat(table().get(library)).as(library).isNotNull().first().isEqualTo(parentProperty(property));
  }
}
