package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.testing.FakeClock;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScopedBreakersTest {
  private static final Duration OPEN_WAIT = Duration.ofMinutes(10);

  private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

  private ScopedBreakers breakers(int max) {
    CircuitBreakerConfig config = CircuitBreakerConfig.custom().waitDurationInOpenState(OPEN_WAIT).clock(clock)
        .build();
    return new ScopedBreakers(CircuitBreakerRegistry.of(config), config, max, clock, OPEN_WAIT,
        new SimpleMeterRegistry(), transition -> { });
  }

  @Test
  void anIdleClosedBreakerMakesRoomBeforeAnOlderOpenOne() {
    // given an OPEN breaker, then a CLOSED one left idle for longer than the open wait
    ScopedBreakers breakers = breakers(2);
    breakers.get("generic-http/host:down.example").transitionToOpenState();
    clock.advance(Duration.ofMinutes(1));
    breakers.get("generic-http/host:quiet.example");
    clock.advance(Duration.ofMinutes(11));

    // when a third host needs a breaker
    breakers.get("generic-http/host:new.example");

    // then the idle CLOSED one went, although the OPEN one was used less recently
    assertThat(breakers.states()).containsOnlyKeys("generic-http/host:down.example", "generic-http/host:new.example");
  }

  @Test
  void theHostBeingCalledKeepsItsBreakerWhenOneOfItsScopesIsCreated() {
    // given room for one breaker, taken by the host being called
    ScopedBreakers breakers = breakers(1);
    breakers.get("generic-http/host:a.example");

    // when that call creates the breaker of one of the host's operations
    breakers.get("generic-http/host:a.example/operation:create");

    // then the host's own breaker stays (the only other candidate is in use)
    assertThat(breakers.states()).containsOnlyKeys("generic-http/host:a.example",
        "generic-http/host:a.example/operation:create");
  }

  @Test
  void theProviderBreakerIsNeverEvictedNorExpired() {
    // given room for one breaker and the provider's own, OPEN
    ScopedBreakers breakers = breakers(1);
    breakers.get("clickpost").transitionToOpenState();

    // when carriers come and go, and a day passes
    breakers.get("clickpost/carrier:1");
    breakers.get("clickpost/carrier:2");
    assertThat(breakers.states()).containsOnlyKeys("clickpost", "clickpost/carrier:2");
    clock.advance(Duration.ofDays(1));

    // then only the provider's breaker is left
    assertThat(breakers.states()).containsOnlyKeys("clickpost");
  }

  @Test
  void providerScopeDropsTheCarrierOrOperationPart() {
    assertThat(ScopedBreakers.providerScopeOf("clickpost/carrier:5")).isEqualTo("clickpost");
    assertThat(ScopedBreakers.providerScopeOf("generic-http/host:a:8443/operation:x/carrier:y"))
        .isEqualTo("generic-http/host:a:8443");
    assertThat(ScopedBreakers.pinned("clickpost")).isTrue();
    assertThat(ScopedBreakers.pinned("generic-http/host:a.example")).isFalse();
    assertThat(ScopedBreakers.pinned("clickpost/operation:create")).isFalse();
  }
}
