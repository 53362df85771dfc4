package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shippingresilience.testing.Allocations;
import dev.shippingresilience.testing.Compression;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Invariants of {@link ResponseClassifier} over generated input (issue 11), seeded and bounded so they run in
 * {@code mvn -B verify}. Run them longer with {@code -Djqwik.tries.default=N} (see the README's testing section).
 *
 * <ul>
 *   <li>Nothing is thrown out of {@code classify}, not even an {@link Error}, for any bytes.
 *   <li>A body that is not one complete, valid JSON document is never SUCCEED for a profile whose bodies always
 *       carry a code, except when the peek limit (not the provider) cut it.
 *   <li>For a valid body without duplicate members, the decision, code and scope equal those computed from a full
 *       Jackson tree read of the same body (the differential oracle): formatting, member order, number forms,
 *       escapes, a BOM, UTF-16, gzip or deflate coding and noise members change nothing.
 *   <li>A decisive member named twice with different values never leads to SUCCEED.
 *   <li>Work per body is bounded: allocated bytes grow at most linearly with the bytes read.
 * </ul>
 */
class ClassifierPropertiesTest {
  /** The seed of every property here: a failure reproduces with the same tries. */
  static final String SEED = "20261201";

  private static final JsonMapper TREE = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  /** The built-in profiles and the made-up one that uses every feature of issue 17 (codes in arrays, matches). */
  private static final ResponseClassifier CLASSIFIER = ResponseClassifier.builder().clock(Fixtures.fixedClock())
      .profiles(ProviderProfiles.builtIn().with(dev.shippingresilience.testing.EngineScenarios.featureCarrier()))
      .build();
  private static final int[] STATUSES = {200, 200, 200, 201, 202, 204, 400, 404, 429, 500, 503};

  /** One provider endpoint the generated bodies are classified for. */
  record Endpoint(String provider, String method, String url) {
    RequestSnapshot request() {
      return RequestSnapshot.of(method, url);
    }

    /** False where the HTTP status decides a 2xx without a code (generic-http, plain REST providers). */
    boolean bodyAlwaysCarriesACode() {
      // a profile with bodySignalsSuccess false (Sendcloud: v2 answers success with one of several members) leaves a
      // 2xx without a code to the HTTP status, as generic-http does
      return !provider.equals("generic-http")
          && CLASSIFIER.profiles().require(provider).compiled().bodySignalsSuccess();
    }
  }


  private static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint("clickpost", "POST", "https://www.clickpost.in/api/v3/create-order/?username=u&key=K123456"),
      new Endpoint("clickpost", "GET", "https://www.clickpost.in/api/v1/cancel-order/?username=u&key=K123456&cp_id=3"),
      new Endpoint("clickpost", "POST", "https://www.clickpost.in/api/v2/track-order/?username=u&key=K123456"),
      new Endpoint("aftership-shipping", "POST", "https://api.aftership.com/postmen/v3/labels"),
      new Endpoint("aftership-shipping", "GET", "https://api.aftership.com/postmen/v3/labels/L1"),
      new Endpoint("17track", "POST", "https://api.17track.net/track/v2.2/register"),
      new Endpoint("17track", "POST", "https://api.17track.net/track/v2.2/gettrackinfo"),
      new Endpoint("abicart", "POST", "https://admin.abicart.se/backend/jsonrpc/v1/?auth=TOKEN123"),
      new Endpoint("generic-http", "GET", "https://api.example.com/v1/shipments/1"),
      new Endpoint("sendcloud", "POST", "https://panel.sendcloud.sc/api/v3/shipments"),
      new Endpoint("sendcloud", "POST", "https://panel.sendcloud.sc/api/v2/parcels"),
      new Endpoint("shipstation", "GET", "https://api.shipengine.com/v1/batches/se-1013790"),
      new Endpoint("shipstation", "POST", "https://api.shipengine.com/v1/shipments"),
      new Endpoint("easypost", "POST", "https://api.easypost.com/v2/shipments"),
      new Endpoint("easypost", "GET", "https://api.easypost.com/v2/batches/batch_1"),
      new Endpoint("shippo", "POST", "https://api.goshippo.com/transactions"),
      new Endpoint("shippo", "GET", "https://api.goshippo.com/shipments/s1"),
      new Endpoint("shiprocket", "POST", "https://apiv2.shiprocket.in/v1/external/orders/create/adhoc"),
      new Endpoint("shiprocket", "POST", "https://apiv2.shiprocket.in/v1/external/courier/assign/awb"),
      new Endpoint("fedex", "POST", "https://apis.fedex.com/ship/v1/shipments"),
      new Endpoint("fedex", "POST", "https://apis.fedex.com/track/v1/trackingnumbers"),
      new Endpoint("feature-carrier", "POST", "https://api.feature-carrier.example/v1/shipments"),
      new Endpoint("feature-carrier", "GET", "https://api.feature-carrier.example/v1/tracking/T1"));

  /** A provider's fixture, as bytes and as a tree. */
  record Sample(String provider, String name, byte[] body, JsonNode tree) {
    @Override
    public String toString() {
      return provider + "/" + name;
    }
  }

  private static final List<Sample> SAMPLES = loadSamples();

  private static List<Sample> loadSamples() {
    try {
      Path root = Paths.get(ClassifierPropertiesTest.class.getResource("/fixtures").toURI());
      List<Sample> out = new ArrayList<>();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json")).sorted()::iterator) {
          byte[] body = Files.readAllBytes(f);
          out.add(new Sample(f.getParent().getFileName().toString(), f.getFileName().toString(), body,
              TREE.readTree(body)));
        }
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Classification classify(Endpoint e, int status, byte[] body, boolean cutByPeek) {
    return CLASSIFIER.classify(e.provider(), e.request(),
        ResponseSnapshot.of(status, HeaderValues.empty(), body, cutByPeek));
  }

  private static boolean isCompleteJson(byte[] body) {
    try {
      JsonNode n = TREE.readTree(body);
      return n != null && !n.isMissingNode();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static Endpoint endpointFor(String provider, Random random) {
    List<Endpoint> matching = ENDPOINTS.stream().filter(e -> e.provider().equals(provider)).toList();
    return matching.get(random.nextInt(matching.size()));
  }

  // ---- arbitraries --------------------------------------------------------------------------------------

  @Provide
  Arbitrary<Endpoint> endpoints() {
    return Arbitraries.of(ENDPOINTS);
  }

  @Provide
  Arbitrary<Integer> statuses() {
    return Arbitraries.of(Arrays.stream(STATUSES).boxed().toList());
  }

  @Provide
  Arbitrary<Sample> samples() {
    return Arbitraries.of(SAMPLES);
  }

  /** Bodies made of JSON-ish tokens, so that most of them get past the first byte. */
  @Provide
  Arbitrary<byte[]> jsonish() {
    List<String> tokens = List.of("{", "}", "[", "]", ":", ",", "\"meta\"", "\"status\"", "\"code\"", "\"result\"",
        "\"data\"", "\"accepted\"", "\"rejected\"", "\"error\"", "\"number\"", "\"jsonrpc\"", "\"id\"", "0", "200",
        "322", "-18019909", "4101", "1e999999999", "-0.0", "3.22e2", "null", "true", "\"creating\"", "\"failed\"",
        "\"\\u0073tatus\"", " ", "\n", "\"", "\\", "\uFEFF", "é", "\u0000");
    return Arbitraries.of(tokens).list().ofMaxSize(60)
        .map(list -> String.join("", list).getBytes(StandardCharsets.UTF_8));
  }

  // ---- properties ---------------------------------------------------------------------------------------

  @Property(seed = SEED)
  void nothingIsThrownForRandomBytes(@ForAll("endpoints") Endpoint e, @ForAll("statuses") int status,
      @ForAll @Size(max = 300) byte[] body, @ForAll boolean cut) {
    Classification c = classify(e, status, body, cut);
    assertThat(c.decision()).isNotNull();
    if (!cut && e.bodyAlwaysCarriesACode() && c.decision() == Decision.SUCCEED) {
      assertThat(isCompleteJson(body) || status == 204 && isBlank(body)).as("SUCCEED needs a complete body")
          .isTrue();
    }
  }

  @Property(seed = SEED)
  void incompleteJsonIsNeverSuccess(@ForAll("endpoints") Endpoint e, @ForAll("statuses") int status,
      @ForAll("jsonish") byte[] body) {
    Classification c = classify(e, status, body, false);
    if (e.bodyAlwaysCarriesACode() && !isCompleteJson(body) && !(status == 204 && isBlank(body))) {
      assertThat(c.decision()).as(new String(body, StandardCharsets.UTF_8)).isNotEqualTo(Decision.SUCCEED);
    }
  }

  @Property(seed = SEED)
  void decisionEqualsATreeReadOfTheSameBody(@ForAll("samples") Sample sample, @ForAll Random random) {
    Endpoint e = endpointFor(sample.provider(), random);
    int status = random.nextInt(4) == 0 ? STATUSES[random.nextInt(STATUSES.length)] : 200;
    JsonNode mutated = mutate(sample.tree().deepCopy(), random);
    byte[] body = Writer.write(mutated, random);
    byte[] canonical = canonical(body);
    Classification streamed = classify(e, status, body, false);
    Classification tree = classify(e, status, canonical, false);
    assertThat(streamed.decision()).as("%s as %s%n%s", sample, e, new String(body, StandardCharsets.UTF_8))
        .isEqualTo(tree.decision());
    assertThat(streamed.code()).isEqualTo(tree.code());
    assertThat(streamed.scope()).isEqualTo(tree.scope());
    assertThat(streamed.items()).hasSameSizeAs(tree.items());
  }

  @Property(seed = SEED)
  void otherEncodingsOfTheSameBodyDecideAlike(@ForAll("samples") Sample sample, @ForAll Random random) {
    Endpoint e = endpointFor(sample.provider(), random);
    Classification plain = classify(e, 200, sample.body(), false);
    byte[] text = sample.body();
    byte[] bom = new byte[text.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(text, 0, bom, 3, text.length);
    byte[] utf16 = new String(text, StandardCharsets.UTF_8).getBytes(
        random.nextBoolean() ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
    assertThat(classify(e, 200, bom, false).decision()).isEqualTo(plain.decision());
    assertThat(classify(e, 200, utf16, false).decision()).as("UTF-16 " + sample).isEqualTo(plain.decision());
    boolean gzip = random.nextBoolean();
    byte[] compressed = gzip ? Compression.gzip(text) : Compression.deflate(text, random.nextBoolean());
    Classification decoded = CLASSIFIER.classify(e.provider(), e.request(), ResponseSnapshot.of(200,
        HeaderValues.of("Content-Encoding", gzip ? "gzip" : "deflate"), compressed, false));
    assertThat(decoded.decision()).as("compressed " + sample).isEqualTo(plain.decision());
    assertThat(decoded.code()).isEqualTo(plain.code());
  }

  @Property(seed = SEED)
  void aDecisiveMemberNamedTwiceWithDifferentValuesIsNeverSuccess(@ForAll("samples") Sample sample,
      @ForAll Random random) {
    Endpoint e = endpointFor(sample.provider(), random);
    ProviderProfile profile = CLASSIFIER.profiles().require(e.provider());
    List<String> decisive = profile.compiled().codePointers();
    if (decisive.isEmpty() || !sample.tree().isObject() || !e.bodyAlwaysCarriesACode()) {
      return;
    }
    String pointer = decisive.get(random.nextInt(decisive.size()));
    String[] segments = pointer.substring(1).split("/");
    String success = firstSuccessCode(profile);
    String other = random.nextBoolean() ? "\"X" + random.nextInt(1000) + "\"" : Integer.toString(random.nextInt());
    // a path to the code whose last member appears twice: once with a success code, once with another value
    String first = "\"" + segments[segments.length - 1] + "\":" + success;
    String second = "\"" + segments[segments.length - 1] + "\":" + other;
    String inner = random.nextBoolean() ? first + "," + second : second + "," + first;
    for (int i = segments.length - 2; i >= 0; i--) {
      // a '*' segment reads the elements of an array: the member sits in one of them
      inner = segments[i].equals("*") ? "{" + inner + "}" : segments[i + 1].equals("*")
          ? "\"" + segments[i] + "\":[" + inner + "]" : "\"" + segments[i] + "\":{" + inner + "}";
    }
    String body = "{" + inner + "}";
    Classification c = classify(e, 200, body.getBytes(StandardCharsets.UTF_8), false);
    assertThat(c.decision()).as(body).isNotEqualTo(Decision.SUCCEED);
  }

  @Property(seed = SEED)
  void workPerBodyIsBounded(@ForAll("samples") Sample sample, @ForAll Random random) {
    Endpoint e = endpointFor(sample.provider(), random);
    byte[] body = Writer.write(mutate(sample.tree().deepCopy(), random), random);
    long allocated = Allocations.bytesAllocatedBy(() -> classify(e, 200, body, false));
    assertThat(allocated).as("%d bytes read", body.length).isLessThan(64L * body.length + (512 << 10));
  }

  // ---- exhaustive examples ------------------------------------------------------------------------------

  @Example
  void everyTruncationOfEveryFixtureIsNeverSuccessAndNeverThrows() {
    for (Sample sample : SAMPLES) {
      for (Endpoint e : ENDPOINTS.stream().filter(x -> x.provider().equals(sample.provider())).toList()) {
        // where the status decides, an empty body is a 2xx without content (a success); every other cut is not
        int from = e.bodyAlwaysCarriesACode() ? 0 : 1;
        for (int cut = from; cut < sample.body().length; cut++) {
          byte[] prefix = Arrays.copyOf(sample.body(), cut);
          if (isCompleteJson(prefix)) {
            continue; // whitespace at the end of a fixture
          }
          assertThat(classify(e, 200, prefix, false).decision()).as("%s cut at %d", sample, cut)
              .isNotEqualTo(Decision.SUCCEED);
          assertThat(classify(e, 200, prefix, true).decision()).isNotNull();
        }
      }
    }
  }

  @Example
  void bodiesBeyondTheParsersLimitsAreNeverSuccess() {
    Endpoint clickpost = ENDPOINTS.get(0);
    String deep = "[".repeat(2000) + "]".repeat(2000);
    String longNumber = "1".repeat(1001);
    String hugeString = "\"" + "x".repeat(20_000_001) + "\"";
    for (String noise : List.of(deep, longNumber, hugeString)) {
      byte[] body = ("{\"meta\":{\"status\":200},\"noise\":" + noise + "}").getBytes(StandardCharsets.UTF_8);
      Classification c = CLASSIFIER.classify(clickpost.provider(), clickpost.request(),
          ResponseSnapshot.of(200, HeaderValues.empty(), body, false));
      // the 64 KiB peek limit cuts the huge string; the other two are beyond Jackson's own limits
      assertThat(c.decision()).as(noise.substring(0, 8)).isIn(Decision.BREAK, Decision.SUCCEED);
      if (body.length <= ResponseSnapshot.DEFAULT_PEEK_LIMIT) {
        assertThat(c.decision()).isEqualTo(Decision.BREAK);
      }
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private static String firstSuccessCode(ProviderProfile profile) {
    for (String code : List.of("200", "0")) {
      var rule = profile.compiled().rule(null, code);
      if (rule != null && rule.decision() == Decision.SUCCEED) {
        return code;
      }
    }
    return "200";
  }

  /**
   * Whether the body holds no JSON token at all: empty, whitespace, a lone BOM, or whitespace in UTF-16 or UTF-32
   * (Jackson detects the encoding from the first bytes: {@code 20 00} is a UTF-16LE space). That is what the
   * classifier reads as no body.
   */
  private static boolean isBlank(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    if ((text.startsWith("\uFEFF") ? text.substring(1) : text).isBlank()) {
      return true; // Jackson's own parser reports a lone BOM as an error, the classifier as no body
    }
    try (com.fasterxml.jackson.core.JsonParser p = TREE.createParser(body)) {
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] canonical(byte[] body) {
    try {
      return TREE.writeValueAsBytes(TREE.readTree(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String[] NOISE_NAMES = {"status", "code", "meta", "result", "error", "message", "x",
      "data", "accepted", "number", "tracking", "meta2", "sta\"tus", "a/b", "~"};

  /** Applies a few random changes that keep the body valid JSON without duplicate members. */
  static JsonNode mutate(JsonNode root, Random random) {
    int changes = random.nextInt(4);
    for (int i = 0; i < changes; i++) {
      List<JsonNode> containers = new ArrayList<>();
      collect(root, containers);
      JsonNode target = containers.get(random.nextInt(containers.size()));
      switch (random.nextInt(6)) {
        case 0 -> addNoise(target, random);
        case 1 -> replaceAScalar(target, random);
        case 2 -> shuffle(target, random);
        default -> { } // keep as it is: formatting alone still varies
      }
    }
    return root;
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      for (JsonNode child : node) {
        collect(child, out);
      }
    }
  }

  private static JsonNode randomValue(Random random) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (random.nextInt(9)) {
      case 0 -> f.numberNode(random.nextInt(1000));
      case 1 -> f.textNode("v" + random.nextInt(100));
      case 2 -> f.nullNode();
      case 3 -> f.booleanNode(random.nextBoolean());
      case 4 -> f.numberNode(new java.math.BigDecimal("1e" + (random.nextInt(2000) - 1000)));
      case 5 -> f.objectNode().put("status", random.nextInt(400)).put("code", -18019909);
      case 6 -> f.arrayNode().add(random.nextInt(10)).add("x");
      case 7 -> f.textNode("x".repeat(random.nextInt(5000)));
      default -> f.numberNode(new java.math.BigDecimal(random.nextInt(1000) + ".0"));
    };
  }

  private static void addNoise(JsonNode target, Random random) {
    if (target instanceof ObjectNode o) {
      String name = NOISE_NAMES[random.nextInt(NOISE_NAMES.length)];
      if (!o.has(name)) {
        o.set(name, randomValue(random));
      }
    } else if (target instanceof ArrayNode a && a.size() > 0 && !a.get(0).isObject()) {
      a.add(randomValue(random));
    }
  }

  private static void replaceAScalar(JsonNode target, Random random) {
    if (target instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      String name = names.get(random.nextInt(names.size()));
      if (o.get(name).isValueNode()) {
        JsonNode v = o.get(name);
        // the same number in another form, or another value altogether
        if (v.isIntegralNumber() && random.nextBoolean()) {
          o.set(name, JsonNodeFactory.instance.numberNode(new java.math.BigDecimal(v.bigIntegerValue())
              .movePointLeft(2).stripTrailingZeros().scaleByPowerOfTen(2)));
        } else {
          o.set(name, randomValue(random));
        }
      }
    }
  }

  private static void shuffle(JsonNode target, Random random) {
    if (target instanceof ObjectNode o && o.size() > 1) {
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      it.forEachRemaining(entries::add);
      java.util.Collections.shuffle(entries, random);
      o.removeAll();
      for (Map.Entry<String, JsonNode> entry : entries) {
        o.set(entry.getKey(), entry.getValue());
      }
    }
  }

  /** Writes a tree as JSON text with random whitespace, escapes and number forms, never duplicating members. */
  static final class Writer {
    private final StringBuilder out = new StringBuilder();
    private final Random random;

    private Writer(Random random) {
      this.random = random;
    }

    static byte[] write(JsonNode node, Random random) {
      Writer w = new Writer(random);
      w.value(node);
      w.space();
      return w.out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void space() {
      switch (random.nextInt(8)) {
        case 0 -> out.append(' ');
        case 1 -> out.append("\n  ");
        case 2 -> out.append("\r\n\t");
        default -> { }
      }
    }

    private void value(JsonNode node) {
      space();
      if (node.isObject()) {
        out.append('{');
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          out.append(first ? "" : ",");
          first = false;
          space();
          string(e.getKey());
          space();
          out.append(':');
          value(e.getValue());
        }
        space();
        out.append('}');
      } else if (node.isArray()) {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          out.append(i == 0 ? "" : ",");
          value(node.get(i));
        }
        space();
        out.append(']');
      } else if (node.isTextual()) {
        string(node.textValue());
      } else if (node.isIntegralNumber() && random.nextInt(4) == 0) {
        // the same integer as a float form: 322 -> 322.0, 3.22E2
        java.math.BigDecimal d = new java.math.BigDecimal(node.bigIntegerValue());
        out.append(random.nextBoolean() ? d.setScale(1).toPlainString() : d.round(
            new java.math.MathContext(Math.max(1, d.precision()))).toEngineeringString().replace("E+", "e"));
      } else {
        out.append(node.toString());
      }
    }

    private void string(String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20 || random.nextInt(20) == 0) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }
  }
}
