package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link Codes#isPlain} checks by hand exactly what {@link Codes#PLAIN_CODE} matches. */
class CodesTest {
  @Example
  void boundariesOfAPlainCode() {
    assertThat(Codes.isPlain("-18019909")).isTrue();
    assertThat(Codes.isPlain("-")).isTrue();
    assertThat(Codes.isPlain("a".repeat(64))).isTrue();
    assertThat(Codes.isPlain("a".repeat(65))).isFalse();
    assertThat(Codes.isPlain("-" + "a".repeat(64))).isTrue();
    assertThat(Codes.isPlain("-" + "a".repeat(65))).isFalse();
    assertThat(Codes.isPlain("ACCOUNTNUMBER.REGISTRATION.REQUIRED.INVALID")).isTrue();
    assertThat(Codes.isPlain("")).isFalse();
    assertThat(Codes.isPlain("20 0")).isFalse();
  }

  @Property(seed = "20261202")
  void isPlainAgreesWithThePattern(@ForAll("codes") String code) {
    assertThat(Codes.isPlain(code)).as(code).isEqualTo(Codes.PLAIN_CODE.matcher(code).matches());
  }

  @Provide
  Arbitrary<String> codes() {
    return Arbitraries.strings().withChars("-_.:aZ09 é/\n").ofMinLength(0).ofMaxLength(Codes.MAX_LENGTH + 3);
  }
}
