package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link AttemptRequest#timeLeftMillis()}: what a transport's millisecond timeouts get, never short of the deadline. */
class AttemptRequestTimeLeftTest {
  private static long millis(Duration timeLeft) {
    return new AttemptRequest(1, 0, true, "GET", URI.create("https://carrier.example/v1"), Map.of())
        .withTimeLeft(timeLeft).timeLeftMillis();
  }

  @Test
  void wholeMillisecondsStayAsTheyAre() {
    assertThat(millis(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(millis(Duration.ofMillis(250))).isEqualTo(250);
    assertThat(millis(Duration.ofSeconds(30))).isEqualTo(30_000);
  }

  @Test
  void aPartOfAMillisecondRoundsUpSoTheTimeoutNeverFiresBeforeTheDeadline() {
    assertThat(millis(Duration.ofNanos(1))).isEqualTo(1);
    assertThat(millis(Duration.ofNanos(999_999))).isEqualTo(1);
    assertThat(millis(Duration.ofNanos(1_000_001))).isEqualTo(2);
    assertThat(millis(Duration.ofSeconds(2, 1))).isEqualTo(2_001);
  }

  @Test
  void theLongestWaitThePolicyAcceptsFitsInMilliseconds() {
    assertThat(millis(ShippingPolicy.LONGEST)).isEqualTo(ShippingPolicy.LONGEST.toMillis());
  }
}
