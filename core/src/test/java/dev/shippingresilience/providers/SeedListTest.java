package dev.shippingresilience.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed-like code lists of the providers added as data ({@code seeds/<id>-codes.txt}: {@code code X} and
 * {@code http N} lines under a header naming the sources): every listed code has a decision and a reason in the
 * profile's tables, every listed status one in {@code httpStatuses}. Reads the list and the profile as raw text and
 * raw JSON, so a code dropped from the profile fails here whatever the classifier does.
 */
class SeedListTest {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** One line of a seed list. */
  record Entry(String kind, String value) {}

  static List<Entry> seed(String id) {
    String text = read("/seeds/" + id + "-codes.txt");
    List<Entry> entries = new ArrayList<>();
    for (String raw : text.split("\\R")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      assertThat(parts).as("seed %s line '%s'", id, line).hasSize(2);
      assertThat(parts[0]).as("seed %s line '%s'", id, line).isIn("code", "http");
      entries.add(new Entry(parts[0], parts[1]));
    }
    return entries;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"shipstation", "easypost", "shippo"})
  void theListNamesItsSources(String id) {
    assertThat(read("/seeds/" + id + "-codes.txt")).as("seed %s", id).contains("# Sources:").contains("https://");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"shipstation", "easypost", "shippo"})
  void everyListedCodeAndStatusHasADecisionAndAReason(String id) throws IOException {
    JsonNode profile;
    try (InputStream in = SeedListTest.class.getResourceAsStream("/dev/shippingresilience/profiles/" + id + ".json")) {
      assertThat(in).as("profile %s", id).isNotNull();
      profile = JSON.readTree(in);
    }
    List<Entry> entries = seed(id);
    List<String> missing = new ArrayList<>();
    for (Entry e : entries) {
      JsonNode rule = e.kind().equals("http") ? profile.path("httpStatuses").path(e.value()) : codeRule(profile, e.value());
      if (rule.isMissingNode() || rule.path("decision").asText().isEmpty() || rule.path("reason").asText().isBlank()) {
        missing.add(e.kind() + " " + e.value());
      }
    }
    assertThat(entries).as("seed %s", id).isNotEmpty();
    assertThat(missing).as("%s: listed in seeds/%s-codes.txt without a decision and reason in %s.json", id, id, id)
        .isEmpty();
  }

  private static JsonNode codeRule(JsonNode profile, String code) {
    if (profile.path("codes").has(code)) {
      return profile.path("codes").path(code);
    }
    for (JsonNode operation : profile.path("operations")) {
      if (operation.path("codes").has(code)) {
        return operation.path("codes").path(code);
      }
      // a status field refined after success (Shippo's transaction status) counts as a code
      if (operation.path("refine").path("values").has(code)) {
        return operation.path("refine").path("values").path(code);
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String read(String resource) {
    try (InputStream in = SeedListTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("resource %s", resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
