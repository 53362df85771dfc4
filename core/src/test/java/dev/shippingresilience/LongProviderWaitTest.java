package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.internal.RateLimitHeaders;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ScriptedTransport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine never retries earlier than a provider asked, however long or odd the wait it names. */
class LongProviderWaitTest {
  private static final String GENERIC = "https://carrier.example/api/shipments";

  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final FakeSleeper sleeper = new FakeSleeper(clock);

  private ShippingPolicy policy(Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require("generic-http"))
        .clock(clock).sleeper(sleeper).meterRegistry(new SimpleMeterRegistry()).random(new FixedRandom())
        .pauseJitter(Duration.ZERO);
    custom.accept(b);
    return b.build();
  }

  @Test
  void retryAfterOfTwoDaysWithMaxRetryAfterOfThreeDaysWaitsTwoDaysNotOne() throws IOException {
    // given
    ShippingPolicy policy = policy(b -> b.maxRetryAfter(Duration.ofDays(3)).deadline(Duration.ofDays(4)));
    ScriptedTransport transport = new ScriptedTransport().then(429, "", "Retry-After", "172800").then(200, "ok");
    // when
    CallResult<String> result = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
    // then
    assertThat(result.succeeded()).isTrue();
    assertThat(sleeper.waits()).containsExactly(Duration.ofDays(2));
    assertThat(transport.sends()).isEqualTo(2);
  }

  @Test
  void waitBeyondMaxRetryAfterReturnsTheResponseWithoutWaiting() throws IOException {
    ShippingPolicy policy = policy(b -> b.maxRetryAfter(Duration.ofDays(1)).deadline(Duration.ofDays(4)));
    ScriptedTransport transport = new ScriptedTransport().then(429, "", "Retry-After", "172800").then(200, "ok");
    CallResult<String> result = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
    assertThat(result.classification().httpStatus()).isEqualTo(429);
    assertThat(result.classification().retryAfter()).isEqualTo(Duration.ofDays(2));
    assertThat(sleeper.waits()).isEmpty();
    assertThat(transport.sends()).isEqualTo(1);
  }

  @Test
  void durationsThatWouldOverflowAreRefusedWhenSetNotAtTheFirstCall() {
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
    assertThatThrownBy(() -> policy(b -> b.deadline(huge))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deadline").hasMessageContaining("3650 days");
    assertThatThrownBy(() -> policy(b -> b.pauseJitter(huge))).hasMessageContaining("pauseJitter");
    assertThatThrownBy(() -> policy(b -> b.pollInterval(huge))).hasMessageContaining("pollInterval");
    assertThatThrownBy(() -> CallOptions.builder().deadline(huge)).hasMessageContaining("deadline");
  }

  @Test
  void mangledRetryAfterPausesTheAccountNoLongerThanMaxRetryAfter() throws IOException {
    // given: a 429 asking for ten years; the policy waits at most a minute
    ShippingPolicy policy = policy(b -> b.maxRetryAfter(Duration.ofMinutes(1)));
    ScriptedTransport transport = new ScriptedTransport().then(429, "", "Retry-After", "315360000")
        .then(200, "ok");
    CallResult<String> first = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
    assertThat(first.classification().httpStatus()).isEqualTo(429);
    // when: the next call comes two minutes later
    clock.advance(Duration.ofMinutes(2));
    CallResult<String> next = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
    // then: the account is open again, not shut for ten years
    assertThat(next.succeeded()).isTrue();
    assertThat(transport.sends()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"9e18", "9223372036854775807", "1e400", "99999999999999999999999",
      "Fri, 31 Dec 9999 23:59:59 GMT"})
  void hugeRetryAfterEndsTheCallWithTheResponseEvenWithTheLongestPolicy(String value) throws IOException {
    // given: the longest maxRetryAfter and a deadline beyond it
    Duration longest = RateLimitHeaders.MAX_HINT.minusSeconds(1);
    ShippingPolicy policy = policy(b -> b.maxRetryAfter(longest).deadline(RateLimitHeaders.MAX_HINT));
    ScriptedTransport transport = new ScriptedTransport().then(429, "", "Retry-After", value).then(200, "ok");
    // when
    CallResult<String> result = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
    // then: never a retry before the provider's time
    assertThat(result.classification().httpStatus()).isEqualTo(429);
    assertThat(sleeper.waits()).isEmpty();
    assertThat(transport.sends()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "NaN", "Infinity", "-Infinity", "0x1p3", ""})
  void oddRetryAfterFallsBackToBackoff(String value) throws IOException {
    ShippingPolicy policy = policy(b -> {});
    ScriptedTransport transport = new ScriptedTransport().then(429, "", "Retry-After", value).then(200, "ok");
    CallResult<String> result = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
    assertThat(result.succeeded()).isTrue();
    assertThat(sleeper.waits()).hasSize(1).allSatisfy(w -> assertThat(w).isLessThan(Duration.ofMinutes(1)));
  }

  @Test
  void maxRetryAfterAtTheLongestHeaderWaitIsRejected() {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require("generic-http"));
    assertThatThrownBy(() -> b.maxRetryAfter(RateLimitHeaders.MAX_HINT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid maxRetryAfter (PT87600H): must be below 3650 days, the longest wait read from a"
            + " response header");
  }
}
