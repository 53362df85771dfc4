package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The JSON Schema for profiles (issue 15 item 7): shipped in the core jar and under docs/, it accepts every built-in
 * profile, rejects misspelled keys as the loader does, and names exactly the fields the loader allows, so editors
 * that complete and check profiles with it agree with {@link ProviderProfiles#load}.
 */
class ProfileSchemaTest {
  private static final String SCHEMA_RESOURCE = "/dev/shippingresilience/profile.schema.json";
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> builtInIds = ProviderProfiles.BUILT_IN_IDS;

  private static String resource(String name) {
    try (InputStream in = ProfileSchemaTest.class.getResourceAsStream(name)) {
      return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema schema() {
    return REGISTRY.getSchema(resource(SCHEMA_RESOURCE), InputFormat.JSON);
  }

  private static List<String> errors(String profile) {
    return schema().validate(profile, InputFormat.JSON).stream().map(Error::toString).toList();
  }

  /** Clickpost's profile with one top-level key renamed, every other member as it is. */
  private static String clickpostWithTopLevelKey(String key, String renamed) throws IOException {
    JsonNode clickpost = JSON.readTree(resource("/dev/shippingresilience/profiles/clickpost.json"));
    ObjectNode out = JSON.createObjectNode();
    clickpost.properties().forEach(e -> out.set(e.getKey().equals(key) ? renamed : e.getKey(), e.getValue()));
    return JSON.writeValueAsString(out);
  }

  @Test
  void schemaIsValidDraft202012() {
    // given the 2020-12 meta-schema, which the validator ships
    Schema meta = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    // then
    assertThat(meta.validate(resource(SCHEMA_RESOURCE), InputFormat.JSON)).isEmpty();
    assertThat(meta.validate("{\"type\":\"objekt\"}", InputFormat.JSON)).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("builtInIds")
  void everyBuiltInProfileMatchesTheSchema(String id) {
    assertThat(errors(resource("/dev/shippingresilience/profiles/" + id + ".json"))).isEmpty();
  }

  @Test
  void profileUsingEveryFeatureOfIssue17MatchesTheSchema() {
    assertThat(errors(resource("/profiles/feature-carrier.json"))).isEmpty();
  }

  @Test
  void misspelledTopLevelKeyIsRejectedBySchemaAndLoaderAlike() throws IOException {
    // given clickpost's profile with its top-level "codes" misspelled
    String profile = clickpostWithTopLevelKey("codes", "cdes");

    // when
    List<Error> errors = schema().validate(profile, InputFormat.JSON);

    // then
    assertThat(errors).singleElement().satisfies(e -> {
      assertThat(e.getInstanceLocation().toString()).isEmpty();
      assertThat(e.getMessage()).contains("'cdes' is not defined in the schema");
    });
    assertThatThrownBy(() -> ProviderProfiles.parse("clickpost.json",
        new ByteArrayInputStream(profile.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(InvalidProfileException.class).hasMessageContaining("field cdes: unknown field");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      misspelled decision      | "codes":{"1":{"decision":"RETRIE","reason":"r"}}
      misspelled nested key    | "defaults":{"breaker":{"failureRate":50}}
      rule without a reason    | "codes":{"1":{"decision":"FAIL"}}
      code the reader can't read | "codes":{"a b":{"decision":"FAIL","reason":"r"}}
      duration without a unit  | "defaults":{"pollInterval":"500"}
      duration as a number     | "defaults":{"pollInterval":500}
      attempts out of range    | "defaults":{"maxAttempts":101}
      query source, no name    | "scope":{"carrier":[{"source":"query"}]}
      bad JSON Pointer         | "envelope":{"codePointers":["meta/code"]}
      match without when       | "matches":[{"decision":"FAIL","reason":"r"}]
      match value null         | "matches":[{"when":{"/a":null},"decision":"FAIL","reason":"r"}]
      pause without a zone     | "codes":{"Q":{"decision":"RETRY","reason":"r","pauseUntil":{"timeOfDay":"00:00"}}}
      pause at 12:00AM         | "codes":{"Q":{"decision":"RETRY","reason":"r","pauseUntil":{"timeOfDay":"12:00AM","zone":"GMT"}}}
      credentials not expired  | "httpStatuses":{"401":{"decision":"FAIL","reason":"r","credentials":"stale"}}
      business key, no pointer | "operations":[{"name":"o","path":"/o","businessKey":{"source":"requestBody"}}]
      idempotency key, no header | "operations":[{"name":"o","path":"/o","idempotencyKey":{"required":true}}]
      reconcile by POST        | "operations":[{"name":"o","path":"/o","reconcile":{"method":"POST","path":"/o?r={query:r}","found":"/id","absent":"/a"}}]
      reconcile, no variable   | "operations":[{"name":"o","path":"/o","reconcile":{"method":"GET","path":"/o","found":"/id","absent":"/a"}}]
      reconcile, no absent     | "operations":[{"name":"o","path":"/o","reconcile":{"method":"GET","path":"/o?r={query:r}","found":"/id"}}]
      """)
  void schemaRejectsWhatTheLoaderRejects(String what, String members) {
    String profile = "{\"id\":\"x\",\"name\":\"X\"," + members + "}";
    assertThat(errors(profile)).isNotEmpty();
    assertThatThrownBy(() -> ProviderProfiles.parse("x.json",
        new ByteArrayInputStream(profile.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(InvalidProfileException.class);
  }

  @Test
  void profileWithSchemaReferenceAndSimpleDurationsLoadsAndValidates() {
    String profile = "{\"$schema\":\"./profile.schema.json\",\"id\":\"my-carrier\",\"name\":\"My Carrier\","
        + "\"defaults\":{\"initialBackoff\":\"500ms\",\"maxBackoff\":\"PT30S\",\"rateLimit\":{\"limitForPeriod\":5,"
        + "\"period\":\"1s\"}}}";
    assertThat(errors(profile)).isEmpty();
    assertThat(ProviderProfiles.parse("my-carrier.json",
        new ByteArrayInputStream(profile.getBytes(StandardCharsets.UTF_8))).id()).isEqualTo("my-carrier");
  }

  /**
   * Provokes the loader's "unknown field (allowed here: ...)" at each object of a profile and compares its list with
   * the properties the schema names there, so a field added to one and not the other fails here.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      top level                 | "zz":1                                                         | /properties
      envelope                  | "envelope":{"zz":1}                                            | /properties/envelope/properties
      codes rule                | "codes":{"1":{"zz":1}}                                         | /$defs/rule/properties
      codeRanges[]              | "codeRanges":[{"zz":1}]                                        | /properties/codeRanges/items/properties
      messageOverrides[]        | "messageOverrides":[{"zz":1}]                                  | /properties/messageOverrides/items/properties
      items[]                   | "items":[{"zz":1}]                                             | /properties/items/items/properties
      refine                    | "refine":{"zz":1}                                              | /$defs/refine/properties
      operations[]              | "operations":[{"zz":1}]                                        | /properties/operations/items/properties
      operations[].poll         | "operations":[{"name":"a","path":"/a","poll":{"zz":1}}]        | /properties/operations/items/properties/poll/properties
      operations[].businessKey  | "operations":[{"name":"a","path":"/a","businessKey":{"zz":1}}] | /properties/operations/items/properties/businessKey/properties
      operations[].idempotencyKey | "operations":[{"name":"a","path":"/a","idempotencyKey":{"zz":1}}] | /properties/operations/items/properties/idempotencyKey/properties
      operations[].reconcile    | "operations":[{"name":"a","path":"/a","reconcile":{"zz":1}}]   | /properties/operations/items/properties/reconcile/properties
      operations[].reconcile.status | "operations":[{"name":"a","path":"/a","reconcile":{"method":"GET","path":"/a?r={query:r}","found":"/id","absent":"/a","status":{"zz":1}}}] | /properties/operations/items/properties/reconcile/properties/status/properties
      matches[]                 | "matches":[{"zz":1}]                                           | /properties/matches/items/properties
      pauseUntil                | "codes":{"1":{"decision":"RETRY","reason":"r","pauseUntil":{"zz":1}}} | /$defs/pauseUntil/properties
      scope                     | "scope":{"zz":1}                                               | /properties/scope/properties
      scope.carrier[]           | "scope":{"carrier":[{"zz":1}]}                                 | /properties/scope/properties/carrier/items/properties
      secrets                   | "secrets":{"zz":1}                                             | /properties/secrets/properties
      defaults                  | "defaults":{"zz":1}                                            | /properties/defaults/properties
      defaults.rateLimit        | "defaults":{"rateLimit":{"zz":1}}                              | /properties/defaults/properties/rateLimit/properties
      defaults.breaker          | "defaults":{"breaker":{"zz":1}}                                | /properties/defaults/properties/breaker/properties
      """)
  void schemaNamesExactlyTheFieldsTheLoaderAllows(String where, String members, String schemaPointer)
      throws IOException {
    // given
    String profile = "{\"id\":\"x\",\"name\":\"X\"," + members + "}";
    JsonNode properties = JSON.readTree(resource(SCHEMA_RESOURCE)).at(schemaPointer);
    List<String> inSchema = new ArrayList<>();
    properties.fieldNames().forEachRemaining(inSchema::add);

    // when
    InvalidProfileException e = (InvalidProfileException) org.assertj.core.api.Assertions.catchThrowable(
        () -> ProviderProfiles.parse("x.json", new ByteArrayInputStream(profile.getBytes(StandardCharsets.UTF_8))));

    // then
    assertThat(e).isNotNull();
    assertThat(e.problem()).startsWith("unknown field (allowed here: ");
    String allowed = e.problem().substring("unknown field (allowed here: ".length(), e.problem().length() - 1);
    assertThat(inSchema).isNotEmpty().containsExactlyInAnyOrderElementsOf(Arrays.asList(allowed.split(", ")));
    assertThat(errors(profile)).anySatisfy(error -> assertThat(error).contains("zz"));
  }

  @Test
  void docsCopyIsTheSchemaInTheJar() throws IOException {
    Path docs = Path.of("..", "docs", "profile.schema.json");
    assertThat(Files.readString(docs, StandardCharsets.UTF_8)).isEqualTo(resource(SCHEMA_RESOURCE));
  }
}
