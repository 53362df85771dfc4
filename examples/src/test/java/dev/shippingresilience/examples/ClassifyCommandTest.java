package dev.shippingresilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClassifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLICKPOST_CREATE = "https://www.clickpost.in/api/v3/create-order/?key=abc";
  private static final String SEVENTEEN_TRACK_REGISTER = "https://api.17track.net/track/v2.2/register";
  private static final String MIXED_BATCH = "{\"code\":0,\"data\":{\"accepted\":[{\"number\":\"LZ1\",\"carrier\":3011}],"
      + "\"rejected\":[{\"number\":\"RR1\",\"error\":{\"code\":-18019901,\"message\":\"x\"}}]}}";

  private final ClassifyCommand command = new ClassifyCommand();

  /** What one in-process run printed. */
  record Run(int exitCode, String out, String err) {
    List<String> outLines() {
      assertThat(out).satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o).endsWith("\n"));
      return out.lines().toList();
    }

    JsonNode json() {
      assertThat(exitCode).as(err).isZero();
      assertThat(outLines()).hasSize(1);
      return parse(outLines().get(0));
    }
  }

  private Run runWithStdin(String stdin, String... args) {
    return runWithStdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
  }

  private Run runWithStdin(InputStream stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = command.run(List.of(args), stdin,
        new PrintStream(out, false, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"),
        err.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
  }

  private Run run(String... args) {
    return runWithStdin("", args);
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns {@code head}, {@code count} copies of {@code fill}, then {@code tail}, generated as they are read. */
  private static InputStream generated(String head, char fill, long count, String tail) {
    return new SequenceInputStream(Collections.enumeration(List.of(
        new ByteArrayInputStream(head.getBytes(StandardCharsets.UTF_8)), new Repeated((byte) fill, count),
        new ByteArrayInputStream(tail.getBytes(StandardCharsets.UTF_8)))));
  }

  /** {@code count} copies of one byte, without holding them. */
  private static final class Repeated extends InputStream {
    private final byte fill;
    private long left;

    Repeated(byte fill, long count) {
      this.fill = fill;
      this.left = count;
    }

    @Override
    public int read() {
      return read(new byte[1], 0, 1) < 0 ? -1 : fill & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      Arrays.fill(b, off, off + n, fill);
      left -= n;
      return n;
    }
  }

  private static long allocatedByThisThread() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }

  @Nested
  class OneExchange {
    @Test
    void clickpostStillProcessingOnCreateOrderIsPolled() {
      // when
      JsonNode result = run("--url", CLICKPOST_CREATE, "--method", "POST",
          "--status", "200", "--body", "{\"meta\":{\"status\":102}}").json();

      // then
      assertThat(result.get("provider").asText()).isEqualTo("clickpost");
      assertThat(result.get("operation").asText()).isEqualTo("create-order");
      assertThat(result.get("action").asText()).isEqualTo("POLL");
      assertThat(result.get("httpStatus").asInt()).isEqualTo(200);
      assertThat(result.get("code").asText()).isEqualTo("102");
      assertThat(result.get("retryAfterMs").isNull()).isTrue();
      assertThat(result.get("duplicate").asBoolean()).isFalse();
      assertThat(result.get("items")).isEmpty();
    }

    @Test
    void clickpostAlreadyPlacedSucceedsAsADuplicate() {
      JsonNode result = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200",
          "--body", "{\"meta\":{\"status\":323,\"message\":\"Order already exists\"}}").json();

      assertThat(result.get("action").asText()).isEqualTo("SUCCEED");
      assertThat(result.get("code").asText()).isEqualTo("323");
      assertThat(result.get("duplicate").asBoolean()).isTrue();
    }

    @Test
    void aftershipRateLimitResetGivenAsDeltaSecondsIsRetriedAfterThatManyMilliseconds() {
      JsonNode result = run("--url", "https://api.aftership.com/postmen/v3/labels", "--method", "POST",
          "--status", "429", "--header", "X-RateLimit-Reset: 5").json();

      assertThat(result.get("provider").asText()).isEqualTo("aftership-shipping");
      assertThat(result.get("action").asText()).isEqualTo("RETRY");
      assertThat(result.get("retryAfterMs").isIntegralNumber()).isTrue();
      assertThat(result.get("retryAfterMs").asLong()).isEqualTo(5000);
    }

    @Test
    void seventeenTrackMixedBatchGivesOneDecisionPerItem() {
      JsonNode result = run("--url", SEVENTEEN_TRACK_REGISTER, "--method", "POST", "--status", "200",
          "--body", MIXED_BATCH).json();

      assertThat(result.get("provider").asText()).isEqualTo("17track");
      assertThat(result.get("operation").asText()).isEqualTo("register");
      JsonNode items = result.get("items");
      assertThat(items).hasSize(2);
      assertThat(items.get(0).get("id").asText()).isEqualTo("LZ1");
      assertThat(items.get(0).get("action").asText()).isEqualTo("SUCCEED");
      assertThat(items.get(1).get("id").asText()).isEqualTo("RR1");
      assertThat(items.get(1).get("code").asText()).isEqualTo("-18019901");
      assertThat(items.get(1).get("reason").asText()).isNotBlank();
    }

    @Test
    void unknownHostIsClassifiedByTheGenericHttpProfile() {
      JsonNode result = run("--url", "https://shipping.example.org/v1/parcels", "--status", "503").json();

      assertThat(result.get("provider").asText()).isEqualTo("generic-http");
      assertThat(result.get("action").asText()).isEqualTo("BREAK");
      assertThat(result.get("code").isNull()).isTrue();
    }

    @Test
    void explicitProviderWinsOverTheUrlHost() {
      JsonNode result = run("--url", "https://gateway.example.org/api/v3/create-order/", "--method", "POST",
          "--provider", "clickpost", "--status", "200", "--body", "{\"meta\":{\"status\":102}}").json();

      assertThat(result.get("provider").asText()).isEqualTo("clickpost");
      assertThat(result.get("action").asText()).isEqualTo("POLL");
    }

    @Test
    void methodDefaultsToGet() {
      // GET on the create-order path is Clickpost's fetch-order operation
      JsonNode result = run("--url", CLICKPOST_CREATE, "--status", "200", "--body", "{\"meta\":{\"status\":200}}")
          .json();

      assertThat(result.get("operation").asText()).isEqualTo("fetch-order");
    }

    @Test
    void optionValuesMayFollowAnEqualsSign() {
      JsonNode result = run("--url=" + CLICKPOST_CREATE, "--method=POST", "--status=200",
          "--body={\"meta\":{\"status\":102}}").json();

      assertThat(result.get("action").asText()).isEqualTo("POLL");
    }

    @Test
    void bodyFileIsReadAsTheWholeBody(@TempDir Path dir) throws IOException {
      Path body = Files.writeString(dir.resolve("body.json"), "\uFEFF  {\"meta\":{\"status\":323}}\n");

      JsonNode result = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200",
          "--body-file", body.toString()).json();

      assertThat(result.get("action").asText()).isEqualTo("SUCCEED");
      assertThat(result.get("duplicate").asBoolean()).isTrue();
    }

    @Test
    void outputHasExactlyTheContractFieldsInContractOrder() {
      JsonNode result = run("--url", SEVENTEEN_TRACK_REGISTER, "--method", "POST", "--status", "200",
          "--body", MIXED_BATCH).json();

      assertThat(fieldNames(result)).containsExactly("provider", "operation", "action", "httpStatus", "code",
          "retryAfterMs", "scope", "duplicate", "reason", "items");
      for (JsonNode item : result.get("items")) {
        assertThat(fieldNames(item)).containsExactly("id", "action", "code", "reason");
      }
    }

    @Test
    void outputIsOneLineAndNeverEchoesHeadersOrBodies() {
      Run run = run("--url", "https://api.aftership.com/postmen/v3/labels", "--method", "POST", "--status", "400",
          "--header", "as-api-key: HEADERSECRET", "--header", "X-Trace: TRACEVALUE",
          "--body", "{\"meta\":{\"code\":4104,\"message\":\"BODYSECRET\"},\"key\":\"BODYKEY\"}");

      assertThat(run.json()).isNotNull();
      assertThat(run.out()).doesNotContain("HEADERSECRET", "TRACEVALUE", "BODYSECRET", "BODYKEY");
      assertThat(run.err()).isEmpty();
    }

    @Test
    void helpPrintsUsageOnStdout() {
      Run run = run("--help");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).contains("--url", "--status", "--jsonl", "--profile", "--request-body", "exit", "3 ");
      assertThat(run.err()).isEmpty();
    }

    @Test
    @Timeout(20)
    void bodyFileLargerThanMemoryIsReadOnlyAsFarAsTheClassifierLooks(@TempDir Path dir) throws IOException {
      // given: a 3 GiB sparse file (more than one Java array can hold) that starts with a Clickpost body whose
      // first 128 KiB are valid JSON, more than the classifier's 64 KiB peek
      Path body = dir.resolve("huge.json");
      try (RandomAccessFile file = new RandomAccessFile(body.toFile(), "rw")) {
        file.write(("{\"meta\":{\"status\":323},\"result\":{\"label\":\"" + "x".repeat(128 << 10))
            .getBytes(StandardCharsets.UTF_8));
        file.setLength(3L << 30);
      }

      // when
      JsonNode result = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200",
          "--body-file", body.toString()).json();

      // then: classified from its first bytes
      assertThat(result.get("action").asText()).isEqualTo("SUCCEED");
      assertThat(result.get("duplicate").asBoolean()).isTrue();
    }

    @Test
    @Timeout(20)
    void bodyFileDevZeroDoesNotRunOutOfMemory() {
      Assumptions.assumeTrue(Files.isReadable(Path.of("/dev/zero")), "no /dev/zero here");

      Run run = run("--url", "https://x.example.org/", "--status", "503", "--body-file", "/dev/zero");

      assertThat(run.json().get("action").asText()).isEqualTo("BREAK");
    }

    @Test
    void bodyFileLongerThanThePeekLimitIsClassifiedFromItsFirstBytes(@TempDir Path dir) throws IOException {
      Path body = Files.writeString(dir.resolve("long.json"),
          "{\"meta\":{\"status\":102},\"pad\":\"" + "x".repeat(200_000) + "\"}");

      JsonNode result = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200",
          "--body-file", body.toString()).json();

      assertThat(result.get("action").asText()).isEqualTo("POLL");
    }

    static Stream<Arguments> bodiesBeyondJacksonsLimits() {
      return Stream.of(
          Arguments.of("1001-digit number", "{\"meta\":{\"status\":" + "9".repeat(1001) + "}}"),
          Arguments.of("2000-deep nesting", "{\"meta\":" + "[".repeat(2000) + "]".repeat(2000) + "}"),
          Arguments.of("20-million-character string", "{\"meta\":{\"message\":\"" + "x".repeat(20_000_000) + "\"}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodiesBeyondJacksonsLimits")
    @Timeout(20)
    void bodyBeyondJacksonsLimitsStillGivesOneResultLine(String name, String body) {
      Run run = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200", "--body", body);

      assertThat(run.json().get("provider").asText()).isEqualTo("clickpost");
      assertThat(run.err()).isEmpty();
    }

    @Test
    @Timeout(20)
    void bodyWithAHugeExponentGivesOneResultLine() {
      Run run = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200",
          "--body", "{\"meta\":{\"status\":1e1000000000}}");

      assertThat(run.json().get("provider").asText()).isEqualTo("clickpost");
      assertThat(run.json().get("action").asText()).isNotEqualTo("SUCCEED");
      assertThat(run.json().get("reason").asText()).contains("cannot be a code");
    }
  }

  @Nested
  class CustomProfiles {
    private static final String PIGEON = "https://api.parcelpigeon.example/v1/parcels";

    private Path profile(Path dir, String json) throws IOException {
      return Files.writeString(dir.resolve("pigeon.json"), json);
    }

    private String pigeon(String decision) {
      return "{\"id\":\"pigeon\",\"name\":\"Pigeon\",\"hosts\":[\"parcelpigeon.example\"],"
          + "\"envelope\":{\"codePointers\":[\"/error/code\"],\"bodySignalsSuccess\":true},"
          + "\"codes\":{\"PP-1\":{\"decision\":\"" + decision + "\",\"reason\":\"pigeon says PP-1\"}}}";
    }

    @Test
    void profileFileAddsAProviderPickedByItsHost(@TempDir Path dir) throws IOException {
      Path file = profile(dir, pigeon("POLL"));

      JsonNode result = run("--profile", file.toString(), "--url", PIGEON, "--status", "200",
          "--body", "{\"error\":{\"code\":\"PP-1\"}}").json();

      assertThat(result.get("provider").asText()).isEqualTo("pigeon");
      assertThat(result.get("action").asText()).isEqualTo("POLL");
      assertThat(result.get("reason").asText()).isEqualTo("code PP-1: pigeon says PP-1");
    }

    @Test
    void profileFileSitsNextToTheBuiltInsForEveryJsonLine(@TempDir Path dir) throws IOException {
      Path file = profile(dir, pigeon("RETRY"));
      String stdin = "{\"provider\":\"pigeon\",\"url\":\"https://gateway.example.org/\",\"status\":200,"
          + "\"body\":\"{\\\"error\\\":{\\\"code\\\":\\\"PP-1\\\"}}\"}\n"
          + "{\"method\":\"POST\",\"url\":\"" + CLICKPOST_CREATE + "\",\"status\":200,"
          + "\"body\":\"{\\\"meta\\\":{\\\"status\\\":102}}\"}\n";

      Run run = runWithStdin(stdin, "--jsonl", "--profile", file.toString());

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(parse(run.outLines().get(0)).get("action").asText()).isEqualTo("RETRY");
      assertThat(parse(run.outLines().get(1)).get("provider").asText()).isEqualTo("clickpost");
      assertThat(parse(run.outLines().get(1)).get("action").asText()).isEqualTo("POLL");
    }

    @Test
    void brokenProfileIsNamedWithItsFileAndFieldInOneLine(@TempDir Path dir) throws IOException {
      Path file = profile(dir, pigeon("RETRIE"));

      Run run = run("--profile", file.toString(), "--url", PIGEON, "--status", "200");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err().lines()).hasSize(1);
      assertThat(run.err()).contains("--profile", file.toString(), "codes.\"PP-1\".decision", "RETRIE")
          .doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void missingOrDirectoryProfileIsNamed(@TempDir Path dir) {
      for (String file : List.of("/no/such/profile.json", dir.toString())) {
        Run run = run("--profile", file, "--url", PIGEON, "--status", "200");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--profile", file).doesNotContain("Exception");
        assertThat(run.err().lines()).hasSize(1);
      }
    }

    @Test
    void unknownProviderErrorListsLoadedProfilesToo(@TempDir Path dir) throws IOException {
      Path file = profile(dir, pigeon("FAIL"));

      Run run = run("--profile", file.toString(), "--url", PIGEON, "--status", "200", "--provider", "nope");

      assertThat(run.err()).contains("nope", "clickpost", "pigeon");
    }
  }

  @Nested
  class RequestBodies {
    private static final String OUTAGE = "{\"meta\":{\"status\":322}}";

    @Test
    void carrierOutageWithoutTheRequestBodyHasNoCarrierToBreak() {
      JsonNode result = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200", "--body", OUTAGE)
          .json();

      assertThat(result.get("action").asText()).isEqualTo("RETRY");
      assertThat(result.get("scope").asText()).isEqualTo("clickpost");
    }

    @Test
    void requestBodyNamesTheCarrierWhoseBreakerCountsTheOutage() {
      JsonNode result = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200", "--body", OUTAGE,
          "--request-body", "{\"courier_partner\":5,\"key\":\"REQUESTSECRET\"}").json();

      assertThat(result.get("action").asText()).isEqualTo("BREAK");
      assertThat(result.get("scope").asText()).isEqualTo("clickpost/carrier:5");
      assertThat(result.toString()).doesNotContain("REQUESTSECRET");
    }

    @Test
    void requestBodyFileNamesTheCarrier(@TempDir Path dir) throws IOException {
      Path request = Files.writeString(dir.resolve("order.json"), "{\"courier_partner\":5}");

      JsonNode result = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200", "--body", OUTAGE,
          "--request-body-file", request.toString()).json();

      assertThat(result.get("scope").asText()).isEqualTo("clickpost/carrier:5");
    }

    @Test
    void requestBodyLongerThanTheOkHttpAdapterReadsIsNotReadAsThere(@TempDir Path dir) throws IOException {
      Path request = Files.writeString(dir.resolve("order.json"),
          "{\"courier_partner\":5,\"pad\":\"" + "x".repeat(ClassifyInput.MAX_REQUEST_BODY) + "\"}");

      JsonNode result = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200", "--body", OUTAGE,
          "--request-body-file", request.toString()).json();

      assertThat(result.get("scope").asText()).isEqualTo("clickpost");
    }

    @Test
    @Timeout(20)
    void requestBodyFileDevZeroDoesNotRunOutOfMemory() {
      Assumptions.assumeTrue(Files.isReadable(Path.of("/dev/zero")), "no /dev/zero here");

      Run run = run("--url", CLICKPOST_CREATE, "--method", "POST", "--status", "200", "--body", OUTAGE,
          "--request-body-file", "/dev/zero");

      assertThat(run.json().get("scope").asText()).isEqualTo("clickpost");
    }

    @Test
    void jsonLineRequestBodyNamesTheCarrier() {
      String line = "{\"method\":\"POST\",\"url\":\"" + CLICKPOST_CREATE + "\",\"status\":200,"
          + "\"body\":\"{\\\"meta\\\":{\\\"status\\\":322}}\",\"requestBody\":\"{\\\"courier_partner\\\":5}\"}";

      JsonNode result = parse(command.classifyLine(1, line));

      assertThat(result.get("action").asText()).as(result.toString()).isEqualTo("BREAK");
      assertThat(result.get("scope").asText()).isEqualTo("clickpost/carrier:5");
    }

    @Test
    void bothRequestBodyOptionsAreNamed() {
      Run run = run("--url", CLICKPOST_CREATE, "--status", "200", "--request-body", "{}", "--request-body-file",
          "b.json");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("--request-body ").contains("--request-body-file");
    }

    @Test
    void requestBodyCannotBeCombinedWithJsonl() {
      Run run = run("--jsonl", "--request-body", "{}");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("--jsonl", "--request-body");
    }
  }

  @Nested
  class JsonLines {
    @Test
    void garbageLineYieldsAnErrorLineAndTheOthersAreClassified() {
      String stdin = String.join("\n",
          "{\"method\":\"POST\",\"url\":\"" + CLICKPOST_CREATE + "\",\"status\":200,\"body\":\"{\\\"meta\\\":{\\\"status\\\":102}}\"}",
          "this is not json {",
          "{\"url\":\"https://shipping.example.org/x\",\"status\":429,\"headers\":{\"Retry-After\":[\"3\"]}}") + "\n";

      Run run = runWithStdin(stdin, "--jsonl");

      assertThat(run.exitCode()).isEqualTo(3);
      assertThat(run.outLines()).hasSize(3);
      JsonNode first = parse(run.outLines().get(0));
      JsonNode middle = parse(run.outLines().get(1));
      JsonNode last = parse(run.outLines().get(2));
      assertThat(first.get("action").asText()).isEqualTo("POLL");
      assertThat(fieldNames(middle)).containsExactly("error");
      assertThat(middle.get("error").asText()).contains("JSON");
      assertThat(last.get("provider").asText()).isEqualTo("generic-http");
      assertThat(last.get("action").asText()).isEqualTo("RETRY");
      assertThat(last.get("retryAfterMs").asLong()).isEqualTo(3000);
    }

    @Test
    void blankLinesKeepTheirPlaceWithAnEmptyLineError() {
      Run run = runWithStdin("\n   \n{\"url\":\"https://x.example.org/\",\"status\":200}", "--jsonl");

      assertThat(run.outLines()).containsExactly("{\"error\":\"line 1: empty line\"}",
          "{\"error\":\"line 2: empty line\"}", run.outLines().get(2));
      assertThat(parse(run.outLines().get(2)).get("action").asText()).isEqualTo("SUCCEED");
    }

    @Test
    void headersMayBeStringsOrArraysAndMethodDefaultsToGet() {
      String line = "{\"provider\":\"aftership-shipping\",\"url\":\"https://api.aftership.com/postmen/v3/labels\","
          + "\"status\":429,\"headers\":{\"x-ratelimit-reset\":\"5\",\"X-Other\":[\"a\",\"b\"]}}";

      JsonNode result = parse(command.classifyLine(1, line));

      assertThat(result.get("operation").asText()).isEqualTo("list-labels");
      assertThat(result.get("retryAfterMs").asLong()).isEqualTo(5000);
    }

    static Stream<Arguments> linesBeyondJacksonsLimits() {
      String exchange = "{\"url\":\"https://x.example.org/\",\"status\":200";
      return Stream.of(
          Arguments.of("1001-digit status", "{\"url\":\"https://x.example.org/\",\"status\":" + "9".repeat(1001) + "}",
              "line 2: number longer than 1000 digits"),
          Arguments.of("1001-digit header value", exchange + ",\"headers\":{\"A\":-" + "1".repeat(1001) + "}}",
              "line 2: number longer than 1000 digits"),
          Arguments.of("2000-deep headers", exchange + ",\"headers\":" + "[".repeat(2000) + "]".repeat(2000) + "}",
              "line 2: nested deeper than"),
          Arguments.of("2000-deep line", "[".repeat(2000) + "]".repeat(2000), "line 2: nested deeper than"),
          Arguments.of("20-million-character field name", exchange + ",\"" + "k".repeat(20_000_000) + "\":1}",
              "line 2: field name longer than"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("linesBeyondJacksonsLimits")
    @Timeout(20)
    void lineBeyondJacksonsLimitsYieldsOneErrorAndLaterLinesAreClassified(String name, String bad, String error) {
      String stdin = "{\"url\":\"https://x.example.org/\",\"status\":429}\n" + bad + "\n"
          + "{\"url\":\"https://x.example.org/\",\"status\":503}\n";

      Run run = runWithStdin(stdin, "--jsonl");

      assertThat(run.outLines()).hasSize(3);
      assertThat(parse(run.outLines().get(0)).get("action").asText()).isEqualTo("RETRY");
      JsonNode middle = parse(run.outLines().get(1));
      assertThat(fieldNames(middle)).containsExactly("error");
      assertThat(middle.get("error").asText()).startsWith(error);
      assertThat(run.outLines().get(1)).hasSizeLessThan(200);
      assertThat(parse(run.outLines().get(2)).get("action").asText()).isEqualTo("BREAK");
      assertThat(run.exitCode()).isEqualTo(3);
    }

    @Test
    @Timeout(20)
    void twentyMillionCharacterBodyIsClassifiedAndSoAreLaterLines() {
      String stdin = "{\"url\":\"https://x.example.org/\",\"status\":200,\"body\":\"" + "x".repeat(20_000_000)
          + "\"}\n{\"url\":\"https://x.example.org/\",\"status\":503}\n";

      Run run = runWithStdin(stdin, "--jsonl");

      assertThat(run.outLines()).hasSize(2);
      assertThat(parse(run.outLines().get(0)).get("action").asText()).isEqualTo("SUCCEED");
      assertThat(parse(run.outLines().get(1)).get("action").asText()).isEqualTo("BREAK");
      assertThat(run.exitCode()).isZero();
    }

    @Test
    void bareCarriageReturnStaysInsideItsLine() {
      // given: CR as JSON whitespace, CR inside a garbage line, and CRLF line endings
      String stdin = "{\"url\":\"https://x.example.org/\",\r\"status\":503}\n"
          + "not\rjson\r\n"
          + "{\"url\":\"https://x.example.org/\",\"status\":429}\r\n";

      // when
      Run run = runWithStdin(stdin, "--jsonl");

      // then: one output line per LF-terminated input line
      assertThat(run.outLines()).hasSize(3);
      assertThat(parse(run.outLines().get(0)).get("action").asText()).isEqualTo("BREAK");
      assertThat(parse(run.outLines().get(1)).get("error").asText()).startsWith("line 2: not valid JSON");
      assertThat(parse(run.outLines().get(2)).get("action").asText()).isEqualTo("RETRY");
    }

    @Test
    @Timeout(30)
    void lineLongerThanTheLimitYieldsOneErrorAndTheNextLineIsRead() {
      // given: a body string one byte too long for the 32 MiB line limit, generated as it is read
      String good = "{\"url\":\"https://x.example.org/\",\"status\":503}\n";
      String head = good + "{\"url\":\"https://x.example.org/\",\"status\":200,\"body\":\"";
      String tail = "\"}\n" + good;
      long fill = 32L * 1024 * 1024 - (head.length() - good.length()) - 2 + 1;

      // when
      Run run = runWithStdin(generated(head, 'x', fill, tail), "--jsonl");

      // then
      assertThat(run.outLines()).hasSize(3);
      assertThat(parse(run.outLines().get(1)).get("error").asText())
          .isEqualTo("line 2: longer than 33554432 bytes (the limit per line); skipped");
      assertThat(parse(run.outLines().get(2)).get("action").asText()).isEqualTo("BREAK");
      assertThat(run.exitCode()).isEqualTo(3);
    }

    @Test
    @Timeout(30)
    void lineOfExactlyTheLimitIsRead() {
      String head = "{\"url\":\"https://x.example.org/\",\"status\":503,\"body\":\"";
      long fill = 32L * 1024 * 1024 - head.length() - 2;

      Run run = runWithStdin(generated(head, 'x', fill, "\"}\r\n"), "--jsonl");

      assertThat(run.json().get("action").asText()).isEqualTo("BREAK");
    }

    @Test
    @Timeout(60)
    void endlessLineIsNotHeldInMemory() {
      // given: 512 MiB without a line break
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
      long before = allocatedByThisThread();

      // when
      Run run = runWithStdin(generated("", 'x', 512L << 20, "\n{\"url\":\"https://x.example.org/\",\"status\":503}"),
          "--jsonl");

      // then: one error, the next line read, and far less memory allocated than the line's length
      assertThat(run.outLines()).hasSize(2);
      assertThat(parse(run.outLines().get(0)).get("error").asText()).startsWith("line 1: longer than");
      assertThat(parse(run.outLines().get(1)).get("action").asText()).isEqualTo("BREAK");
      assertThat(allocatedByThisThread() - before).isLessThan(160L << 20);
    }

    @Test
    void failedLinesAreCountedOnStderrAndExitThree() {
      Run run = runWithStdin("{\"url\":\"https://x.example.org/\",\"status\":503}\n{}\n[]\n", "--jsonl");

      assertThat(run.exitCode()).isEqualTo(3);
      assertThat(run.outLines()).hasSize(3);
      assertThat(run.err()).isEqualTo("classify: 2 of 3 lines failed\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ftp://USERNAME9:PASSWORD9@x.example.org/p?key=QUERYVALUE9#FRAGMENT9",
        "https://USERNAME9:PASSWORD9@x.example.org/a b?key=QUERYVALUE9#FRAGMENT9",
        "https://USERNAME9:PASSWORD9@/p?QUERYVALUE9#FRAGMENT9",
        "USERNAME9:PASSWORD9@x.example.org/p?QUERYVALUE9#FRAGMENT9",
        "//USERNAME9:PASSWORD9@x.example.org/p?QUERYVALUE9#FRAGMENT9"})
    void urlErrorLinesNeverQuoteUserInfoQueryOrFragment(String url) {
      String output = command.classifyLine(1, "{\"url\":\"" + url + "\",\"status\":200}");

      assertThat(parse(output).get("error").asText()).startsWith("line 1: url ");
      assertThat(output).doesNotContain("USERNAME9", "PASSWORD9", "QUERYVALUE9", "FRAGMENT9");
    }

    @Test
    void emptyInputPrintsNothing() {
      Run run = runWithStdin("", "--jsonl");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEmpty();
    }

    static Stream<Arguments> unreadableLines() {
      return Stream.of(
          Arguments.of("{\"status\":200}", "url"),
          Arguments.of("{\"url\":\"https://x.example.org/\"}", "status"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":42}", "status"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":\"200\"}", "status"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":200.5}", "status"),
          Arguments.of("{\"url\":\"ftp://x.example.org/\",\"status\":200}", "url"),
          Arguments.of("{\"url\":\"/relative\",\"status\":200}", "url"),
          Arguments.of("{\"url\":7,\"status\":200}", "url"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":200,\"provider\":\"nope\"}", "provider"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":200,\"method\":\"G T\"}", "method"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":200,\"headers\":[\"a\"]}", "headers"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":200,\"headers\":{\"A\":1}}", "headers.A"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":200,\"body\":{\"meta\":1}}", "body"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":200,\"header\":{}}", "header"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":200,\"status\":500}", "JSON"),
          Arguments.of("{\"url\":\"https://x.example.org/\",\"status\":200} {}", "JSON"),
          Arguments.of("[1,2]", "object"));
    }

    @ParameterizedTest
    @MethodSource("unreadableLines")
    void unreadableLineYieldsAnErrorNamingTheField(String line, String field) {
      JsonNode result = parse(command.classifyLine(1, line));

      assertThat(fieldNames(result)).containsExactly("error");
      assertThat(result.get("error").asText()).contains(field);
    }

    @Test
    void unknownProviderErrorListsTheKnownIds() {
      JsonNode result = parse(command.classifyLine(1,
          "{\"url\":\"https://x.example.org/\",\"status\":200,\"provider\":\"nope\"}"));

      assertThat(result.get("error").asText()).contains("nope", "clickpost", "17track", "generic-http");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"url\":\"ftp://x.example.org/?key=SECRET123\",\"status\":200}",
        "{\"url\":\"https://x.example.org/a b?key=SECRET123\",\"status\":200}",
        "{\"url\":\"https://x.example.org/?key=SEC RET123\",\"status\":200}",
        "{\"url\":\"https://x.example.org/?key=SECRET123\",\"status\":200",
        "{\"url\":\"https://x.example.org/?key=SECRET123\",\"status\":SECRET123}"})
    void errorLinesNeverQuoteASecret(String line) {
      String output = command.classifyLine(1, line);

      assertThat(parse(output).has("error")).isTrue();
      assertThat(output).doesNotContain("SECRET123").doesNotContain("RET123");
    }

    @Test
    @Timeout(10)
    void eachResultIsWrittenBeforeTheNextLineIsRead() throws Exception {
      // given: stdin and stdout are pipes, so the command runs while the test writes and reads
      PipedOutputStream stdinWriter = new PipedOutputStream();
      PipedInputStream stdin = new PipedInputStream(stdinWriter);
      PipedInputStream stdoutReader = new PipedInputStream();
      PrintStream stdout = new PrintStream(new PipedOutputStream(stdoutReader), false, StandardCharsets.UTF_8);
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
          command.run(List.of("--jsonl"), stdin, stdout, new PrintStream(new ByteArrayOutputStream())));
      BufferedReader results = new BufferedReader(new InputStreamReader(stdoutReader, StandardCharsets.UTF_8));

      // when: one line is sent and stdin stays open
      stdinWriter.write("{\"url\":\"https://x.example.org/\",\"status\":503}\n".getBytes(StandardCharsets.UTF_8));
      stdinWriter.flush();

      // then: its result arrives before end of input
      assertThat(parse(results.readLine()).get("action").asText()).isEqualTo("BREAK");
      stdinWriter.close();
      assertThat(exit.get()).isZero();
      stdout.close();
    }
  }

  @Nested
  class LineSplitting {
    private List<String> split(InputStream in, int max) throws IOException {
      ClassifyCommand.LineSplitter lines = new ClassifyCommand.LineSplitter(in, max);
      List<String> out = new ArrayList<>();
      while (lines.next()) {
        out.add(lines.tooLong() ? "<too long>" : lines.text());
      }
      return out;
    }

    private List<String> split(String in, int max) throws IOException {
      return split(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void crlfIsOneLineEndingAndALoneCrStaysInItsLine() throws IOException {
      assertThat(split("a\rb\r\nc\n\r\n\r", 100)).containsExactly("a\rb", "c", "", "\r");
    }

    @Test
    void lastLineNeedsNoLineEndingAndNoInputIsNoLine() throws IOException {
      assertThat(split("a\nb", 100)).containsExactly("a", "b");
      assertThat(split("\n", 100)).containsExactly("");
      assertThat(split("", 100)).isEmpty();
    }

    @Test
    void lineOfMaxBytesIsReadAndOneMoreIsTooLongWithOrWithoutALineEnding() throws IOException {
      assertThat(split("abcd\r\nabcde\nxy\nabcde", 4)).containsExactly("abcd", "<too long>", "xy", "<too long>");
    }

    @Test
    void lineEndingSplitAcrossReadsIsOneLineEnding() throws IOException {
      // given: a stream that hands out one byte per read
      InputStream trickle = new ByteArrayInputStream("ab\r\ncd\n".getBytes(StandardCharsets.UTF_8)) {
        @Override
        public synchronized int read(byte[] b, int off, int len) {
          return super.read(b, off, Math.min(len, 1));
        }
      };

      assertThat(split(trickle, 100)).containsExactly("ab", "cd");
    }

    @Test
    void multiByteCharactersAreDecodedAsUtf8() throws IOException {
      assertThat(split("\u00e9\u20ac\ud83d\ude00\n", 100)).containsExactly("\u00e9\u20ac\ud83d\ude00");
    }
  }

  @Nested
  class UsageMistakes {
    static Stream<Arguments> mistakes() {
      String url = "https://x.example.org/";
      return Stream.of(
          Arguments.of(List.of("--bogus"), "--bogus"),
          Arguments.of(List.of("--status", "200"), "--url"),
          Arguments.of(List.of("--url", url), "--status"),
          Arguments.of(List.of("--url", url, "--status", "abc"), "--status"),
          Arguments.of(List.of("--url", url, "--status", "99"), "--status"),
          Arguments.of(List.of("--url", url, "--status", "600"), "--status"),
          Arguments.of(List.of("--url", url, "--status", "2.5"), "--status"),
          Arguments.of(List.of("--url", url, "--status", "200", "--header", "X-NoColon"), "--header"),
          Arguments.of(List.of("--url", url, "--status", "200", "--header", ": v"), "--header"),
          Arguments.of(List.of("--url", url, "--status", "200", "--body", "{}", "--body-file", "b.json"),
              "--body-file"),
          Arguments.of(List.of("--url", url, "--status", "200", "--body-file", "/no/such/body.json"),
              "/no/such/body.json"),
          Arguments.of(List.of("--url", url, "--status", "200", "--provider", "nope"), "--provider"),
          Arguments.of(List.of("--url", "not a url", "--status", "200"), "--url"),
          Arguments.of(List.of("--url", "ftp://x.example.org/", "--status", "200"), "--url"),
          Arguments.of(List.of("--url", "/relative/path", "--status", "200"), "--url"),
          Arguments.of(List.of("--url", "mailto:someone@example.org", "--status", "200"), "--url"),
          Arguments.of(List.of("--status", "200", "--url"), "--url"),
          Arguments.of(List.of("--url", "--status", "200"), "--url"),
          Arguments.of(List.of("--url", url, "--status", "200", "--method", "G T"), "--method"),
          Arguments.of(List.of("--url", url, "--url", url, "--status", "200"), "--url"),
          Arguments.of(List.of("--jsonl", "--url", url), "--jsonl"),
          Arguments.of(List.of("--jsonl", "--header", "A: b"), "--header"),
          Arguments.of(List.of("--jsonl=yes"), "--jsonl"),
          Arguments.of(List.of("--url", url, "--status", "200", "stray"), "stray"),
          Arguments.of(List.of("--url", url, "--status", "2\n00"), "--status"),
          Arguments.of(List.of("--url", url, "--status", "200", "--body-file", "two\nlines.json"), "--body-file"));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void mistakeExitsTwoWithOneStderrLineNamingTheArgument(List<String> args, String named) {
      Run run = run(args.toArray(new String[0]));

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).endsWith("\n");
      assertThat(run.err().lines()).hasSize(1);
      assertThat(run.err()).contains(named).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void unknownProviderNamesTheKnownIds() {
      Run run = run("--url", "https://x.example.org/", "--status", "200", "--provider", "nope");

      assertThat(run.err()).contains("nope", "clickpost", "aftership-shipping", "17track", "abicart",
          "generic-http");
    }

    @Test
    void bothBodyOptionsAreNamed() {
      Run run = run("--url", "https://x.example.org/", "--status", "200", "--body", "{}", "--body-file", "b.json");

      assertThat(run.err()).contains("--body ").contains("--body-file");
    }

    @Test
    void headerWithoutColonIsNotQuotedBack() {
      Run run = run("--url", "https://x.example.org/", "--status", "200", "--header", "Authorization Bearer TOK9");

      assertThat(run.err()).contains("--header").doesNotContain("TOK9");
    }

    @Test
    void bodyFileThatIsADirectoryIsNamed(@TempDir Path dir) {
      Run run = run("--url", "https://x.example.org/", "--status", "200", "--body-file", dir.toString());

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("--body-file", dir.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ftp://x.example.org/?key=SECRET123",
        "https://x.example.org/a b?key=SECRET123",
        "https:///?username=u&key=SECRET123",
        "x.example.org/path?KEY=SECRET123",
        "https://x.example.org/?key=SEC RET123",
        "https://x.example.org/?key=SEC\"RET123",
        "https://x.example.org/?key=SEC<RET123",
        "https://x.example.org/?key=SEC\nRET123",
        "ftp://USERNAME9:PASSWORD9@x.example.org/p?key=QUERYVALUE9#FRAGMENT9",
        "https://USERNAME9:PASSWORD9@x.example.org/a b?key=QUERYVALUE9#FRAGMENT9",
        "https://USERNAME9:PASSWORD9@/p?QUERYVALUE9#FRAGMENT9",
        "http://USERNAME9:PASSWORD9@x.example.org:port/p?QUERYVALUE9#FRAGMENT9",
        "USERNAME9:PASSWORD9@x.example.org/p?QUERYVALUE9#FRAGMENT9",
        "mailto:USERNAME9@x.example.org?subject=QUERYVALUE9#FRAGMENT9",
        "//USERNAME9:PASSWORD9@x.example.org/p?QUERYVALUE9#FRAGMENT9"})
    void urlErrorsNeverPrintUserInfoQueryOrFragment(String url) {
      Run run = run("--url", url, "--status", "200");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("--url").doesNotContain("SECRET123", "RET123", "USERNAME9", "PASSWORD9",
          "QUERYVALUE9", "FRAGMENT9");
      assertThat(run.err().lines()).hasSize(1);
      assertThat(run.out()).isEmpty();
    }

    @Test
    void urlErrorShowsSchemeHostAndPathOnly() {
      Run run = run("--url", "ftp://USERNAME9:PASSWORD9@x.example.org/in/box?key=QUERYVALUE9", "--status", "200");

      assertThat(run.err()).contains("'ftp://x.example.org/in/box'");
    }

    @Test
    void strayArgumentHoldingUserInfoIsNotQuoted() {
      Run run = run("--status", "200", "ftp://USERNAME9:PASSWORD9@x.example.org/p?QUERYVALUE9#FRAGMENT9");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).doesNotContain("USERNAME9", "PASSWORD9", "QUERYVALUE9", "FRAGMENT9");
    }

    @Test
    void hugeStatusIsNamedWithoutBeingQuotedWhole() {
      Run run = run("--url", "https://x.example.org/", "--status", "9".repeat(1001));

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("--status").hasSizeLessThan(200);
    }

    @Test
    void strayArgumentHoldingAUrlIsRedacted() {
      Run run = run("--status", "200", "https://x.example.org/?key=SECRET123");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).doesNotContain("SECRET123");
    }
  }
}
