package dev.shippingresilience.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.observation.ShippingAttemptContext;
import dev.shippingresilience.observation.ShippingCallContext;
import dev.shippingresilience.observation.ShippingObservationContext;
import dev.shippingresilience.observation.ShippingWaitContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Records every shipping observation started, to draw the tree of each call from the parents: the same text for
 * the programmatic path (core's CallObservationTest) and the adapters (their observation tests), so that all of them
 * are held to one tree.
 */
public final class ObservationTree implements ObservationHandler<Observation.Context> {
  /** Clickpost's create-order answered 202, 102, 102, then 323, polled every 10 s. */
  public static final String CLICKPOST_POLL_STORY = String.join("\n",
      "call clickpost create-order outcome=duplicate decision=SUCCEED code=323 exception=none attempts=4 polls=3",
      "  attempt #1 poll 0 POST outcome=answered decision=POLL code=202 scope=clickpost",
      "  wait poll PT10S before #1 poll 1 outcome=waited",
      "  attempt #1 poll 1 POST outcome=answered decision=POLL code=102 scope=clickpost",
      "  wait poll PT10S before #1 poll 2 outcome=waited",
      "  attempt #1 poll 2 POST outcome=answered decision=POLL code=102 scope=clickpost",
      "  wait poll PT10S before #1 poll 3 outcome=waited",
      "  attempt #1 poll 3 POST outcome=answered decision=SUCCEED code=323 scope=clickpost");


  private final List<Observation.Context> started = new CopyOnWriteArrayList<>();
  private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

  @Override
  public void onStart(Observation.Context context) {
    started.add(context);
  }

  @Override
  public void onStop(Observation.Context context) {
    stopped.add(context);
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof ShippingObservationContext;
  }

  /** Returns how many observations were stopped. */
  public int stoppedCount() {
    return stopped.size();
  }

  /** Forgets what was recorded. */
  public void clear() {
    started.clear();
    stopped.clear();
  }

  /** Returns the started observations' contexts of {@code type}, in start order. */
  public <C> List<C> all(Class<C> type) {
    return started.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  /** Returns the one started context of {@code type}. */
  public <C> C only(Class<C> type) {
    List<C> all = all(type);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /** Each call's observation, then its children in start order, two spaces in; only stopped ones count. */
  public String tree() {
    assertThat(stopped).as("every observation started was stopped").containsExactlyInAnyOrderElementsOf(started);
    List<String> lines = new ArrayList<>();
    for (ShippingCallContext call : all(ShippingCallContext.class)) {
      lines.add("call " + call.getContextualName() + " " + keys(call, "outcome", "decision", "code", "exception")
          + " attempts=" + high(call, "attempts") + " polls=" + high(call, "polls"));
      for (Observation.Context child : started) {
        if (child.getParentObservation() == null || child.getParentObservation().getContextView() != call) {
          continue;
        }
        if (child instanceof ShippingAttemptContext a) {
          lines.add("  attempt #" + high(a, "attempt") + " poll " + high(a, "poll") + " " + a.method() + " "
              + keys(a, "outcome", "decision", "code") + " scope=" + high(a, "scope"));
        } else if (child instanceof ShippingWaitContext w) {
          lines.add("  wait " + w.cause() + " " + high(w, "planned") + " before #" + high(w, "attempt") + " poll "
              + high(w, "poll") + " " + keys(w, "outcome"));
        }
      }
    }
    return String.join("\n", lines);
  }

  private static String keys(Observation.Context c, String... names) {
    List<String> shown = new ArrayList<>();
    for (String name : names) {
      shown.add(name + "=" + c.getLowCardinalityKeyValue(name).getValue());
    }
    return String.join(" ", shown);
  }

  private static String high(Observation.Context c, String name) {
    return c.getHighCardinalityKeyValue(name).getValue();
  }
}
