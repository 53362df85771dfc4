package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.internal.ProfileModel.ReconcileSpec;
import dev.shippingresilience.internal.Reconciliation;
import dev.shippingresilience.internal.Reconciliation.Verdict;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code reconcile} lookup of an operation (issue 18 item 1): what the loader accepts and refuses (naming file and
 * field), how the lookup URL is built from the request, and how its answer reads as found, absent or unknown.
 */
class ReconcileLookupTest {
  private static final String PICKUP = "{\"id\":\"x\",\"name\":\"X\",\"operations\":[{\"name\":\"pickup\","
      + "\"method\":\"POST\",\"path\":\"/v1/pickups\",\"reconcile\":%s}]}";

  private static ProviderProfile load(String reconcile) {
    String profile = String.format(PICKUP, reconcile);
    return ProviderProfiles.parse("my-carrier.json",
        new ByteArrayInputStream(profile.getBytes(StandardCharsets.UTF_8)));
  }

  private static Reconciliation lookup(String reconcile) {
    ReconcileSpec spec = load(reconcile).compiled().operationNamed("pickup").reconcile();
    assertThat(spec).isNotNull();
    return new Reconciliation(spec);
  }

  private static final String PLAIN = "{\"method\":\"GET\",\"path\":\"/v1/pickups?ref={requestBody:/ref}\","
      + "\"found\":\"/pickups/0/id\",\"absent\":\"/pickups\"}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a POST lookup         | {"method":"POST","path":"/v1/p?r={query:r}","found":"/id","absent":"/a"}   | operations[0].reconcile.method | is not GET
      no variable           | {"method":"GET","path":"/v1/p","found":"/id","absent":"/a"}               | operations[0].reconcile.path   | names no variable
      unknown source        | {"method":"GET","path":"/v1/p?r={header:r}","found":"/id","absent":"/a"}  | operations[0].reconcile.path   | unknown variable source 'header'
      bad pointer           | {"method":"GET","path":"/v1/p?r={requestBody:r}","found":"/id","absent":"/a"} | operations[0].reconcile.path | must be empty or start with '/'
      stray brace           | {"method":"GET","path":"/v1/{p}?r={query:r}","found":"/id","absent":"/a"} | operations[0].reconcile.path   | not a variable
      no absent             | {"method":"GET","path":"/v1/p?r={query:r}","found":"/id"}                 | operations[0].reconcile.absent | is required
      empty status values   | {"method":"GET","path":"/v1/p?r={query:r}","found":"/id","absent":"/a","status":{"pointer":"/s","values":[]}} | operations[0].reconcile.status.values | names no status
      misspelled field      | {"method":"GET","path":"/v1/p?r={query:r}","found":"/id","absnt":"/a"}    | operations[0].reconcile.absnt  | unknown field
      """)
  void aBrokenLookupIsRefusedNamingFileAndField(String what, String reconcile, String field, String problem) {
    assertThatThrownBy(() -> load(reconcile))
        .isInstanceOfSatisfying(InvalidProfileException.class, e -> {
          assertThat(e.getMessage()).startsWith("my-carrier.json");
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.problem()).contains(problem);
        });
  }

  @Test
  void repeatSafeAndReconcileTogetherAreRefused() {
    String profile = "{\"id\":\"x\",\"name\":\"X\",\"operations\":[{\"name\":\"pickup\",\"path\":\"/v1/pickups\","
        + "\"repeatSafe\":true,\"reconcile\":" + PLAIN + "}]}";
    assertThatThrownBy(() -> ProviderProfiles.parse("my-carrier.json",
        new ByteArrayInputStream(profile.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(InvalidProfileException.class).hasMessageContaining("operations[0].reconcile")
        .hasMessageContaining("repeatSafe");
  }

  @Test
  void valuesArePercentEncodedAndThePrefixAndCredentialsOfTheOriginalUrlKept() {
    Reconciliation r = lookup(PLAIN);
    Reconciliation.Lookup l = r.lookup(URI.create("https://api.example/base/v1/pickups?key=K&ref=old"),
        "{\"ref\":\"a b&c/d?é\"}".getBytes(StandardCharsets.UTF_8), 65_536);
    assertThat(l.missing()).isNull();
    // the template's ref wins over the original's; the original's key (a credential) goes along
    assertThat(l.uri()).hasToString("https://api.example/base/v1/pickups?ref=a%20b%26c%2Fd%3F%C3%A9&key=K");
  }

  @Test
  void aMissingOrBlankVariableMeansNoLookupAndSaysWhich() {
    Reconciliation r = lookup(PLAIN);
    URI create = URI.create("https://api.example/v1/pickups");
    assertThat(r.lookup(create, "{\"other\":1}".getBytes(StandardCharsets.UTF_8), 65_536).missing())
        .isEqualTo("/ref in the request body");
    assertThat(r.lookup(create, "{\"ref\":\"  \"}".getBytes(StandardCharsets.UTF_8), 65_536).uri()).isNull();
    assertThat(r.lookup(create, null, 65_536).uri()).isNull();
    Reconciliation byQuery = lookup("{\"method\":\"GET\",\"path\":\"/v1/pickups?ref={query:ref}\","
        + "\"found\":\"/id\",\"absent\":\"/a\"}");
    assertThat(byQuery.lookup(create, null, 65_536).missing()).isEqualTo("query parameter ref");
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      found                       | 200 | FOUND   | {"pickups":[{"id":"pk1","status":"booked"}]}
      found, status not accepted  | 200 | UNKNOWN | {"pickups":[{"id":"pk1","status":"pending"}]}
      found, no status            | 200 | UNKNOWN | {"pickups":[{"id":"pk1"}]}
      absent                      | 200 | ABSENT  | {"pickups":[]}
      an element without an id    | 200 | UNKNOWN | {"pickups":[{"ref":"r"}]}
      no array                    | 200 | UNKNOWN | {"error":{"code":"E1"}}
      an empty id                 | 200 | UNKNOWN | {"pickups":[{"id":""}]}
      an empty array on a 5xx     | 503 | UNKNOWN | {"pickups":[]}
      found on a 404              | 404 | UNKNOWN | {"pickups":[{"id":"pk1","status":"booked"}]}
      not JSON                    | 200 | UNKNOWN | <html>ok</html>
      truncated                   | 200 | UNKNOWN | {"pickups":[
      """)
  void theAnswerReadsAsFoundAbsentOrUnknown(String what, int status, Verdict expected, String body) {
    Reconciliation r = lookup("{\"method\":\"GET\",\"path\":\"/v1/pickups?ref={requestBody:/ref}\","
        + "\"found\":\"/pickups/0/id\",\"status\":{\"pointer\":\"/pickups/0/status\",\"values\":[\"booked\"]},"
        + "\"absent\":\"/pickups\"}");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(r.verdict(status, bytes, bytes.length)).isEqualTo(expected);
  }

  @Test
  void aftershipDeclaresTheLabelsLookupForLabelCreation() {
    ProviderProfile aftership = ProviderProfiles.builtIn().require("aftership-shipping");
    ReconcileSpec spec = aftership.compiled().operationNamed("create-label").reconcile();
    assertThat(spec).isNotNull();
    assertThat(spec.template()).isEqualTo("/labels?order_number={requestBody:/order_number}");
    assertThat(new Reconciliation(spec).lookup(URI.create("https://api.aftership.com/postmen/v3/labels"),
        "{\"order_number\":\"#1001\"}".getBytes(StandardCharsets.UTF_8), 65_536).uri())
        .hasToString("https://api.aftership.com/postmen/v3/labels?order_number=%231001");
  }
}
