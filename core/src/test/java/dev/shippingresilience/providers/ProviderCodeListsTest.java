package dev.shippingresilience.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads each provider's list of documented codes ({@code seeds/<id>-codes.txt}: {@code code X} for a body code,
 * {@code http N} for an HTTP status, {@code #} lines for the sources) and checks that the provider's built-in profile
 * gives every one of them a decision and a non-blank reason.
 */
class ProviderCodeListsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One documented code: a body code or an HTTP status. */
  record Listed(String kind, String code) {}

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sendcloud", "shiprocket", "fedex"})
  void everyDocumentedCodeHasADecisionAndAReason(String id) {
    JsonNode profile = read("/dev/shippingresilience/profiles/" + id + ".json", JSON::readTree);
    List<Listed> listed = listed(id);
    List<String> problems = new ArrayList<>();

    for (Listed entry : listed) {
      JsonNode rule = entry.kind().equals("http") ? profile.path("httpStatuses").path(entry.code())
          : codeRule(profile, entry.code());
      if (rule.isMissingNode() || !rule.path("decision").isTextual()) {
        problems.add(entry.kind() + " " + entry.code() + ": no decision");
      } else if (rule.path("reason").asText("").isBlank()) {
        problems.add(entry.kind() + " " + entry.code() + ": no reason");
      }
    }

    assertThat(listed).as("codes listed in seeds/%s-codes.txt", id).isNotEmpty();
    assertThat(problems).as("profile %s.json against seeds/%s-codes.txt", id, id).isEmpty();
  }

  private static JsonNode codeRule(JsonNode profile, String code) {
    if (profile.path("codes").has(code)) {
      return profile.path("codes").path(code);
    }
    for (JsonNode operation : profile.path("operations")) {
      if (operation.path("codes").has(code)) {
        return operation.path("codes").path(code);
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  static List<Listed> listed(String id) {
    String text = read("/seeds/" + id + "-codes.txt", in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    assertThat(text).as("seeds/%s-codes.txt names its source", id).contains("# source: https://");
    List<Listed> out = new ArrayList<>();
    for (String line : text.split("\\R")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split("\\s+");
      assertThat(parts).as("line '%s' of seeds/%s-codes.txt", l, id).hasSizeGreaterThanOrEqualTo(2);
      assertThat(parts[0]).as("kind of line '%s'", l).isIn("code", "http");
      out.add(new Listed(parts[0], parts[1]));
    }
    return out;
  }

  /** Reads a classpath resource. */
  interface Reader<T> {
    T read(InputStream in) throws IOException;
  }

  private static <T> T read(String resource, Reader<T> reader) {
    try (InputStream in = ProviderCodeListsTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("resource %s", resource).isNotNull();
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
  }
}
