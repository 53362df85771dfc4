package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.testing.Allocations;
import dev.shippingresilience.testing.FakeClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScopedBreakerTest {
  private static final Duration OPEN_WAIT = Duration.ofMinutes(10);
  private static final String SCOPE = "generic-http/host:a.example";
  private static final IOException DOWN = new IOException("down");

  private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<ScopedBreaker.Transition> transitions = new CopyOnWriteArrayList<>();

  private CircuitBreakerConfig config(int window) {
    return CircuitBreakerConfig.custom().failureRateThreshold(50).minimumNumberOfCalls(window)
        .slidingWindowSize(window).permittedNumberOfCallsInHalfOpenState(1).waitDurationInOpenState(OPEN_WAIT)
        .clock(clock).build();
  }

  private ScopedBreakers breakers(CircuitBreakerConfig config) {
    return new ScopedBreakers(CircuitBreakerRegistry.of(config), config, 10, clock, OPEN_WAIT,
        new SimpleMeterRegistry(), transitions::add);
  }

  private ScopedBreaker.Transition transition(State from, State to) {
    return new ScopedBreaker.Transition(SCOPE, from, to);
  }

  @Test
  void manyThreadsFailingOneBreakerOpenReportOpenExactlyOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 50; round++) {
        // given a fresh breaker that trips after 10 calls at 50% failures, and 8 threads released together
        transitions.clear();
        ScopedBreaker breaker = breakers(config(10)).get(SCOPE);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> threads = new ArrayList<>();

        // when each fails calls until the breaker refuses them
        for (int t = 0; t < 8; t++) {
          threads.add(pool.submit(() -> {
            go.await();
            for (int i = 0; i < 20 && breaker.tryAcquirePermission(); i++) {
              breaker.onError(1_000, DOWN);
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : threads) {
          f.get(30, TimeUnit.SECONDS);
        }

        // then OPEN was reported once, and stamped
        assertThat(breaker.getState()).isEqualTo(State.OPEN);
        assertThat(transitions).as("round %d", round).containsExactly(transition(State.CLOSED, State.OPEN));
        assertThat(breaker.openedMillis()).isEqualTo(clock.millis());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTransitionMadeOutsideIsReportedAtTheNextOperationWithTheOpenInBetween() {
    // given a breaker moved to HALF_OPEN directly on Resilience4j's object, not through the library
    ScopedBreaker breaker = breakers(config(2)).get(SCOPE);
    breaker.circuitBreaker().transitionToOpenState();
    breaker.circuitBreaker().transitionToHalfOpenState();
    assertThat(transitions).isEmpty();

    // when the library next asks it for a permit
    assertThat(breaker.tryAcquirePermission()).isTrue();

    // then both transitions are reported, in order, and OPEN was stamped
    assertThat(transitions).containsExactly(transition(State.CLOSED, State.OPEN),
        transition(State.OPEN, State.HALF_OPEN));
    assertThat(breaker.openedMillis()).as("not OPEN now").isEqualTo(-1);
  }

  @Test
  void theClockDrivenMoveToHalfOpenIsReportedWhenTheNextCallAsksForAPermit() {
    // given an OPEN breaker whose wait has passed
    ScopedBreaker breaker = breakers(config(2)).get(SCOPE);
    breaker.transitionToOpenState();
    clock.advance(OPEN_WAIT.plusSeconds(1));
    assertThat(breaker.getState()).as("Resilience4j moves it only when asked").isEqualTo(State.OPEN);

    // when a call asks for a permit, then succeeds
    assertThat(breaker.tryAcquirePermission()).isTrue();
    List<ScopedBreaker.Transition> afterPermit = List.copyOf(transitions);
    breaker.onSuccess(1_000);

    // then
    assertThat(afterPermit).containsExactly(transition(State.CLOSED, State.OPEN),
        transition(State.OPEN, State.HALF_OPEN));
    assertThat(transitions).endsWith(transition(State.HALF_OPEN, State.CLOSED)).hasSize(3);
  }

  @Test
  void aListenerThatThrowsDoesNotBreakTheCallNorSilenceLaterReports() {
    // given a listener that fails on OPEN
    CircuitBreakerConfig config = config(2);
    ScopedBreaker breaker = new ScopedBreakers(CircuitBreakerRegistry.of(config), config, 10, clock, OPEN_WAIT,
        new SimpleMeterRegistry(), t -> {
          transitions.add(t);
          if (t.to() == State.OPEN) {
            throw new IllegalStateException("listener down");
          }
        }).get(SCOPE);

    // when the breaker opens, then recovers
    breaker.transitionToOpenState();
    breaker.transitionToHalfOpenState();

    // then
    assertThat(transitions).containsExactly(transition(State.CLOSED, State.OPEN),
        transition(State.OPEN, State.HALF_OPEN));
  }

  @Test
  void aSuccessfulCallInClosedStateAllocatesNothingForObservingTheBreaker() {
    // given our breaker, and plain Resilience4j breakers of the same config, without and with an event consumer,
    // whose calls are timed on the same kind of registry
    CircuitBreakerConfig config = config(100);
    ScopedBreaker ours = new ScopedBreakers(CircuitBreakerRegistry.of(config), config, 10, clock, OPEN_WAIT,
        new SimpleMeterRegistry(), transitions::add).get(SCOPE);
    Timer timer = new SimpleMeterRegistry().timer("calls");
    CircuitBreaker plain = CircuitBreaker.of("plain", config);
    CircuitBreaker consumed = CircuitBreaker.of("consumed", config);
    consumed.getEventPublisher().onStateTransition(e -> { });
    Runnable oursCalls = () -> {
      for (int i = 0; i < CALLS; i++) {
        ours.tryAcquirePermission();
        ours.onSuccess(1_000);
      }
    };

    // when (the fewest bytes of a few runs each, after the JIT had its chance)
    long oursBytes = fewestBytes(oursCalls);
    long plainBytes = fewestBytes(() -> calls(plain, timer));
    long consumedBytes = fewestBytes(() -> calls(consumed, timer));

    // then ours costs no event a call (an event and its ZonedDateTime: 120 B with escape analysis, 190 B without),
    // and at most what Resilience4j allocates itself with no consumer (the 40 B snapshot its sliding window returns
    // per call, which C2 scalar-replaces in the plain loop but not always behind our extra call level: 40 B per call
    // for both when run with -XX:-DoEscapeAnalysis)
    assertThat((consumedBytes - oursBytes) / (double) CALLS).as("bytes per call saved").isGreaterThan(64);
    assertThat((oursBytes - plainBytes) / (double) CALLS).as("bytes per call over a plain breaker")
        .isLessThanOrEqualTo(40);
    assertThat(transitions).isEmpty();
  }

  private static final int CALLS = 20_000;

  private static long fewestBytes(Runnable work) {
    long fewest = Long.MAX_VALUE;
    for (int run = 0; run < 12; run++) {
      fewest = Math.min(fewest, Allocations.bytesAllocatedBy(work));
    }
    return fewest;
  }

  private static void calls(CircuitBreaker breaker, Timer timer) {
    for (int i = 0; i < CALLS; i++) {
      breaker.tryAcquirePermission();
      breaker.onSuccess(1_000, TimeUnit.NANOSECONDS);
      timer.record(1_000, TimeUnit.NANOSECONDS);
    }
  }
}
