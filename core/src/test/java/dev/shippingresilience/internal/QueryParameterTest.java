package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ClassifierCore#queryParameter} reads a parameter without splitting the query or decoding other keys; the
 * split-and-decode reading it replaced is the oracle here.
 */
class QueryParameterTest {
  @Example
  void readsTheFirstOccurrenceDecoded() {
    assertThat(ClassifierCore.queryParameter("username=u&key=K&cp_id=5", "cp_id")).isEqualTo("5");
    assertThat(ClassifierCore.queryParameter("cp%5Fid=a+b&cp_id=6", "cp_id")).isEqualTo("a b");
    assertThat(ClassifierCore.queryParameter("cp_id&cp_id=7", "cp_id")).isEqualTo("");
    assertThat(ClassifierCore.queryParameter("cp_id=%G1&cp_id=8", "cp_id")).isEqualTo("8");
    assertThat(ClassifierCore.queryParameter("x=1", "cp_id")).isNull();
  }

  @Property(seed = "20261202")
  void readsAsTheSplitAndDecodeReading(@ForAll("queries") String query) {
    assertThat(ClassifierCore.queryParameter(query, "cp_id")).as(query).isEqualTo(splitAndDecode(query, "cp_id"));
  }

  @Provide
  Arbitrary<String> queries() {
    return Arbitraries.of("cp_id", "cp%5Fid", "cp+id", "cp_id=5", "cp_id=", "=", "&", "key=K", "%", "%G1", "a+b",
        "cp_id=%41", "cp_id=%", "x=cp_id", "cp_idx=1").list().ofMaxSize(6).map(parts -> String.join("", parts));
  }

  private static String splitAndDecode(String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException e) {
        // skipped
      }
    }
    return null;
  }
}
