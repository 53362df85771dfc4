package dev.shippingresilience.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AvailabilityTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      IN_PROCESS              | true  | IN_PROCESS
      AVAILABLE               | true  | AVAILABLE
      UNAVAILABLE_FAIL_OPEN   | false | UNAVAILABLE: why and what now
      UNAVAILABLE_FAIL_CLOSED | false | UNAVAILABLE: why and what now
      """)
  void eachStateSaysWhetherTheStoreAnswersAndTheHealthCheckShowsTheDescriptionOnlyWhenItDoesNot(
      Availability.State state, boolean available, String shown) {
    // when
    Availability availability = new Availability(state, "why and what now");

    // then
    assertThat(availability.available()).isEqualTo(available);
    assertThat(availability).hasToString(shown);
  }
}
