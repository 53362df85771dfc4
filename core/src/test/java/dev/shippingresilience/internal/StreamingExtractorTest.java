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
  void stopsReadingOnceEveryFieldIsFound() {
    // everything after the code is garbage: a parser that read on would report MALFORMED
    Extraction e = extract("{\"meta\":{\"status\":322}, \"result\": {{{{ not json", META);
    assertThat(e.outcome()).isEqualTo(Extraction.Outcome.STOPPED_EARLY);
    assertThat(e.value("/meta/status")).isEqualTo("322");
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
