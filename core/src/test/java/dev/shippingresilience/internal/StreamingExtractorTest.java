package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamingExtractorTest {
  private static Extraction extract(String body, ExtractionPlan plan) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return StreamingExtractor.extract(bytes, bytes.length, plan);
  }

  private static final ExtractionPlan META = new ExtractionPlan(Set.of("/meta/status"), Set.of(), List.of());

  @Test
  void readsToTheEndSoGarbageAfterTheCodeIsSeen() {
    // a parser that stopped at the code would call this body fine
    Extraction e = extract("{\"meta\":{\"status\":322}, \"result\": {{{{ not json", META);
    assertThat(e.outcome()).isEqualTo(Extraction.Outcome.MALFORMED);
    assertThat(e.value("/meta/status")).isEqualTo("322");
  }

  @Test
  void contentAfterTheDocumentIsMalformed() {
    assertThat(extract("{\"meta\":{\"status\":200}} {\"meta\":{\"status\":322}}", META).outcome())
        .isEqualTo(Extraction.Outcome.MALFORMED);
    assertThat(extract("{\"meta\":{\"status\":200}} x", META).outcome()).isEqualTo(Extraction.Outcome.MALFORMED);
    assertThat(extract("{\"meta\":{\"status\":200}} \r\n", META).outcome())
        .isEqualTo(Extraction.Outcome.COMPLETE);
  }

  @Test
  void hugeExponentIsUnreadableInBoundedTimeAndMemory() {
    // issue 11 item 1: 1e1000000000 expanded by BigDecimal.toPlainString() ran out of memory
    Extraction e = extract("{\"meta\":{\"status\":1e1000000000}}", META);
    assertThat(e.value("/meta/status")).isNull();
    assertThat(e.unreadable()).containsExactly("/meta/status");
    assertThat(e.outcome()).isEqualTo(Extraction.Outcome.COMPLETE);
  }

  @Test
  void numbersInEveryFormReadCanonically() {
    assertThat(StreamingExtractor.canonicalNumber("3.22e2")).isEqualTo("322");
    assertThat(StreamingExtractor.canonicalNumber("32200e-2")).isEqualTo("322");
    assertThat(StreamingExtractor.canonicalNumber("322.000")).isEqualTo("322");
    assertThat(StreamingExtractor.canonicalNumber("-0")).isEqualTo("0");
    assertThat(StreamingExtractor.canonicalNumber("-0.0e7")).isEqualTo("0");
    assertThat(StreamingExtractor.canonicalNumber("1E+3")).isEqualTo("1000");
    assertThat(StreamingExtractor.canonicalNumber("-1.8019909e7")).isEqualTo("-18019909");
    assertThat(StreamingExtractor.canonicalNumber("1.5")).isEqualTo("1.5");
    assertThat(StreamingExtractor.canonicalNumber("1e-5")).isEqualTo("1e-5");
    assertThat(StreamingExtractor.canonicalNumber("1e41")).isNull();
    assertThat(StreamingExtractor.canonicalNumber("1".repeat(49))).isNull();
    assertThat(StreamingExtractor.canonicalNumber("1e40")).isEqualTo("1" + "0".repeat(40));
  }

  @Test
  void duplicateKeysWithDifferentValuesAreConflictsNotFirstWins() {
    Extraction e = extract("{\"meta\":{\"status\":200,\"status\":322}}", META);
    assertThat(e.value("/meta/status")).isNull();
    assertThat(e.conflicts()).containsEntry("/meta/status", "200, 322");
    assertThat(extract("{\"meta\":{\"status\":200,\"status\":200}}", META).conflicts()).isEmpty();
    assertThat(extract("{\"meta\":{\"status\":200},\"meta\":{}}", META).conflicts()).containsKey("/meta");
    assertThat(extract("{\"meta\":{\"status\":200,\"status\":null}}", META).conflicts())
        .containsEntry("/meta/status", "200, null");
  }

  @Test
  void aNumberCutByTheEndOfTheInputIsNotRead() {
    // "status":3 may be the first digit of 322
    Extraction e = extract("{\"meta\":{\"status\":3", META);
    assertThat(e.outcome()).isEqualTo(Extraction.Outcome.TRUNCATED);
    assertThat(e.value("/meta/status")).isNull();
  }

  @Test
  void anObjectWhereACodeIsWantedIsUnreadable() {
    Extraction e = extract("{\"meta\":{\"status\":{\"x\":200}}}", META);
    assertThat(e.value("/meta/status")).isNull();
    assertThat(e.unreadable()).containsExactly("/meta/status");
  }

  @Test
  void numbersAndStringsReadAlike() {
    assertThat(extract("{\"meta\":{\"status\":\"322\"}}", META).value("/meta/status")).isEqualTo("322");
    assertThat(extract("{\"meta\":{\"status\":322.0}}", META).value("/meta/status")).isEqualTo("322");
    assertThat(extract("{\"meta\":{\"status\":-18019909}}", META).value("/meta/status")).isEqualTo("-18019909");
  }

  @Test
  void reportsHowReadingEnded() {
    assertThat(extract("", META).outcome()).isEqualTo(Extraction.Outcome.EMPTY);
    assertThat(extract("<html>", META).outcome()).isEqualTo(Extraction.Outcome.NOT_JSON);
    assertThat(extract("{\"meta\":{\"sta", META).outcome()).isEqualTo(Extraction.Outcome.TRUNCATED);
    assertThat(extract("{\"meta\":]", META).outcome()).isEqualTo(Extraction.Outcome.MALFORMED);
    assertThat(extract("{\"other\":1}", META).outcome()).isEqualTo(Extraction.Outcome.COMPLETE);
  }

  @Test
  void readsItemsRelativeToEachElement() {
    ExtractionPlan plan = new ExtractionPlan(Set.of("/code"), Set.of(), List.of(
        new ExtractionPlan.ItemPlan("/data/rejected", Set.of("/number", "/error/code"), Set.of())));
    Extraction e = extract("{\"code\":0,\"data\":{\"rejected\":[{\"number\":\"A\",\"error\":{\"code\":-1}},"
        + "{\"number\":\"B\",\"error\":{\"code\":-2}}]}}", plan);
    assertThat(e.items().get("/data/rejected")).extracting(i -> i.value("/number") + ":" + i.value("/error/code"))
        .containsExactly("A:-1", "B:-2");
  }

  @Test
  void elementsPastTheBoundAreCheckedAndCountedNotReadByEitherReader() {
    ExtractionPlan plan = new ExtractionPlan(Set.of(), Set.of(), List.of(
        new ExtractionPlan.ItemPlan("/errors", Set.of("/code"), Set.of(), 2)));
    String body = "{\"errors\":[{\"code\":\"a\"},{\"code\":\"b\"},{\"code\":\"c\",\"code\":\"d\"},[[[]]],7]}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Extraction fast = ByteExtractor.extract(bytes, 0, bytes.length, plan);
    Extraction jackson = StreamingExtractor.extractWithJackson(bytes, bytes.length, plan);
    assertThat(fast).isNotNull().isEqualTo(jackson);
    assertThat(jackson.items().get("/errors")).extracting(i -> i.value("/code")).containsExactly("a", "b");
    assertThat(jackson.skippedItems()).containsExactly(java.util.Map.entry("/errors", 3));
    assertThat(jackson.conflicts()).isEmpty(); // the repeated code sits in an element that was not read
    // a skipped element is still checked: a broken one makes the body malformed
    assertThat(extract("{\"errors\":[{},{},{\"code\":]}", plan).outcome()).isEqualTo(Extraction.Outcome.MALFORMED);
  }

  @Test
  void escapedMemberNamesFollowJsonPointerRules() {
    ExtractionPlan plan = new ExtractionPlan(Set.of("/a~1b/c~0d"), Set.of(), List.of());
    assertThat(extract("{\"a/b\":{\"c~d\":7}}", plan).value("/a~1b/c~0d")).isEqualTo("7");
  }

  @Test
  void presenceOfAnObjectMemberIsRecorded() {
    ExtractionPlan plan = new ExtractionPlan(Set.of("/error/code"), Set.of("/result"), List.of());
    assertThat(extract("{\"jsonrpc\":\"2.0\",\"result\":{\"big\":[1,2,3]}}", plan).present()).contains("/result");
    assertThat(extract("{\"jsonrpc\":\"2.0\",\"result\":null}", plan).present()).doesNotContain("/result");
  }
}
