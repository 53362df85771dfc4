package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The decision tables in docs/decisions.md are generated from the profiles; this test fails when they drift.
 * Regenerate with {@code mvn -pl core test -Dtest=DecisionTableDocTest -Dregenerate=true}.
 */
class DecisionTableDocTest {
  private static final String START = "<!-- decision-tables:start (generated from the profiles by DecisionTableDocTest) -->";
  private static final String END = "<!-- decision-tables:end -->";

  static String generate() {
    StringBuilder md = new StringBuilder();
    for (ProviderProfile profile : ProviderProfiles.builtIn().all()) {
      md.append("<details><summary><b>").append(profile.name()).append("</b> (<code>").append(profile.id())
          .append("</code>): ").append(profile.tableEntries().size()).append(" rules</summary>\n\n");
      md.append("| table | code | decision | scope | why |\n|---|---|---|---|---|\n");
      for (ProviderProfile.TableEntry e : profile.tableEntries()) {
        String decision = e.decision().name() + (e.duplicate() ? " (duplicate)" : "")
            + (e.notProcessed() ? " (not processed)" : "");
        String scope = e.decision() == Decision.BREAK ? e.scope() : "";
        md.append("| ").append(e.table()).append(" | `").append(e.code()).append("` | ").append(decision)
            .append(" | ").append(scope).append(" | ").append(e.reason().replace("|", "\\|")).append(" |\n");
      }
      md.append("\n</details>\n\n");
    }
    return md.toString();
  }

  @Test
  void readmeDecisionTablesMatchTheProfiles() throws IOException {
    Path readme = Path.of("..", "docs", "decisions.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf(START);
    int end = text.indexOf(END);
    assertThat(start).as("docs/decisions.md has the marker " + START).isNotNegative();
    assertThat(end).as("docs/decisions.md has the marker " + END).isGreaterThan(start);
    String current = text.substring(start + START.length(), end).strip();
    String expected = generate().strip();
    if (Boolean.getBoolean("regenerate") && !current.equals(expected)) {
      Files.writeString(readme, text.substring(0, start + START.length()) + "\n" + expected + "\n"
          + text.substring(end), StandardCharsets.UTF_8);
      current = expected;
    }
    assertThat(current)
        .as("docs/decisions.md tables drifted from the profiles: run "
            + "mvn -pl core test -Dtest=DecisionTableDocTest -Dregenerate=true")
        .isEqualTo(expected);
  }
}
