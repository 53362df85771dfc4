package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A provider is data: a profile JSON and a line in {@code profiles/index.txt}. No main Java source of the library
 * (core and the adapters) names a provider added that way. The first four providers and the generic profile predate
 * the rule: their ids still appear in javadoc examples and in a few documented defaults.
 */
class ProvidersAreDataTest {
  private static final Set<String> PREDATING_THE_RULE =
      Set.of("generic-http", "clickpost", "aftership-shipping", "17track", "abicart");
  private static final List<String> LIBRARY_SOURCES = List.of("core", "okhttp-adapter", "spring-adapter",
      "redis-limits");

  @Test
  void noLibrarySourceNamesAProviderAddedAsData() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent(); // tests run in core/
    List<String> ids = ProviderProfiles.BUILT_IN_IDS.stream().filter(id -> !PREDATING_THE_RULE.contains(id)).toList();
    List<String> found = new ArrayList<>();
    for (String module : LIBRARY_SOURCES) {
      Path sources = root.resolve(module).resolve("src/main/java");
      assertThat(sources).as("the sources of %s", module).isDirectory();
      try (Stream<Path> files = Files.walk(sources)) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
          String text = read(f).toLowerCase(Locale.ROOT);
          for (String id : ids) {
            if (text.contains(id.toLowerCase(Locale.ROOT))) {
              found.add(root.relativize(f) + " names " + id);
            }
          }
        });
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void everyIndexedProfileHasItsJsonAndLoads() {
    assertThat(ProviderProfiles.BUILT_IN_IDS).startsWith("generic-http").doesNotHaveDuplicates();
    for (String id : ProviderProfiles.BUILT_IN_IDS) {
      assertThat(ProviderProfiles.builtIn().require(id).id()).isEqualTo(id);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
