package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderValuesTest {
  private static final String[] NAMES = {"Retry-After", null, "X-Id", "x-id", "Skipped"};
  private static final String[] VALUES = {"5", "lost", "1", "2", null};

  @Test
  void indexedHeadersAreCopiedInOrderSkippingNullNamesAndValues() {
    HeaderValues headers = HeaderValues.of(NAMES.length, i -> NAMES[i], i -> VALUES[i]);
    assertThat(headers.first("retry-after")).isEqualTo("5");
    assertThat(headers.all("X-ID")).containsExactly("1", "2");
    assertThat(headers.first("Skipped")).isNull();
    assertThat(headers.all("lost")).isEmpty();
  }

  @Test
  void indexedHeadersEqualTheSameHeadersGivenAsPairs() {
    HeaderValues indexed = HeaderValues.of(NAMES.length, i -> NAMES[i], i -> VALUES[i]);
    HeaderValues pairs = HeaderValues.of("Retry-After", "5", "X-Id", "1", "x-id", "2");
    for (String name : List.of("Retry-After", "X-Id", "Skipped")) {
      assertThat(indexed.all(name)).as(name).isEqualTo(pairs.all(name));
    }
  }

  @Test
  void noIndexedHeadersIsEmptyAndANegativeSizeIsRefusedNamingIt() {
    assertThat(HeaderValues.of(0, i -> "never", i -> "read").first("never")).isNull();
    assertThat(HeaderValues.of(2, i -> null, i -> "v").all("v")).isEmpty();
    assertThatThrownBy(() -> HeaderValues.of(-1, i -> "a", i -> "b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size (-1)");
  }
}
