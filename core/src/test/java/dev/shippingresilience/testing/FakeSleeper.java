package dev.shippingresilience.testing;

import dev.shippingresilience.CancellationToken;
import dev.shippingresilience.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sleeper that advances a {@link FakeClock} instead of sleeping, and records every wait. Thread-safe. */
public final class FakeSleeper implements Sleeper {
  private final FakeClock clock;
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  /** Creates a sleeper that moves {@code clock}. */
  public FakeSleeper(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public void sleep(Duration duration, CancellationToken token) throws InterruptedException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException();
    }
    waits.add(duration);
    clock.advance(duration);
  }

  /** Returns every wait so far. */
  public List<Duration> waits() {
    return List.copyOf(waits);
  }

  /** Returns the sum of the waits. */
  public Duration total() {
    return waits.stream().reduce(Duration.ZERO, Duration::plus);
  }
}
