package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The fast path of {@link StreamingExtractor} ({@link ByteExtractor}, which reads bytes without a parser) against
 * its reference, the Jackson streaming path: whenever the fast path answers, its {@link Extraction} equals
 * Jackson's for the same bytes and plan, and Jackson found a complete document. Over generated JSON (random trees
 * of provider-like members with every number form, escapes, non-ASCII text, whitespace), its mutations (cut,
 * a byte changed, inserted or removed, a member repeated) and random bytes. Seeded; run longer with
 * {@code -Djqwik.tries.default=N}.
 */
class ExtractorPathsAgreeTest {
  private static final String SEED = "20261202";

  private static final List<ExtractionPlan> PLANS = List.of(
      new ExtractionPlan(Set.of("/meta/status", "/meta/message", "/status_code", "/message",
          "/shipment_details/courier_partner"), Set.of("/result"), List.of()),
      new ExtractionPlan(Set.of("/code", "/data/errors/0/code", "/error/code", "/meta/code", "/data/status"),
          Set.of("/data"), List.of(
              new ExtractionPlan.ItemPlan("/data/accepted", Set.of("/number", "/code"), Set.of("/tag")),
              new ExtractionPlan.ItemPlan("/data/rejected", Set.of("/number", "/error/code"), Set.of()))),
      new ExtractionPlan(Set.of("/error/code", "/a~1b", "/~0", "/0/status"), Set.of("/result", "/0"),
          List.of(new ExtractionPlan.ItemPlan("", Set.of("/code", "/id"), Set.of("/result")))),
      new ExtractionPlan(Set.of(""), Set.of(), List.of()),
      // arrays read element by element up to a bound (codes inside arrays, /errors/*/code), the rest only checked;
      // "/errors/0/code" sits inside such an array, so neither reader reads it at the document level
      new ExtractionPlan(Set.of("/meta/status", "/errors/0/code"), Set.of("/data"), List.of(
          new ExtractionPlan.ItemPlan("/errors", Set.of("/code", "/error_code", "/message", ""), Set.of("/tag"), 1),
          new ExtractionPlan.ItemPlan("/data/accepted", Set.of("/number", "/status"), Set.of(), 2),
          new ExtractionPlan.ItemPlan("", Set.of("/code"), Set.of(), 1))),
      // what the classifier reads for a profile with codes inside arrays, matches and signals
      ClassifierCore.responsePlan(featureProfile(), null));

  private static CompiledProfile featureProfile() {
    try (java.io.InputStream in = ExtractorPathsAgreeTest.class.getResourceAsStream("/profiles/feature-carrier.json")) {
      return ProfileParser.parse("feature-carrier.json", in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String[] NAMES = {"meta", "status", "message", "code", "status_code", "data", "errors",
      "error_code", "messages", "type", "error_source", "carrier_id",
      "accepted", "rejected", "number", "error", "result", "tag", "id", "0", "a/b", "~", "shipment_details",
      "courier_partner", "st\\u0061tus", "m\u00e9ta", "x"};
  private static final String[] NUMBERS = {"0", "-0", "200", "322", "-18019909", "3.22e2", "322.0", "1e999",
      "1E+2", "0.5", "-1.5e-3", "12345678901234567890123456789012345678901234567890", "4101"};
  private static final String[] STRINGS = {"", "ok", " padded ", "Order Placed", "caf\u00e9", "\ud83d\udce6 box",
      "tab\\there", "quote\\\"d", "\\u0041\\u00e9", "\\ud83d\\udce6", "\\ud800", "slash\\/", "a\\\\b", "200"};

  /** The fast path answers exactly as Jackson for generated, mostly valid documents and their mutations. */
  @Property(seed = SEED)
  void fastPathEqualsJacksonWheneverItAnswers(@ForAll("documents") byte[] body) {
    boolean answered = false;
    for (ExtractionPlan plan : PLANS) {
      answered |= assertAgree(body, plan);
    }
    Statistics.label("fast path answered").collect(answered);
    // the generator is worth something only if most of its documents reach the fast path's reading
    Statistics.label("fast path answered").coverage(c -> c.check(true).percentage(p -> p > 40));
  }

  /** The same for JSON-ish token soup and random bytes, which are rarely valid. */
  @Property(seed = SEED)
  void fastPathEqualsJacksonOnNoise(@ForAll("noise") byte[] body) {
    for (ExtractionPlan plan : PLANS) {
      assertAgree(body, plan);
    }
  }

  /** The fast path really serves valid bodies: every provider fixture is read without Jackson. */
  @Example
  void everyProviderFixtureIsReadByTheFastPath() {
    for (byte[] body : fixtures()) {
      for (ExtractionPlan plan : PLANS) {
        assertThat(ByteExtractor.extract(body, 0, body.length, plan)).isNotNull();
        assertAgree(body, plan);
      }
    }
  }

  /**
   * Three item arrays in one body, one of them longer than the fast path's first guess of its size, with members
   * present, unreadable and absent: the fast path keeps them flat and still equals Jackson's reading.
   */
  @Example
  void fastPathKeepsThreeLongItemArraysAsJacksonDoes() {
    ExtractionPlan plan = new ExtractionPlan(Set.of("/code"), Set.of(), List.of(
        new ExtractionPlan.ItemPlan("/data/accepted", Set.of("/number", "/code"), Set.of("/tag")),
        new ExtractionPlan.ItemPlan("/data/rejected", Set.of("/number", "/error/code"), Set.of()),
        new ExtractionPlan.ItemPlan("/errors", Set.of("/code"), Set.of())));
    StringBuilder accepted = new StringBuilder();
    for (int i = 0; i < 70; i++) {
      accepted.append(i == 0 ? "" : ",").append("{\"number\":\"LZ").append(i).append("CN\"")
          .append(i % 7 == 0 ? ",\"tag\":{}" : "").append(i % 11 == 1 ? ",\"code\":1e999" : "")
          .append(i % 13 == 3 ? ",\"code\":" + i : "").append('}');
    }
    byte[] body = ("{\"code\":0,\"data\":{\"accepted\":[" + accepted + "],\"rejected\":[{\"number\":\"RR1\","
        + "\"error\":{\"code\":-18019909}},{}]},\"errors\":[{\"code\":\"E1\"},{\"code\":[1]}]}")
        .getBytes(StandardCharsets.UTF_8);
    Extraction fast = ByteExtractor.extract(body, 0, body.length, plan);
    assertThat(fast).isNotNull().isEqualTo(StreamingExtractor.extractWithJackson(body, body.length, plan));
    assertThat(fast.items().get("/data/accepted")).hasSize(70);
    assertThat(Extraction.value(fast.items().get("/data/accepted"), 69, "/number")).isEqualTo("LZ69CN");
    assertThat(Extraction.present(fast.items().get("/data/accepted"), 63, "/tag")).isTrue();
    assertThat(Extraction.unreadable(fast.items().get("/data/accepted"), 67, "/code")).isTrue();
    assertThat(Extraction.value(fast.items().get("/data/accepted"), 68, "/code")).isEqualTo("68");
    assertThat(Extraction.unreadable(fast.items().get("/errors"), 1, "/code")).isTrue();
  }

  private static boolean assertAgree(byte[] body, ExtractionPlan plan) {
    Extraction reference = StreamingExtractor.extractWithJackson(body, body.length, plan);
    Extraction fast = ByteExtractor.extract(body, 0, body.length, plan);
    if (fast != null) {
      assertThat(reference.outcome()).as("Jackson's outcome for a body the fast path read")
          .isEqualTo(Extraction.Outcome.COMPLETE);
      assertThat(fast).isEqualTo(reference);
    }
    assertThat(StreamingExtractor.extract(body, body.length, plan)).isEqualTo(reference);
    // read in place from a transport's buffer: the bytes around the region must change nothing
    byte[] lent = inBuffer(body);
    assertThat(StreamingExtractor.extract(lent, LENT_OFFSET, body.length, plan)).as("read at an offset")
        .isEqualTo(reference);
    return fast != null;
  }

  /** Where {@link #inBuffer} puts a body: after bytes that would change any reading that strayed before it. */
  private static final int LENT_OFFSET = 5;

  /** Returns {@code body} inside a larger array, with a BOM-like, quote and brace bytes before and after it. */
  private static byte[] inBuffer(byte[] body) {
    byte[] before = {(byte) 0xEF, (byte) 0xBB, '"', '\\', '{'};
    byte[] after = {'"', '}', ']', '\\', '1', (byte) 0x80};
    byte[] out = new byte[LENT_OFFSET + body.length + after.length];
    System.arraycopy(before, 0, out, 0, LENT_OFFSET);
    System.arraycopy(body, 0, out, LENT_OFFSET, body.length);
    System.arraycopy(after, 0, out, LENT_OFFSET + body.length, after.length);
    return out;
  }

  @Provide
  Arbitrary<byte[]> documents() {
    return Arbitraries.longs().map(seed -> {
      Random random = new Random(seed);
      StringBuilder out = new StringBuilder();
      if (random.nextInt(20) == 0) {
        out.append('\uFEFF');
      }
      space(random, out);
      value(random, out, 0);
      space(random, out);
      byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
      return random.nextInt(3) == 0 ? mutate(random, bytes) : bytes;
    });
  }

  @Provide
  Arbitrary<byte[]> noise() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    List<String> tokens = List.of("{", "}", "[", "]", ":", ",", "\"meta\"", "\"status\"", "\"code\"", "\"data\"",
        "\"accepted\"", "\"number\"", "\"error\"", "0", "200", "-0", "1e5", "01", "-", "1.", "null", "true", "tru",
        "\"", "\\", "\\u00", " ", "\n", "\t", "\u00e9", "\u0000", "\u001f", "\uFEFF");
    Arbitrary<byte[]> soup = Arbitraries.of(tokens).list().ofMaxSize(40)
        .map(list -> String.join("", list).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(random, soup);
  }

  private static void value(Random random, StringBuilder out, int depth) {
    int kind = depth > 5 ? 2 + random.nextInt(4) : random.nextInt(7);
    switch (kind) {
      case 0, 6 -> {
        out.append('{');
        int members = random.nextInt(5);
        for (int k = 0; k < members; k++) {
          if (k > 0) {
            out.append(',');
          }
          space(random, out);
          out.append('"').append(NAMES[random.nextInt(NAMES.length)]).append('"');
          space(random, out);
          out.append(':');
          space(random, out);
          value(random, out, depth + 1);
          space(random, out);
        }
        out.append('}');
      }
      case 1 -> {
        out.append('[');
        int elements = random.nextInt(4);
        for (int k = 0; k < elements; k++) {
          if (k > 0) {
            out.append(',');
          }
          space(random, out);
          value(random, out, depth + 1);
          space(random, out);
        }
        out.append(']');
      }
      case 2 -> out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
      case 3 -> out.append('"').append(STRINGS[random.nextInt(STRINGS.length)]).append('"');
      case 4 -> out.append(random.nextBoolean() ? "true" : "false");
      default -> out.append("null");
    }
  }

  private static void space(Random random, StringBuilder out) {
    if (random.nextInt(4) == 0) {
      out.append(" \n\t\r".charAt(random.nextInt(4)));
    }
  }

  private static byte[] mutate(Random random, byte[] bytes) {
    if (bytes.length == 0) {
      return bytes;
    }
    int at = random.nextInt(bytes.length);
    switch (random.nextInt(5)) {
      case 0:
        return java.util.Arrays.copyOf(bytes, at); // cut
      case 1: {
        byte[] out = bytes.clone();
        out[at] = (byte) random.nextInt(256);
        return out;
      }
      case 2: {
        byte[] out = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
        return out;
      }
      case 3: {
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, at);
        String inserted = "{}[]\",:\\ 0-e.";
        out[at] = (byte) inserted.charAt(random.nextInt(inserted.length()));
        System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
        return out;
      }
      default: {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int brace = text.indexOf('{');
        if (brace < 0) {
          return bytes;
        }
        String member = "\"" + NAMES[random.nextInt(4)] + "\":" + NUMBERS[random.nextInt(NUMBERS.length)];
        String inner = text.substring(brace + 1);
        String twice = member + "," + member + (inner.stripLeading().startsWith("}") ? "" : ",");
        return (text.substring(0, brace + 1) + twice + inner).getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  private static List<byte[]> fixtures() {
    try {
      Path root = Paths.get(ExtractorPathsAgreeTest.class.getResource("/fixtures").toURI());
      List<byte[]> out = new ArrayList<>();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json")).sorted()::iterator) {
          out.add(Files.readAllBytes(f));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
