package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.InvalidProfileException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Profiles that used to load and then break later (issue 11 item 9): each must fail at load, naming the source and
 * the field.
 */
class ProfileParserTest {
  private static final String SOURCE = "my-carrier.json";

  private static CompiledProfile parse(String json) {
    return ProfileParser.parse(SOURCE, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  /** A profile with {@code members} added after its id and name. */
  private static String profile(String members) {
    return "{\"id\":\"x\",\"name\":\"X\"" + (members.isEmpty() ? "" : "," + members) + "}";
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String json, String field,
      String problem) {
    return assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(InvalidProfileException.class, e -> {
          assertThat(e.source()).isEqualTo(SOURCE);
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.problem()).contains(problem);
        })
        .hasMessageStartingWith(SOURCE + ": " + (field.isEmpty() ? "" : "field " + field + ": "));
  }

  @Nested
  class Durations {
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
        initialBackoff                   | PT2562047788015215H | "initialBackoff":"PT2562047788015215H"                      | from PT0.001S to PT1H
        maxBackoff                       | P106751991167300D   | "maxBackoff":"P106751991167300D"                           | from PT0.001S to PT1H
        pollInterval                     | P106751991167300D   | "pollInterval":"P106751991167300D"                         | from PT0.001S to PT1H
        maxPollDuration                  | PT2562047788015215H | "maxPollDuration":"PT2562047788015215H"                    | from PT0.001S to PT24H
        rateLimit.period                 | P106751991167300D   | "rateLimit":{"limitForPeriod":1,"period":"P106751991167300D"} | from PT0.001S to PT744H
        breaker.waitDurationInOpenState  | PT2562047788015215H | "breaker":{"failureRateThreshold":50,"minimumNumberOfCalls":1,"slidingWindowSize":1,"waitDurationInOpenState":"PT2562047788015215H"} | from PT0.001S to PT24H
        initialBackoff                   | zero                | "initialBackoff":"PT0S"                                    | from PT0.001S to PT1H, got PT0S
        pollInterval                     | negative            | "pollInterval":"-PT5S"                                     | from PT0.001S to PT1H, got -PT5S
        breaker.waitDurationInOpenState  | under a millisecond | "breaker":{"failureRateThreshold":50,"minimumNumberOfCalls":1,"slidingWindowSize":1,"waitDurationInOpenState":"PT0.0005S"} | from PT0.001S to PT24H
        maxBackoff                       | just over 1 hour    | "maxBackoff":"PT1H0.001S"                                  | from PT0.001S to PT1H
        """)
    void durationNearLongMaxOrNotPositiveIsRejectedAtLoad(String field, String what, String defaults,
        String problem) {
      assertRejected(profile("\"defaults\":{" + defaults + "}"), "defaults." + field, problem);
    }

    @Test
    void pollIntervalLongerThanMaxPollDurationIsRejected() {
      assertRejected(profile("\"defaults\":{\"pollInterval\":\"PT3M\",\"maxPollDuration\":\"PT2M\"}"),
          "defaults.pollInterval", "longer than maxPollDuration (PT2M), so no poll could ever be sent");
    }

    @Test
    void everyDurationAtItsLimitLoads() {
      CompiledProfile p = parse(profile("\"defaults\":{\"initialBackoff\":\"PT0.001S\",\"maxBackoff\":\"PT1H\","
          + "\"pollInterval\":\"PT1H\",\"maxPollDuration\":\"P1D\",\"rateLimit\":{\"limitForPeriod\":1,"
          + "\"period\":\"P31D\"},\"breaker\":{\"failureRateThreshold\":100,\"minimumNumberOfCalls\":1,"
          + "\"slidingWindowSize\":1,\"waitDurationInOpenState\":\"P1D\"}}"));
      assertThat(p.defaults().maxPollDuration()).isEqualTo(Duration.ofDays(1));
      assertThat(p.defaults().rateLimit().period()).isEqualTo(Duration.ofDays(31));
    }
  }

  @Nested
  class TrailingContent {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a second object          | {"id":"x","name":"X"} {"id":"y","name":"Y"} | line 1, column 23
        a stray word             | {"id":"x","name":"X"} x                     | line 1, column 23
        a stray bracket          | {"id":"x","name":"X"}]                      | line 1, column 22
        a number                 | {"id":"x","name":"X"}    42                 | line 1, column 26
        """)
    void trailingContentAfterTheProfileIsRejected(String what, String json, String where) {
      assertRejected(json, "", "trailing content after the profile at " + where);
    }

    @Test
    void trailingContentOnALaterLineNamesThatLine() {
      assertRejected("{\"id\":\"x\",\"name\":\"X\"}\n\n  {}", "", "trailing content after the profile at line 3, column 3");
    }

    @Test
    void trailingWhitespaceIsFine() {
      assertThat(parse(profile("") + " \n\t\n").id()).isEqualTo("x");
    }
  }

  @Nested
  class HeaderNames {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        CR LF in the idempotency key header | "defaults":{"idempotencyKeyHeader":"Idempotency-Key\\r\\nX-Evil: 1"} | defaults.idempotencyKeyHeader | not a valid HTTP header name
        a space in the idempotency key header | "defaults":{"idempotencyKeyHeader":"Idempotency Key"}            | defaults.idempotencyKeyHeader | not a valid HTTP header name
        an empty idempotency key header     | "defaults":{"idempotencyKeyHeader":""}                             | defaults.idempotencyKeyHeader | not a valid HTTP header name
        LF in a secret header               | "secrets":{"headers":["x-token","x-api-key\\n"]}                   | secrets.headers[1]            | not a valid HTTP header name
        a colon in a secret header          | "secrets":{"headers":["x-api-key:"]}                               | secrets.headers[0]            | not a valid HTTP header name
        """)
    void headerNameThatIsNotAnRfc9110TokenIsRejected(String what, String members, String field, String problem) {
      assertRejected(profile(members), field, problem);
    }

    @Test
    void tokenHeaderNamesLoad() {
      CompiledProfile p = parse(profile("\"defaults\":{\"idempotencyKeyHeader\":\"X-Idempotency_Key.v2\"},"
          + "\"secrets\":{\"headers\":[\"17token\",\"x-api-key\"]}"));
      assertThat(p.defaults().idempotencyKeyHeader()).isEqualTo("X-Idempotency_Key.v2");
      assertThat(p.secrets().headers()).containsExactly("17token", "x-api-key");
    }
  }

  @Nested
  class CodesTheReaderCanProduce {
    private static final String RULE = "{\"decision\":\"FAIL\",\"reason\":\"r\"}";
    private static final String TOO_LONG = "9".repeat(65);

    /** Candidates on both sides of {@link Codes#PLAIN_CODE}. */
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"0", "-18019909", "E-1", "ERR:42", "a.b_c", "-", "0001", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "ACCOUNTNUMBER.REGISTRATION.REQUIRED.INVALID",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", "a b", "a/b", "é",
        "+1", " 1", "1 "})
    void loaderAcceptsExactlyTheCodesTheClassifierReads(String code) {
      String json = profile("\"codes\":{\"" + code + "\":" + RULE + "}");
      if (Codes.PLAIN_CODE.matcher(code).matches()) {
        assertThat(parse(json).codes()).containsKey(code);
      } else {
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(InvalidProfileException.class,
            e -> assertThat(e.problem()).contains("'" + code + "' can never be read"));
      }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a code over 64 characters    | codes.                  | "codes":{"%s":%s}
        an operation code            | operations[0].codes.    | "operations":[{"name":"o","path":"/o","codes":{"%s":%s}}]
        """)
    void codeOver64CharactersIsRejectedNamingTheCode(String what, String fieldPrefix, String template) {
      assertRejected(profile(String.format(template, TOO_LONG, RULE)), fieldPrefix + "\"" + TOO_LONG + "\"",
          "'" + TOO_LONG + "' can never be read: a code is 1 to 64 of A-Z a-z 0-9 _ . : - after an optional '-'");
    }

    @Test
    void overrideCodeTheReaderCannotProduceIsRejected() {
      assertRejected(profile("\"envelope\":{\"codePointers\":[\"/c\"],\"messagePointers\":[\"/m\"]},"
              + "\"messageOverrides\":[{\"code\":\"a b\",\"pattern\":\"x\",\"decision\":\"FAIL\",\"reason\":\"r\"}]"),
          "messageOverrides[0].code", "'a b' can never be read");
    }

    @Test
    void overrideForACodeInNoTableIsRejectedBecauseItCouldNeverApply() {
      assertRejected(profile("\"envelope\":{\"codePointers\":[\"/c\"],\"messagePointers\":[\"/m\"]},"
              + "\"codes\":{\"1\":" + RULE + "},"
              + "\"messageOverrides\":[{\"code\":\"2\",\"pattern\":\"x\",\"decision\":\"FAIL\",\"reason\":\"r\"}]"),
          "messageOverrides[0].code", "no code table or range has code '2', so the override could never apply");
    }

    @Test
    void overrideForACodeInAnOperationTableOrARangeLoads() {
      CompiledProfile p = parse(profile("\"envelope\":{\"codePointers\":[\"/c\"],\"messagePointers\":[\"/m\"]},"
          + "\"codeRanges\":[{\"from\":10,\"to\":19,\"decision\":\"FAIL\",\"reason\":\"r\"}],"
          + "\"operations\":[{\"name\":\"o\",\"path\":\"/o\",\"codes\":{\"E-1\":" + RULE + "}}],"
          + "\"messageOverrides\":[{\"code\":\"E-1\",\"pattern\":\"x\",\"decision\":\"RETRY\",\"reason\":\"r\"},"
          + "{\"code\":\"15\",\"pattern\":\"x\",\"decision\":\"RETRY\",\"reason\":\"r\"}]"));
      assertThat(p.overrides()).extracting(ProfileModel.MessageOverride::code).containsExactly("E-1", "15");
    }

    @Test
    void overrideWithoutAnyMessagePointerIsRejectedBecauseItCouldNeverApply() {
      assertRejected(profile("\"envelope\":{\"codePointers\":[\"/c\"]},\"codes\":{\"1\":" + RULE + "},"
              + "\"messageOverrides\":[{\"code\":\"1\",\"pattern\":\"x\",\"decision\":\"FAIL\",\"reason\":\"r\"}]"),
          "messageOverrides", "no envelope.messagePointers nor item messagePointer says where the message is");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        leading space   | refine                  | "refine":{"pointer":"/s","values":{" creating":%s}}
        trailing space  | operations[0].refine    | "operations":[{"name":"o","path":"/o","refine":{"pointer":"/s","values":{"creating ":%s}}}]
        """)
    void refineValueWithSurroundingWhitespaceIsRejected(String what, String path, String template) {
      String json = profile(String.format(template, RULE));
      assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(InvalidProfileException.class, e -> {
        assertThat(e.field()).startsWith(path + ".values.");
        assertThat(e.problem()).contains("can never match: values are read with surrounding white space removed");
      });
    }

    @Test
    void refineValueLongerThanTheReaderKeepsIsRejected() {
      String value = "v".repeat(StreamingExtractor.MAX_VALUE_LENGTH + 1);
      assertRejected(profile("\"refine\":{\"pointer\":\"/s\",\"values\":{\"" + value + "\":" + RULE + "}}"),
          "refine.values." + value, "can never match: values are read up to 4096 characters");
    }

    @Test
    void overlappingCodeRangesAreRejected() {
      assertRejected(profile("\"codeRanges\":[{\"from\":-32099,\"to\":-32001,\"decision\":\"BREAK\",\"reason\":\"r\"},"
              + "{\"from\":-32010,\"to\":-32000,\"decision\":\"FAIL\",\"reason\":\"r\"}]"),
          "codeRanges[1]", "overlaps codeRanges[0] (-32099..-32001)");
    }

    @Test
    void rangeBoundBeyondLongIsRejected() {
      assertRejected(profile("\"codeRanges\":[{\"from\":1,\"to\":99999999999999999999,\"decision\":\"BREAK\","
          + "\"reason\":\"r\"}]"), "codeRanges[0].to", "expected an integer");
    }
  }

  @Nested
  class Hosts {
    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
        *.x                      | hosts already match every subdomain: write 'x' for '*.x'
        *.example.com            | hosts already match every subdomain: write 'example.com' for '*.example.com'
        https://x.com            | a host name, not a URL
        ''                       | not a host name: empty
        api example.com          | not a valid host name
        example.com:8080         | a host name without a port
        example.com/api          | a host name without a path
        com                      | needs at least two labels
        -bad.example.com         | label '-bad' must not start or end with '-'
        bad-.example.com         | label 'bad-' must not start or end with '-'
        example..com             | empty label
        example.com.             | empty label
        0.0.1                    | not a valid IPv4 address
        256.1.1.1                | not a valid IPv4 address
        [::1                     | not a valid IPv6 address
        [not-ip:]                | not a valid IPv6 address
        exa_mple.com             | not a valid host name
        """)
    void hostThatIsNotADnsNameOrIpLiteralIsRejected(String host, String problem) {
      assertRejected(profile("\"hosts\":[\"ok.example\",\"" + host + "\"]"), "hosts[1]", problem);
    }

    @Test
    void labelOver63CharactersIsRejected() {
      String label = "a".repeat(64);
      assertRejected(profile("\"hosts\":[\"" + label + ".example\"]"), "hosts[0]", "longer than 63 characters");
    }

    @Test
    void hostOver253CharactersIsRejected() {
      String host = ("a".repeat(62) + ".").repeat(4) + "example";
      assertRejected(profile("\"hosts\":[\"" + host + "\"]"), "hosts[0]", "longer than 253 characters");
    }

    @Test
    void dnsNamesLocalhostAndIpLiteralsLoadLowercased() {
      CompiledProfile p = parse(profile("\"hosts\":[\"API.Example.COM\",\"localhost\",\"127.0.0.1\",\"[::1]\","
          + "\"xn--bcher-kva.example\",\"1st.example\"]"));
      assertThat(p.hosts()).containsExactly("api.example.com", "localhost", "127.0.0.1", "[::1]",
          "xn--bcher-kva.example", "1st.example");
    }
  }

  @Nested
  class OtherFieldsThatBrokeLater {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        zero attempts               | "defaults":{"maxAttempts":0}                             | defaults.maxAttempts | expected an integer from 1 to 100, got 0
        negative attempts           | "defaults":{"maxAttempts":-3}                            | defaults.maxAttempts | expected an integer from 1 to 100, got -3
        huge attempts               | "defaults":{"maxAttempts":99999999999999999999}          | defaults.maxAttempts | expected an integer from 1 to 100
        fractional attempts         | "defaults":{"maxAttempts":2.5}                           | defaults.maxAttempts | expected an integer from 1 to 100
        too many polls              | "defaults":{"maxPolls":10001}                            | defaults.maxPolls    | expected an integer from 1 to 10000
        rate limit of zero          | "defaults":{"rateLimit":{"limitForPeriod":0,"period":"PT1S"}} | defaults.rateLimit.limitForPeriod | expected an integer from 1 to 1000000, got 0
        threshold zero              | "defaults":{"breaker":{"failureRateThreshold":0,"minimumNumberOfCalls":1,"slidingWindowSize":1,"waitDurationInOpenState":"PT1S"}} | defaults.breaker.failureRateThreshold | expected a percentage in (0, 100]
        threshold over 100          | "defaults":{"breaker":{"failureRateThreshold":100.5,"minimumNumberOfCalls":1,"slidingWindowSize":1,"waitDurationInOpenState":"PT1S"}} | defaults.breaker.failureRateThreshold | expected a percentage in (0, 100]
        sliding window of zero      | "defaults":{"breaker":{"failureRateThreshold":50,"minimumNumberOfCalls":1,"slidingWindowSize":0,"waitDurationInOpenState":"PT1S"}} | defaults.breaker.slidingWindowSize | expected an integer from 1 to 1000, got 0
        huge sliding window         | "defaults":{"breaker":{"failureRateThreshold":50,"minimumNumberOfCalls":1,"slidingWindowSize":2147483647,"waitDurationInOpenState":"PT1S"}} | defaults.breaker.slidingWindowSize | expected an integer from 1 to 1000, got 2147483647
        more minimum calls than window | "defaults":{"breaker":{"failureRateThreshold":50,"minimumNumberOfCalls":30,"slidingWindowSize":20,"waitDurationInOpenState":"PT1S"}} | defaults.breaker.minimumNumberOfCalls | must not exceed slidingWindowSize (20)
        zero half-open calls        | "defaults":{"breaker":{"failureRateThreshold":50,"minimumNumberOfCalls":1,"slidingWindowSize":1,"waitDurationInOpenState":"PT1S","permittedNumberOfCallsInHalfOpenState":0}} | defaults.breaker.permittedNumberOfCallsInHalfOpenState | expected an integer from 1 to 1000, got 0
        open wait multiplier below 1 | "defaults":{"breaker":{"failureRateThreshold":50,"minimumNumberOfCalls":1,"slidingWindowSize":1,"waitDurationInOpenState":"PT1S","exponentialBackoffMultiplier":0.5}} | defaults.breaker.exponentialBackoffMultiplier | expected a number from 1 to 10, got 0.5
        open wait multiplier as text | "defaults":{"breaker":{"failureRateThreshold":50,"minimumNumberOfCalls":1,"slidingWindowSize":1,"waitDurationInOpenState":"PT1S","exponentialBackoffMultiplier":"2"}} | defaults.breaker.exponentialBackoffMultiplier | expected a number from 1 to 10
        longest open wait below the first | "defaults":{"breaker":{"failureRateThreshold":50,"minimumNumberOfCalls":1,"slidingWindowSize":1,"waitDurationInOpenState":"PT10S","exponentialMaxWaitDurationInOpenState":"PT5S"}} | defaults.breaker.exponentialMaxWaitDurationInOpenState | must be at least waitDurationInOpenState (PT10S)
        carrier pattern without group 1 | "scope":{"carrier":[{"source":"query","name":"cp","pattern":"^[a-z]+"}]} | scope.carrier[0].pattern | needs a capturing group
        carrier pattern that does not compile | "scope":{"carrier":[{"source":"query","name":"cp","pattern":"(["}]} | scope.carrier[0].pattern | not a valid regular expression
        pointer with a bad escape   | "envelope":{"codePointers":["/a~2b"]}                    | envelope.codePointers[0] | '~' must be followed by 0 or 1
        duplicate top-level key     | "id":"y"                                                 | id | Duplicate field 'id'
        duplicate key deep down     | "defaults":{"maxAttempts":2,"maxAttempts":3}             | defaults.maxAttempts | Duplicate field 'maxAttempts'
        operation method with a space | "operations":[{"name":"o","method":"GE T","path":"/o"}] | operations[0].method | not a valid HTTP method
        poll method with CR LF      | "operations":[{"name":"o","path":"/o","poll":{"method":"GET\\r\\n","path":"/o/1"}}] | operations[0].poll.method | not a valid HTTP method
        poll path without a slash   | "operations":[{"name":"o","path":"/o","poll":{"method":"GET","path":"labels/1"}}] | operations[0].poll.path | must start with '/' and a first segment
        poll path of only a slash   | "operations":[{"name":"o","path":"/o","poll":{"method":"GET","path":"/"}}] | operations[0].poll.path | must start with '/' and a first segment
        poll path with a space      | "operations":[{"name":"o","path":"/o","poll":{"method":"GET","path":"/labels/a b"}}] | operations[0].poll.path | may only hold URL path characters
        operation path with a query | "operations":[{"name":"o","path":"/o?x=1"}]              | operations[0].path   | may only hold URL path characters
        retryable hint without a code | "envelope":{"retryablePointer":"/retryable"}           | envelope.retryablePointer | no codePointers
        description not a string    | "description":5                                          | description          | expected a string
        empty secret query name     | "secrets":{"query":[""]}                                 | secrets.query[0]     | not a valid query parameter name
        secret query name with '='  | "secrets":{"query":["a=b"]}                              | secrets.query[0]     | not a valid query parameter name
        empty secret body field     | "secrets":{"bodyFields":[""]}                            | secrets.bodyFields[0] | must not be empty
        code with a line break      | "codes":{"a\\nb":{"decision":"FAIL","reason":"r"}}       | codes."a\\nb"        | 'a\\nb' can never be read
        """)
    void fieldThatWouldBreakLaterIsRejectedAtLoad(String what, String members, String field, String problem) {
      assertRejected(profile(members), field, problem);
    }
  }

  /** Issue 17: the profile features the next providers need, each refused at load with the field named. */
  @Nested
  class ProviderFeatures {
    private static final String RULE = "\"decision\":\"BREAK\",\"scope\":\"carrier\",\"reason\":\"r\"";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        two '*' segments            | "envelope":{"codePointers":["/errors/*/details/*/code"]} | envelope.codePointers[0] | more than one '*' segment
        '*' where no array is read  | "envelope":{"successPointer":"/data/*"}                  | envelope.successPointer | allowed only in envelope.codePointers, envelope.messagePointers, matches and responseBody carrier sources
        '*' in a request source     | "scope":{"carrier":[{"source":"requestBody","pointer":"/parcels/*/carrier"}]} | scope.carrier[0].pointer | allowed only in
        a plain pointer inside the array | "envelope":{"codePointers":["/errors/*/code","/errors/0/code"]} | envelope.codePointers[1] | inside /errors, which envelope.codePointers[0] reads element by element, so it would never be read: write /errors/*/code
        a plain pointer inside an item array | "envelope":{"messagePointers":["/data/rejected/0/message"]},"items":[{"arrayPointer":"/data/rejected","codePointer":"/code"}] | envelope.messagePointers[0] | inside /data/rejected, which items[0].arrayPointer reads element by element
        match without when          | "matches":[{"decision":"FAIL","reason":"r"}]            | matches[0].when      | expected a non-empty object of JSON Pointer to value
        match over two arrays       | "matches":[{"when":{"/errors/*/a":"x","/messages/*/b":"y"},"decision":"FAIL","reason":"r"}] | matches[0].when."/messages/*/b" | reads the array /messages but "/errors/*/a" reads /errors
        match value with spaces     | "matches":[{"when":{"/a":" x"},"decision":"FAIL","reason":"r"}] | matches[0].when."/a" | can never match: values are read with surrounding white space removed
        match with only not         | "matches":[{"when":{"/a":{"not":"x"}},"decision":"FAIL","reason":"r"}] | matches[0].when | needs a condition that names a value the field must have
        match not misspelled        | "matches":[{"when":{"/b":"y","/a":{"nto":"x"}},"decision":"FAIL","reason":"r"}] | matches[0].when."/a".nto | unknown field (allowed here: not)
        match not null              | "matches":[{"when":{"/b":"y","/a":{"not":null}},"decision":"FAIL","reason":"r"}] | matches[0].when."/a".not | null can never match
        match value null            | "matches":[{"when":{"/a":null},"decision":"FAIL","reason":"r"}] | matches[0].when."/a" | null can never match
        match value an object       | "matches":[{"when":{"/a":["x",{}]},"decision":"FAIL","reason":"r"}] | matches[0].when."/a"[1] | expected a string, a number or a boolean, got object
        match carrier elsewhere     | "matches":[{"when":{"/errors/*/a":"x"},"carrierPointer":"/messages/*/carrier","decision":"FAIL","reason":"r"}] | matches[0].carrierPointer | reads the array /messages, which the conditions in when do not read element by element
        signal on the document      | "matches":[{"when":{"/type":"rate_error"},"signal":true,"decision":"BREAK","reason":"r"}] | matches[0].signal | when needs a condition with a '*' segment
        misspelled match field      | "matches":[{"when":{"/a":"x"},"decison":"FAIL","reason":"r"}] | matches[0].decison | unknown field
        pause not on a RETRY        | "httpStatuses":{"429":{"decision":"FAIL","reason":"r","pauseUntil":{"timeOfDay":"00:00","zone":"GMT"}}} | httpStatuses."429".pauseUntil | needs decision RETRY
        pause of a carrier          | "httpStatuses":{"429":{"decision":"RETRY","scope":"carrier","reason":"r","pauseUntil":{"timeOfDay":"00:00","zone":"GMT"}}} | httpStatuses."429".pauseUntil | not a carrier
        pause at 12:00AM            | "httpStatuses":{"429":{"decision":"RETRY","reason":"r","pauseUntil":{"timeOfDay":"12:00AM","zone":"GMT"}}} | httpStatuses."429".pauseUntil.timeOfDay | expected a time of day like 00:00
        pause in no zone            | "httpStatuses":{"429":{"decision":"RETRY","reason":"r","pauseUntil":{"timeOfDay":"00:00","zone":"Mars/Base"}}} | httpStatuses."429".pauseUntil.zone | unknown time zone 'Mars/Base'
        pause without a zone        | "codes":{"Q":{"decision":"RETRY","reason":"r","pauseUntil":{"timeOfDay":"00:00"}}} | codes.Q.pauseUntil.zone | is required
        pause in an item            | "items":[{"arrayPointer":"/a","decision":"RETRY","reason":"r","pauseUntil":{"timeOfDay":"00:00","zone":"GMT"}}] | items[0].pauseUntil | unknown field
        credentials not expired     | "httpStatuses":{"401":{"decision":"FAIL","reason":"r","credentials":"stale"}} | httpStatuses."401".credentials | unknown value 'stale' (expected expired)
        credentials on a RETRY      | "httpStatuses":{"401":{"decision":"RETRY","reason":"r","credentials":"expired"}} | httpStatuses."401".credentials | needs decision FAIL
        business key and repeatSafe | "operations":[{"name":"o","path":"/o","repeatSafe":true,"businessKey":{"source":"requestBody","pointer":"/ref"}}] | operations[0].businessKey | keep one of the two
        business key in the answer  | "operations":[{"name":"o","path":"/o","businessKey":{"source":"responseBody","pointer":"/ref"}}] | operations[0].businessKey.source | read from the request
        business key without pointer | "operations":[{"name":"o","path":"/o","businessKey":{"source":"requestBody"}}] | operations[0].businessKey.pointer | is required
        idempotency header with a space | "operations":[{"name":"o","path":"/o","idempotencyKey":{"header":"Idempotency Key"}}] | operations[0].idempotencyKey.header | not a valid HTTP header name
        idempotency key, no header  | "operations":[{"name":"o","path":"/o","idempotencyKey":{"required":true}}] | operations[0].idempotencyKey.header | is required
        operation limit, no period  | "operations":[{"name":"o","path":"/o","rateLimit":{"limitForPeriod":5}}] | operations[0].rateLimit | needs both limitForPeriod and period
        operation limit of zero     | "operations":[{"name":"o","path":"/o","rateLimit":{"limitForPeriod":0,"period":"PT1S"}}] | operations[0].rateLimit.limitForPeriod | 0
        operation bucket upper case | "operations":[{"name":"o","path":"/o","rateLimit":{"limitForPeriod":5,"period":"PT1S","bucket":"Reads"}}] | operations[0].rateLimit.bucket | must be lowercase letters
        one bucket, two limits      | "operations":[{"name":"a","path":"/a","rateLimit":{"limitForPeriod":5,"period":"PT1S","bucket":"r"}},{"name":"b","path":"/b","rateLimit":{"limitForPeriod":6,"period":"PT1S","bucket":"r"}}] | operations[1].rateLimit | bucket 'r' is already 5 per PT1S
        misspelled limit field      | "operations":[{"name":"o","path":"/o","rateLimit":{"limitForPeriod":5,"period":"PT1S","bukket":"r"}}] | operations[0].rateLimit.bukket | unknown field
        """)
    void featureThatCouldNeverWorkIsRejectedAtLoad(String what, String members, String field, String problem) {
      assertRejected(profile(members), field, problem);
    }

    @Test
    void codesInsideArraysAndMatchesLoad() {
      CompiledProfile p = parse(profile("\"envelope\":{\"codePointers\":[\"/errors/*/error_code\",\"/error/code\"],"
          + "\"messagePointers\":[\"/errors/*/message\"]},"
          + "\"matches\":[{\"when\":{\"/errors/*/error_source\":\"carrier\",\"/errors/*/error_type\":[\"system\","
          + "1.0,true]},\"carrierPointer\":\"/errors/*/carrier_id\"," + RULE + "}]"));
      assertThat(p.codePointers()).containsExactly("/errors/*/error_code", "/error/code");
      ProfileModel.Match m = p.matches().get(0);
      assertThat(m.array()).isEqualTo("/errors");
      assertThat(m.when()).extracting(ProfileModel.Condition::values)
          .containsExactly(java.util.List.of("carrier"), java.util.List.of("system", "1", "true"));
      assertThat(m.signal()).isFalse();
    }

    @Test
    void pauseUntilLoadsAsANotProcessedRetry() {
      CompiledProfile p = parse(profile("\"httpStatuses\":{\"429\":{\"decision\":\"RETRY\",\"reason\":\"r\","
          + "\"pauseUntil\":{\"timeOfDay\":\"00:00\",\"zone\":\"GMT\"}}}"));
      ProfileModel.CodeRule rule = p.statusRule(429);
      assertThat(rule.notProcessed()).isTrue();
      assertThat(rule.pauseUntil()).hasToString("00:00 GMT");
      assertThat(p.pausesOperations()).isFalse();
    }

    @Test
    void pauseUntilIsTheNextSuchTimeStrictlyAfterNow() {
      ProfileModel.PauseUntil midnight = new ProfileModel.PauseUntil(java.time.LocalTime.MIDNIGHT,
          java.time.ZoneId.of("GMT"));
      java.time.Instant evening = java.time.Instant.parse("2026-03-01T22:30:00Z");
      assertThat(midnight.after(evening)).isEqualTo(Duration.ofMinutes(90));
      assertThat(midnight.after(java.time.Instant.parse("2026-03-02T00:00:00Z"))).isEqualTo(Duration.ofDays(1));
      // a zone with daylight saving: the night the clocks go forward has 23 hours
      ProfileModel.PauseUntil stockholm = new ProfileModel.PauseUntil(java.time.LocalTime.MIDNIGHT,
          java.time.ZoneId.of("Europe/Stockholm"));
      assertThat(stockholm.after(java.time.Instant.parse("2026-03-28T23:00:00Z"))).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void operationKeysLoad() {
      CompiledProfile p = parse(profile("\"operations\":[{\"name\":\"ship\",\"path\":\"/ship\","
          + "\"businessKey\":{\"source\":\"requestBody\",\"pointer\":\"/external_reference_id\"}},"
          + "{\"name\":\"auto\",\"path\":\"/auto\",\"idempotencyKey\":{\"header\":\"Idempotency-Key\","
          + "\"required\":true}}]"));
      assertThat(p.operationNamed("ship").businessKey().location()).isEqualTo("/external_reference_id");
      assertThat(p.operationNamed("auto").idempotencyKey())
          .isEqualTo(new ProfileModel.IdempotencyKeySpec("Idempotency-Key", true, true));
    }
  }
}
