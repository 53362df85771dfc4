package dev.shippingresilience.testing;

import dev.shippingresilience.event.AttemptEvent;
import dev.shippingresilience.event.BreakerEvent;
import dev.shippingresilience.event.DecisionEvent;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.event.WaitEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that keeps the {@code toString()} of every event, in order: what a user's listener would show. */
public final class RecordingListener implements ShippingListener {
  private final List<String> events = new CopyOnWriteArrayList<>();

  /** Returns every event so far, as text. */
  public List<String> events() {
    return List.copyOf(events);
  }

  @Override
  public void onAttempt(AttemptEvent event) {
    events.add(event.toString());
  }

  @Override
  public void onDecision(DecisionEvent event) {
    events.add(event.toString());
  }

  @Override
  public void onWait(WaitEvent event) {
    events.add(event.toString());
  }

  @Override
  public void onBreakerStateChange(BreakerEvent event) {
    events.add(event.toString());
  }
}
