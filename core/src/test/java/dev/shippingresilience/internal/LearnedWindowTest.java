package dev.shippingresilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.Example;

/** The pacing arithmetic of a learned rate-limit window. */
class LearnedWindowTest {
  private static final long NOW = 1_795_341_600_000L;

  @Example
  void theLastRequestsGoAtOnceAndTheNextWaitForTheReset() {
    LearnedWindow w = new LearnedWindow();
    assertThat(w.learn(5, 2, NOW + 400, NOW)).isTrue();
    assertThat(w.reserve(NOW, 10_000, true)).isZero();
    assertThat(w.reserve(NOW, 10_000, true)).isZero();
    // the period is not known yet: wait for the reset, without a reservation
    assertThat(w.reserve(NOW + 100, 10_000, true)).isEqualTo(300);
    assertThat(w.reserve(NOW + 100, 10_000, true)).isEqualTo(300);
  }

  @Example
  void aWindowsFirstAnswerTeachesItsLengthAndLaterCallersReserveLaterWindows() {
    LearnedWindow w = new LearnedWindow();
    // the window's first request: 4 of 5 left, reset 0.8 s ahead -> a 1 s window
    assertThat(w.learn(5, 4, NOW + 800, NOW)).isTrue();
    assertThat(w.period()).isEqualTo(1000);
    for (int i = 0; i < 4; i++) {
      assertThat(w.reserve(NOW, 10_000, true)).isZero();
    }
    for (int i = 0; i < 5; i++) {
      assertThat(w.reserve(NOW, 10_000, true)).as("next window").isEqualTo(800);
    }
    assertThat(w.reserve(NOW, 10_000, true)).as("the window after").isEqualTo(1800);
    assertThat(w.reserve(NOW, 1000, true)).as("beyond maxWait: no permit, none taken").isEqualTo(LearnedWindow.NONE);
    // once the next window began, five were already reserved in it and one in the window after
    assertThat(w.reserve(NOW + 900, 10_000, true)).isEqualTo(1800 - 900);
  }

  @Example
  void aCallsFirstRequestReservesOnlyTheNextWindowSoPollsGoAheadOfTheQueue() {
    LearnedWindow w = new LearnedWindow();
    w.learn(2, 1, NOW + 500, NOW);
    assertThat(w.reserve(NOW, 10_000, false)).isZero();
    assertThat(w.reserve(NOW, 10_000, false)).isEqualTo(500);
    assertThat(w.reserve(NOW, 10_000, false)).isEqualTo(500);
    // the next window is full: a new call asks again when this one ends, without a permit
    assertThat(w.reserve(NOW + 100, 10_000, false)).isEqualTo(-400);
    assertThat(w.reserve(NOW + 100, 10_000, false)).as("the next one asked a ms later").isEqualTo(-401);
    assertThat(w.reserve(NOW + 100, 1300, false)).as("its turn comes after its deadline")
        .isEqualTo(LearnedWindow.NONE);
    // a poll of a call under way reserves the window after
    assertThat(w.reserve(NOW + 100, 10_000, true)).isEqualTo(1400);
    // once the window rolled, the new call's turn comes in the window after the next
    assertThat(w.reserve(NOW + 500, 10_000, false)).isEqualTo(1000);
  }

  @Example
  void theDistanceBetweenTwoResetsIsTheWindowsLength() {
    LearnedWindow w = new LearnedWindow();
    w.learn(10, 3, NOW + 200, NOW);
    assertThat(w.period()).isZero();
    w.learn(10, 8, NOW + 1200, NOW + 250);
    assertThat(w.period()).isEqualTo(1000);
    assertThat(w.end()).isEqualTo(NOW + 1200);
  }

  @Example
  void aFleetMateSpendingTheWindowLowersWhatIsLeft() {
    LearnedWindow w = new LearnedWindow();
    w.learn(5, 4, NOW + 800, NOW);
    assertThat(w.reserve(NOW, 10_000, true)).isZero();
    // another instance spent the rest: the answer to our request says 0 remain
    w.learn(5, 0, NOW + 800, NOW + 10);
    assertThat(w.reserve(NOW + 10, 10_000, true)).isEqualTo(790);
  }

  @Example
  void absurdValuesAreIgnored() {
    LearnedWindow w = new LearnedWindow();
    assertThat(w.learn(-1, 0, NOW + 1000, NOW)).isFalse();
    assertThat(w.learn(5, -1, NOW + 1000, NOW)).isFalse();
    assertThat(w.learn(5, 6, NOW + 1000, NOW)).isFalse();
    assertThat(w.learn(Long.MAX_VALUE, 0, NOW + 1000, NOW)).isFalse();
    assertThat(w.learn(5, 0, NOW, NOW)).as("a reset now or past").isFalse();
    assertThat(w.learn(5, 0, Long.MAX_VALUE, NOW)).as("a reset decades ahead").isFalse();
    assertThat(w.reserve(NOW, Long.MAX_VALUE, true)).as("nothing learned: no pacing").isZero();
  }

  /** One step of a caller: an announcement or a permit, at a time after the previous step. */
  record Step(boolean learn, long advance, long limit, long remaining, long resetIn, long maxWait,
      boolean continuing) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Long> counts = Arbitraries.oneOf(Arbitraries.longs().between(0, 12),
        Arbitraries.of(-1L, LearnedWindow.MAX_COUNT, LearnedWindow.MAX_COUNT + 1, Long.MAX_VALUE, Long.MIN_VALUE));
    Arbitrary<Long> resets = Arbitraries.oneOf(Arbitraries.longs().between(-2000, 3000),
        Arbitraries.of(LearnedWindow.MAX_WINDOW_MILLIS, LearnedWindow.MAX_WINDOW_MILLIS + 1, Long.MAX_VALUE / 2));
    Arbitrary<Long> waits = Arbitraries.oneOf(Arbitraries.longs().between(0, 5000),
        Arbitraries.of(LearnedWindow.MAX_WINDOW_MILLIS, Long.MAX_VALUE));
    return Combinators.combine(Arbitraries.of(true, false), Arbitraries.longs().between(0, 700), counts, counts,
        resets, waits, Arbitraries.of(true, false)).as(Step::new).list().ofMaxSize(60);
  }

  @Property(seed = "20261202", tries = 300)
  void aPermitNeverWaitsNegativeNorPastItsBoundNorOverflows(@ForAll("steps") List<Step> steps,
      @ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long start) {
    LearnedWindow w = new LearnedWindow();
    long now = start;
    long latestReset = Long.MIN_VALUE;
    for (Step s : steps) {
      now += s.advance();
      if (s.learn()) {
        long reset = now + s.resetIn();
        if (w.learn(s.limit(), s.remaining(), reset, now)) {
          latestReset = Math.max(latestReset, reset);
        }
      } else {
        long wait = w.reserve(now, s.maxWait(), s.continuing());
        if (wait == LearnedWindow.NONE) {
          continue;
        }
        assertThat(Math.abs(wait)).isLessThanOrEqualTo(s.maxWait());
        if (wait != 0) {
          // never past the reset plus the windows reserved ahead, nor beyond the longest window
          assertThat(Math.abs(wait)).isLessThanOrEqualTo(LearnedWindow.MAX_WINDOW_MILLIS + 1);
          assertThat(latestReset).isNotEqualTo(Long.MIN_VALUE);
        }
      }
    }
  }

  @Property(seed = "20261202", tries = 200)
  void noWindowGetsMorePermitsThanItsLimit(@ForAll @LongRange(min = 1, max = 20) long limit,
      @ForAll @LongRange(min = 0, max = 19) long remaining, @ForAll("arrivals") List<Long> gaps) {
    long left = Math.min(remaining, limit - 1);
    LearnedWindow w = new LearnedWindow();
    // the window's first answer (limit - 1 left) teaches a 1 s window ending 0.6 s ahead
    w.learn(limit, limit - 1, NOW + 600, NOW);
    w.learn(limit, left, NOW + 600, NOW);
    List<Long> sends = new ArrayList<>();
    long now = NOW;
    for (long gap : gaps) {
      now += gap;
      long wait = w.reserve(now, 60_000, true);
      if (wait >= 0) {
        sends.add(now + wait);
      }
    }
    // windows: [.., NOW+600) holds `left`, then [NOW+600+k*1000, NOW+1600+k*1000) hold `limit` each
    java.util.Map<Long, Integer> perWindow = new java.util.HashMap<>();
    for (long at : sends) {
      long index = at < NOW + 600 ? -1 : (at - NOW - 600) / 1000;
      perWindow.merge(index, 1, Integer::sum);
    }
    perWindow.forEach((index, n) -> assertThat((long) n).as("window " + index)
        .isLessThanOrEqualTo(index == -1 ? left : limit));
  }

  @Provide
  Arbitrary<List<Long>> arrivals() {
    return Arbitraries.longs().between(0, 400).list().ofMaxSize(80);
  }
}
