package dev.shippingresilience.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.testing.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LocalLimitsTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final LocalLimits limits = new LocalLimits(clock, new SimpleMeterRegistry());

  @Test
  void isAlwaysAvailableAsInProcessLimits() {
    // when
    Availability availability = limits.availability();

    // then
    assertThat(availability.state()).isEqualTo(Availability.State.IN_PROCESS);
    assertThat(availability.available()).isTrue();
    assertThat(availability.description()).isEqualTo("in-process");
    assertThat(availability).hasToString("IN_PROCESS");
  }

  @Test
  void staysAvailableWhileItsAccountsArePausedAndOutOfPermits() {
    // given
    RateLimit onePerMinute = new RateLimit(1, Duration.ofMinutes(1));
    limits.acquire("acct", onePerMinute, Duration.ZERO);

    // when
    limits.pause("acct", clock.instant().plusSeconds(30));

    // then
    assertThat(limits.acquire("acct", onePerMinute, Duration.ZERO)).isNull();
    assertThat(limits.availability()).isEqualTo(Availability.inProcess());
  }
}
