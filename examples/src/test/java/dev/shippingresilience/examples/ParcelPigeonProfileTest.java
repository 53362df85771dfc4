package dev.shippingresilience.examples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import dev.shippingresilience.simulator.SimulatedProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/profile-format.md's worked example really works: its profile is docs/examples/parcelpigeon.json, its command
 * prints what it shows, each sample body gets the decision it shows, and its OkHttp code is the compiled
 * {@link ParcelPigeonExample}, which books through a loopback server.
 */
class ParcelPigeonProfileTest {
  /** As the document names it, from the repository root. */
  private static final String PROFILE_IN_DOC = "docs/examples/parcelpigeon.json";
  /** The same file from this module's directory, where tests run. */
  private static final Path PROFILE = Path.of("..", PROFILE_IN_DOC);
  private static final Path DOC = Path.of("..", "docs", "profile-format.md");
  private static final String SAMPLES_START = "<!-- parcelpigeon-samples:start";
  private static final String SAMPLES_END = "<!-- parcelpigeon-samples:end -->";
  private static final String COMMAND_MARKER = "<!-- parcelpigeon-command:";
  private static final String BOOK_PATH = "/v1/parcels";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

  private static String doc() throws IOException {
    return Files.readString(DOC, StandardCharsets.UTF_8);
  }

  /** What one in-process run of the jar's main printed. */
  private record Run(int exitCode, String out, String err) {}

  private static Run runMain(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Splits a shell command into words: backslash-newline continues the line, single quotes keep spaces. */
  private static List<String> shellWords(String command) {
    String line = command.replace("\\\n", " ");
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : line.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          words.add(word.toString());
        }
        word.setLength(0);
        any = false;
      } else {
        word.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(word.toString());
    }
    return words;
  }

  /** Returns the body of the first fenced block of {@code language} after {@code from} in {@code text}. */
  private static String fencedBlock(String text, int from, String language) {
    int start = text.indexOf("```" + language + "\n", from) + language.length() + 4;
    return text.substring(start, text.indexOf("\n```", start));
  }

  @Test
  void docQuotesTheProfileFileVerbatim() throws IOException {
    String profile = Files.readString(PROFILE, StandardCharsets.UTF_8).stripTrailing();

    assertThat(doc()).contains("```json\n" + profile + "\n```");
    assertThat(ProviderProfiles.load(PROFILE).id()).isEqualTo("parcelpigeon");
  }

  @Test
  void docCommandPrintsTheOutputTheDocShows() throws IOException {
    // given: the command as the document shows it, run from the repository root
    String doc = doc();
    int marker = doc.indexOf(COMMAND_MARKER);
    assertThat(marker).as("docs/profile-format.md has " + COMMAND_MARKER).isNotNegative();
    List<String> words = shellWords(fencedBlock(doc, marker, "sh"));
    assertThat(words.subList(0, 3)).containsExactly("java", "-jar", "examples/target/shipping-resilience-examples.jar");
    List<String> args = words.subList(3, words.size()).stream()
        .map(word -> word.equals(PROFILE_IN_DOC) ? PROFILE.toString() : word)
        .collect(Collectors.toList());
    String shown = fencedBlock(doc, doc.indexOf("```sh\n", marker) + 1, "json");

    // when
    Run run = runMain(args);

    // then
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo(shown.strip());
  }

  static Stream<Arguments> docSamples() throws IOException {
    String doc = doc();
    int start = doc.indexOf(SAMPLES_START);
    int end = doc.indexOf(SAMPLES_END);
    assertThat(start).as("docs/profile-format.md has " + SAMPLES_START).isNotNegative();
    List<Arguments> rows = doc.substring(start, end).lines()
        .filter(line -> line.startsWith("| `"))
        .map(line -> {
          String body = line.substring(3, line.indexOf("` |"));
          String decision = line.substring(line.indexOf("` |") + 3, line.lastIndexOf('|')).strip();
          return Arguments.of(body, decision);
        })
        .toList();
    assertThat(rows).hasSizeGreaterThanOrEqualTo(5);
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("docSamples")
  void docSampleBodyGetsTheDecisionTheDocShows(String body, String shown) throws IOException {
    // when
    Run run = runMain(List.of("classify", "--profile", PROFILE.toString(), "--method", "POST",
        "--url", "https://api.parcelpigeon.example" + BOOK_PATH, "--status", "200", "--body", body));

    // then: "SUCCEED (duplicate)" is SUCCEED with duplicate true; other notes in brackets are the reason's gist
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = JSON.readTree(run.out());
    String decision = shown.split(" ")[0];
    assertThat(result.get("provider").asText()).isEqualTo("parcelpigeon");
    assertThat(result.get("action").asText()).isEqualTo(decision);
    assertThat(result.get("duplicate").asBoolean()).isEqualTo(shown.contains("(duplicate)"));
  }

  @Test
  void docQuotesTheCompiledOkHttpExample() throws IOException {
    String snippet = ReadmeExampleTest.snippet(
        "src/main/java/dev/shippingresilience/examples/ParcelPigeonExample.java", "doc");

    assertThat(doc()).as("docs/profile-format.md must quote ParcelPigeonExample between its doc markers verbatim")
        .contains("```java\n" + snippet + "\n```");
  }

  private static String bookUrl() {
    // the provider's host name, resolved to the loopback server by the client's DNS
    return "http://api.parcelpigeon.example:" + wireMock.getPort() + BOOK_PATH;
  }

  private static OkHttpClient onLoopback(OkHttpClient client) {
    return client.newBuilder().dns(SimulatedProvider::loopback).build();
  }

  @Test
  void docClientPollsStillDrawingUntilTheLabelIsDrawn() throws IOException {
    // given: PP-102 first, then the booked parcel; the profile's 2 s poll interval is recorded, not slept
    wireMock.stubFor(post(urlPathEqualTo(BOOK_PATH)).inScenario("book").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(200)
            .withBody("{\"ok\":false,\"error\":{\"code\":\"PP-102\",\"message\":\"drawing the label\"}}"))
        .willSetStateTo("drawn"));
    wireMock.stubFor(post(urlPathEqualTo(BOOK_PATH)).inScenario("book").whenScenarioStateIs("drawn")
        .willReturn(aResponse().withStatus(200).withBody("{\"ok\":true,\"parcel\":{\"id\":\"PP-1\"}}")));
    List<Duration> waits = new CopyOnWriteArrayList<>();
    ShippingPolicies policies = ShippingPolicies.builder()
        .addProfiles(List.of(ProviderProfiles.load(PROFILE)))
        .configure("parcelpigeon", b -> b.sleeper((duration, token) -> waits.add(duration)))
        .build();
    OkHttpClient client = onLoopback(ParcelPigeonExample.client(policies));

    // when
    String answer = ParcelPigeonExample.book(client, bookUrl(), "{\"reference\":\"R-1\",\"loft\":\"7\"}");

    // then
    assertThat(answer).isEqualTo("SUCCEED {\"ok\":true,\"parcel\":{\"id\":\"PP-1\"}}");
    assertThat(waits).containsExactly(Duration.ofSeconds(2));
    wireMock.verify(2, postRequestedFor(urlPathEqualTo(BOOK_PATH)));
    assertThat(client.connectionPool().connectionCount()).isEqualTo(client.connectionPool().idleConnectionCount());
  }

  @Test
  void docClientReturnsAlreadyBookedAsADuplicateSuccess() throws IOException {
    // given: the document's own policies
    wireMock.stubFor(post(urlPathEqualTo(BOOK_PATH)).willReturn(aResponse().withStatus(200)
        .withBody("{\"ok\":false,\"error\":{\"code\":\"PP-409\",\"message\":\"reference R-1 is already booked\"}}")));
    ShippingPolicies policies = ParcelPigeonExample.policies(PROFILE);
    OkHttpClient client = onLoopback(ParcelPigeonExample.client(policies));

    // when
    String answer = ParcelPigeonExample.book(client, bookUrl(), "{\"reference\":\"R-1\",\"loft\":\"7\"}");

    // then
    assertThat(answer).startsWith("SUCCEED ");
    assertThat(policies.forUri(URI.create(bookUrl())).profile().id()).isEqualTo("parcelpigeon");
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(BOOK_PATH)));
  }

  @Test
  void docClientNamesTheLoftsBreakerWhenTheLoftIsDown() throws IOException {
    // given
    wireMock.stubFor(post(urlPathEqualTo(BOOK_PATH)).willReturn(aResponse().withStatus(200)
        .withBody("{\"ok\":false,\"error\":{\"code\":\"PP-503\",\"message\":\"loft 7 is down\"}}")));
    ShippingPolicies policies = ShippingPolicies.builder()
        .addProfiles(List.of(ProviderProfiles.load(PROFILE)))
        .configure("parcelpigeon", b -> b.sleeper((duration, token) -> { }))
        .build();
    OkHttpClient client = onLoopback(ParcelPigeonExample.client(policies));

    // when
    String answer = ParcelPigeonExample.book(client, bookUrl(), "{\"reference\":\"R-1\",\"loft\":\"7\"}");

    // then: retried as the profile allows, then handed back; the failures counted against loft 7 only
    assertThat(answer).startsWith("BREAK ");
    assertThat(policies.forUri(URI.create(bookUrl())).breakerStates()).containsKey("parcelpigeon/carrier:7");
    wireMock.verify(3, postRequestedFor(urlPathEqualTo(BOOK_PATH)));
  }
}
