package dev.shippingresilience.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.testing.FakeClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LocalLimitsTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final LocalLimits limits = new LocalLimits(clock, meters);

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

  @Test
  void pausesOfTenThousandHostsDoNotAccumulate() {
    // given 10,000 hosts, each throttled once for a second, one every 10 ms
    for (int h = 0; h < 10_000; h++) {
      limits.pause("generic-http/host:h" + h, clock.instant().plusSeconds(1));
      clock.advance(Duration.ofMillis(10));
    }

    // then at most the bound is kept, and the live pauses are among them
    assertThat(limits.pausedAccounts()).isLessThanOrEqualTo(LocalLimits.DEFAULT_MAX_ACCOUNTS);
    assertThat(limits.pausedUntil("generic-http/host:h9999")).isNotNull();

    // when every pause is over
    clock.advance(Duration.ofMinutes(2));
    limits.pause("generic-http/host:late", clock.instant().plusSeconds(1));

    // then only the live one is kept
    assertThat(limits.pausedAccounts()).isEqualTo(1);
  }

  @Test
  void livePausesBeyondTheBoundDropTheOneEndingFirst() {
    // given a bound of 3 and three live pauses
    LocalLimits small = new LocalLimits(clock, meters, 3);
    small.pause("a", clock.instant().plusSeconds(30));
    small.pause("b", clock.instant().plusSeconds(10));
    small.pause("c", clock.instant().plusSeconds(20));

    // when a fourth account is paused
    small.pause("d", clock.instant().plusSeconds(5));

    // then the pause ending first made room
    assertThat(small.pausedAccounts()).isEqualTo(3);
    assertThat(small.pausedUntil("b")).isNull();
    assertThat(small.pausedUntil("a")).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(small.pausedUntil("d")).isEqualTo(clock.instant().plusSeconds(5));
  }

  @Test
  void limitersOfTenThousandHostsAreBoundedWithTheirMeters() {
    // given
    RateLimit tenPerSecond = new RateLimit(10, Duration.ofSeconds(1));

    // when 10,000 hosts each take a permit
    for (int h = 0; h < 10_000; h++) {
      assertThat(limits.acquire("generic-http/host:h" + h, tenPerSecond, Duration.ZERO)).isEqualTo(Duration.ZERO);
    }

    // then limiters and their meters are bounded, and the most recent host keeps its limiter
    assertThat(limits.limiters()).isLessThanOrEqualTo(LocalLimits.DEFAULT_MAX_ACCOUNTS);
    assertThat(meters.getMeters().stream().map(Meter::getId)
        .filter(id -> id.getName().startsWith("resilience4j.ratelimiter")).map(id -> id.getTag("name")).distinct()
        .count()).isLessThanOrEqualTo(LocalLimits.DEFAULT_MAX_ACCOUNTS);
    assertThat(meters.find("resilience4j.ratelimiter.available.permissions").tag("name", "generic-http/host:h9999")
        .gauge().value()).isEqualTo(9);
  }

  @Test
  void aPauseStillDrainsTheLimiterOfItsAccount() {
    // given
    RateLimit tenPerMinute = new RateLimit(10, Duration.ofMinutes(1));
    limits.acquire("acct", tenPerMinute, Duration.ZERO);

    // when
    limits.pause("acct", clock.instant().plusSeconds(1));
    clock.advance(Duration.ofSeconds(2));

    // then the permits left in this period were drained
    assertThat(limits.pausedUntil("acct")).isNull();
    assertThat(limits.acquire("acct", tenPerMinute, Duration.ZERO)).isNull();
  }
}
