package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ScriptedTransport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderProfilesTest {
  private static ProviderProfile parse(String json) {
    return ProviderProfiles.parse("my-carrier.json", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static final String MINIMAL = "{\"id\":\"my-carrier\",\"name\":\"My Carrier\",\"hosts\":[\"api.my.example\"],"
      + "\"envelope\":{\"codePointers\":[\"/status\"],\"bodySignalsSuccess\":true},"
      + "\"codes\":{\"0\":{\"decision\":\"SUCCEED\",\"reason\":\"ok\"}}}";

  @Test
  void builtInProfilesLoadAndDetectByHost() {
    ProviderProfiles profiles = ProviderProfiles.builtIn();
    assertThat(profiles.all()).extracting(ProviderProfile::id)
        .startsWith("generic-http", "clickpost", "aftership-shipping", "17track", "abicart"); // then profiles/index.txt
    assertThat(profiles.detect(URI.create("https://www.clickpost.in/api/v3/create-order/")).id())
        .isEqualTo("clickpost");
    assertThat(profiles.detect(URI.create("https://sandbox-api.aftership.com/postmen/v3/labels")).id())
        .isEqualTo("aftership-shipping");
    assertThat(profiles.detect(URI.create("https://myshop.abicart.se/backend/jsonrpc/v1/")).id())
        .isEqualTo("abicart");
    assertThat(profiles.detect(URI.create("https://notclickpost.in/x")).id()).isEqualTo("generic-http");
  }

  @Test
  void userProfileLoadsFromAFileAndJoinsTheSet(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("my-carrier.json");
    Files.writeString(file, MINIMAL);
    ProviderProfiles profiles = ProviderProfiles.builtIn().with(ProviderProfiles.load(file));
    assertThat(profiles.detect(URI.create("https://api.my.example/v1")).id()).isEqualTo("my-carrier");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    Path file = dir.resolve("nope.json");
    assertThatThrownBy(() -> ProviderProfiles.load(file)).isInstanceOf(InvalidProfileException.class)
        .hasMessage(file + ": file not found");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "bad JSON|{\"id\": \"x\",|my-carrier.json: field id: not valid JSON",
      "empty document||my-carrier.json: the document is empty",
      "unknown top-level field|{\"id\":\"x\",\"name\":\"X\",\"cdes\":{}}|field cdes: unknown field",
      "unknown decision|{\"id\":\"x\",\"name\":\"X\",\"codes\":{\"322\":{\"decision\":\"RETRIE\",\"reason\":\"r\"}}}|"
          + "field codes.\"322\".decision: unknown decision 'RETRIE' (expected one of SUCCEED, RETRY, POLL, BREAK, FAIL)",
      "duplicate code|{\"id\":\"x\",\"name\":\"X\",\"codes\":{\"1\":{\"decision\":\"FAIL\",\"reason\":\"a\"},"
          + "\"1\":{\"decision\":\"FAIL\",\"reason\":\"b\"}}}|field codes.\"1\": not valid JSON: Duplicate field '1'",
      "bad pointer|{\"id\":\"x\",\"name\":\"X\",\"envelope\":{\"codePointers\":[\"meta/status\"]}}|"
          + "field envelope.codePointers[0]: a JSON Pointer must be empty or start with '/'",
      "missing reason|{\"id\":\"x\",\"name\":\"X\",\"codes\":{\"1\":{\"decision\":\"FAIL\"}}}|"
          + "field codes.\"1\".reason: is required",
      "bad id|{\"id\":\"My Carrier\",\"name\":\"X\"}|field id: 'My Carrier' must be lowercase",
      "bad regex|{\"id\":\"x\",\"name\":\"X\",\"messageOverrides\":[{\"code\":\"1\",\"pattern\":\"(\",\"decision\":\"FAIL\","
          + "\"reason\":\"r\"}]}|field messageOverrides[0].pattern: not a valid regular expression",
      "byHost not a boolean|{\"id\":\"x\",\"name\":\"X\",\"scope\":{\"byHost\":\"yes\"}}|field scope.byHost: ",
      "bad duration|{\"id\":\"x\",\"name\":\"X\",\"defaults\":{\"pollInterval\":\"5 seconds\"}}|"
          + "field defaults.pollInterval: expected an ISO-8601 duration like PT5S",
      "duplicate flag on a non-success|{\"id\":\"x\",\"name\":\"X\",\"codes\":{\"1\":{\"decision\":\"FAIL\",\"reason\":\"r\","
          + "\"duplicate\":true}}}|field codes.\"1\".duplicate: only a SUCCEED can mean duplicate-is-done",
      "bad status key|{\"id\":\"x\",\"name\":\"X\",\"httpStatuses\":{\"42\":{\"decision\":\"FAIL\",\"reason\":\"r\"}}}|"
          + "field httpStatuses.\"42\": an HTTP status key must be",
      "poll path variable undefined|{\"id\":\"x\",\"name\":\"X\",\"operations\":[{\"name\":\"c\",\"path\":\"/l\","
          + "\"poll\":{\"method\":\"GET\",\"path\":\"/l/{id}\"}}]}|field operations[0].poll.path: uses {id}",
      "success signal nowhere|{\"id\":\"x\",\"name\":\"X\",\"envelope\":{\"bodySignalsSuccess\":true}}|"
          + "field envelope.bodySignalsSuccess: is true but neither"})
  void malformedProfileIsRejectedNamingFileFieldAndProblem(String what, String json, String message) {
    assertThatThrownBy(() -> parse(json == null ? "" : json))
        .isInstanceOf(InvalidProfileException.class)
        .hasMessageContaining("my-carrier.json")
        .hasMessageContaining(message);
  }

  /**
   * The load-time limits are the engine's limits: a profile with every duration and count at its smallest or largest
   * accepted value builds a policy that retries and polls (durations near Long.MAX used to load, then throw
   * ArithmeticException here).
   */
  @Test
  void aProfilesBreakerRecoverySettingsReachThePolicyAndItsLongestWaitScalesWithABuildersFirstWait() {
    // given
    ProviderProfile profile = parse("{\"id\":\"my-carrier\",\"name\":\"My Carrier\",\"hosts\":[\"api.my.example\"],"
        + "\"envelope\":{\"codePointers\":[\"/status\"],\"bodySignalsSuccess\":true},"
        + "\"codes\":{\"0\":{\"decision\":\"SUCCEED\",\"reason\":\"ok\"}},"
        + "\"defaults\":{\"breaker\":{\"failureRateThreshold\":50,\"minimumNumberOfCalls\":5,"
        + "\"slidingWindowSize\":20,\"waitDurationInOpenState\":\"30s\",\"permittedNumberOfCallsInHalfOpenState\":3,"
        + "\"exponentialBackoffMultiplier\":2,\"exponentialMaxWaitDurationInOpenState\":\"5m\"}}}");
    // when
    BreakerSettings asProfiled = ShippingPolicy.builder(profile).meterRegistry(new SimpleMeterRegistry()).build()
        .breaker();
    BreakerSettings shortened = ShippingPolicy.builder(profile).meterRegistry(new SimpleMeterRegistry())
        .breaker(50, 20, 5, Duration.ofSeconds(3), 3).build().breaker();
    // then
    assertThat(asProfiled).isEqualTo(new BreakerSettings(50, 20, 5, Duration.ofSeconds(30), 3, 2,
        Duration.ofMinutes(5)));
    assertThat(shortened.maxOpenWait()).isEqualTo(Duration.ofSeconds(30));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      smallest | 3   | PT0.001S | PT0.001S | PT0.001S | 1     | 1       | PT0.001S | 1    | 1    | PT0.001S | 0.001
      largest  | 100 | PT1H     | PT1H     | P1D      | 10000 | 1000000 | P31D     | 1000 | 1000 | P1D      | 100
      """)
  void profileAtEveryLimitBuildsAPolicyThatRetriesAndPolls(String what, int attempts, String backoff,
      String pollInterval, String maxPollDuration, int polls, int limit, String period, int minCalls, int window,
      String openWait, String threshold) throws IOException {
    // given
    ProviderProfile profile = parse("{\"id\":\"my-carrier\",\"name\":\"My Carrier\",\"hosts\":[\"api.my.example\"],"
        + "\"envelope\":{\"codePointers\":[\"/status\"],\"bodySignalsSuccess\":true},"
        + "\"codes\":{\"0\":{\"decision\":\"SUCCEED\",\"reason\":\"ok\"},"
        + "\"1\":{\"decision\":\"RETRY\",\"reason\":\"busy\"},\"2\":{\"decision\":\"POLL\",\"reason\":\"pending\"}},"
        + "\"defaults\":{\"maxAttempts\":" + attempts + ",\"initialBackoff\":\"" + backoff + "\",\"maxBackoff\":\""
        + backoff + "\",\"pollInterval\":\"" + pollInterval + "\",\"maxPollDuration\":\"" + maxPollDuration
        + "\",\"maxPolls\":" + polls + ",\"rateLimit\":{\"limitForPeriod\":" + limit + ",\"period\":\"" + period
        + "\"},\"breaker\":{\"failureRateThreshold\":" + threshold + ",\"minimumNumberOfCalls\":" + minCalls
        + ",\"slidingWindowSize\":" + window + ",\"waitDurationInOpenState\":\"" + openWait + "\"}}}");
    FakeClock clock = new FakeClock(Fixtures.NOW);
    FakeSleeper sleeper = new FakeSleeper(clock);
    ShippingPolicy policy = ShippingPolicy.builder(profile).clock(clock).sleeper(sleeper)
        .random(new FixedRandom()).meterRegistry(new SimpleMeterRegistry()).deadline(Duration.ofDays(40))
        .build();
    ScriptedTransport transport = new ScriptedTransport().then(200, "{\"status\":1}").then(200, "{\"status\":2}")
        .then(200, "{\"status\":0}");
    // when
    CallResult<String> result = policy.execute(RequestSnapshot.of("GET", "https://api.my.example/x"),
        CallOptions.none(), transport);
    // then
    assertThat(result.succeeded()).isTrue();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(result.polls()).isEqualTo(1);
    assertThat(sleeper.waits()).contains(Duration.parse(pollInterval));
    assertThat(transport.leaked()).isZero();
  }

  @Test
  void userProfileClassifiesWithItsOwnTable() {
    ProviderProfile mine = parse(MINIMAL);
    ResponseClassifier classifier = ResponseClassifier.builder()
        .profiles(ProviderProfiles.builtIn().with(mine)).build();
    Classification ok = classifier.classify(RequestSnapshot.of("GET", "https://api.my.example/x"),
        ResponseSnapshot.of(200, HeaderValues.empty(), "{\"status\":0}"));
    Classification unknown = classifier.classify(RequestSnapshot.of("GET", "https://api.my.example/x"),
        ResponseSnapshot.of(200, HeaderValues.empty(), "{\"status\":9}"));
    assertThat(ok.decision()).isEqualTo(Decision.SUCCEED);
    assertThat(unknown.decision()).isEqualTo(Decision.FAIL);
    assertThat(unknown.reason()).isEqualTo("unrecognised code 9");
  }

  @Test
  void overrideNeedsAReason() {
    ProviderProfile clickpost = ProviderProfiles.builtIn().require("clickpost");
    assertThatThrownBy(() -> clickpost.withCode("1", Decision.FAIL, " "))
        .hasMessage("Invalid reason for code 1: must not be blank");
    assertThatThrownBy(() -> clickpost.withCode("nope", "1", Decision.FAIL, "r"))
        .hasMessageContaining("Unknown operation 'nope'");
  }

  @Test
  void overrideOfACodeNoBodyCanCarryIsRefused() {
    ProviderProfile clickpost = ProviderProfiles.builtIn().require("clickpost");
    assertThatThrownBy(() -> clickpost.withCode("9".repeat(65), Decision.FAIL, "r"))
        .hasMessage("Invalid code (" + "9".repeat(65) + "): could never be read, a code is 1 to 64 of "
            + "A-Z a-z 0-9 _ . : - after an optional '-'");
    assertThat(clickpost.withCode("E-1:x", Decision.FAIL, "r").tableEntries())
        .anyMatch(e -> e.code().equals("E-1:x"));
  }

  @Test
  void unknownProviderNamesTheKnownOnes() {
    assertThatThrownBy(() -> ProviderProfiles.builtIn().require("no-such-provider"))
        .hasMessageContaining("Unknown provider 'no-such-provider'").hasMessageContaining("clickpost");
  }
}
