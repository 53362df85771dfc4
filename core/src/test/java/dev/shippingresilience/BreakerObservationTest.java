package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.event.BreakerEvent;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.internal.ScopedBreaker;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ScriptedTransport;
import io.github.resilience4j.core.EventProcessor;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetricsPublisher;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The policy's breakers carry no Resilience4j event consumer (one makes Resilience4j build an event on every call),
 * yet their transitions reach the listener and their {@code resilience4j.circuitbreaker.*} meters read as Resilience4j's
 * own binder would.
 */
class BreakerObservationTest {
  private static final String CLICKPOST_CREATE = "https://www.clickpost.in/api/v3/create-order/?username=u&key=K";
  private static final String CARRIER = "clickpost/carrier:5";
  private static final String CB_METERS = "resilience4j.circuitbreaker";

  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final List<BreakerEvent> transitions = new CopyOnWriteArrayList<>();

  private ShippingPolicy policy(MeterRegistry meters) {
    return ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost"))
        .clock(clock).sleeper(new FakeSleeper(clock)).meterRegistry(meters).random(new FixedRandom())
        .breaker(50, 4, 4, Duration.ofSeconds(60), 2)
        .listener(new ShippingListener() {
          @Override
          public void onBreakerStateChange(BreakerEvent event) {
            transitions.add(event);
          }
        })
        .build();
  }

  private static String meta(int status) {
    return "{\"meta\":{\"status\":" + status + ",\"message\":\"m\"},\"result\":{\"waybill\":\"W1\"}}";
  }

  /** Answers {@code status} after 7 ms of the fake clock, so the call timers record non-zero durations. */
  private ScriptedTransport answering(int status) {
    return new ScriptedTransport().thenAnswer(r -> {
      clock.advance(Duration.ofMillis(7));
      return ResponseSnapshot.of(200, HeaderValues.empty(), meta(status));
    });
  }

  private CallResult<String> create(ShippingPolicy policy, ScriptedTransport transport) throws IOException {
    return create(policy, 5, transport);
  }

  private CallResult<String> create(ShippingPolicy policy, int courier, ScriptedTransport transport)
      throws IOException {
    return policy.execute(RequestSnapshot.of("POST", URI.create(CLICKPOST_CREATE), HeaderValues.empty(),
        ("{\"courier_partner\":" + courier + "}").getBytes(StandardCharsets.UTF_8)), CallOptions.none(), transport);
  }

  /** A carrier's outage and recovery, a refused call and a transport failure: every kind a breaker meters. */
  private void outageAndRecovery(ShippingPolicy policy) throws IOException {
    // the carrier's breaker trips: CLOSED -> OPEN
    assertThat(create(policy, answering(322)).classification().decision()).isEqualTo(Decision.BREAK);
    // a call while it is open is refused
    assertThatThrownBy(() -> create(policy, answering(200))).isInstanceOf(BreakerOpenException.class);
    // a lost connection (another carrier) counts against the provider's breaker
    assertThatThrownBy(() -> create(policy, 6, new ScriptedTransport().thenFail(new IOException("reset"))))
        .isInstanceOf(IOException.class);
    // after the open wait, two trial calls: OPEN -> HALF_OPEN, then HALF_OPEN -> CLOSED
    clock.advance(Duration.ofSeconds(61));
    assertThat(create(policy, answering(200)).succeeded()).isTrue();
    assertThat(create(policy, answering(200)).succeeded()).isTrue();
    // and one more, CLOSED
    assertThat(create(policy, answering(200)).succeeded()).isTrue();
  }

  @Test
  void aPolicyWithMetersAndAListenerLeavesItsBreakersWithoutEventConsumersAndReportsEachTransitionOnceInOrder()
      throws IOException {
    // given a policy with a meter registry and a listener
    ShippingPolicy policy = policy(new SimpleMeterRegistry());

    // when a carrier's breaker opens and recovers
    outageAndRecovery(policy);

    // then no breaker has a consumer, and the listener saw each transition once, in order
    Map<String, String> states = policy.breakerStates();
    assertThat(states).containsKeys("clickpost", CARRIER).containsEntry(CARRIER, "CLOSED");
    for (String scope : states.keySet()) {
      ScopedBreaker breaker = policy.settings.breakers.existing(scope);
      assertThat(breaker).as(scope).isNotNull();
      assertThat(((EventProcessor<?>) breaker.circuitBreaker().getEventPublisher()).hasConsumers()).as(scope)
          .isFalse();
    }
    assertThat(transitions).containsExactly(new BreakerEvent(CARRIER, "CLOSED", "OPEN"),
        new BreakerEvent(CARRIER, "OPEN", "HALF_OPEN"), new BreakerEvent(CARRIER, "HALF_OPEN", "CLOSED"));
  }

  @Test
  void breakerMetersEqualWhatResilience4jsOwnBinderReportsForTheSameCalls() throws IOException {
    // given a policy whose breakers also carry Resilience4j's own binder, on a second registry
    SimpleMeterRegistry ours = new SimpleMeterRegistry();
    SimpleMeterRegistry theirs = new SimpleMeterRegistry();
    ShippingPolicy policy = policy(ours);
    policy.settings.breakers.get(CARRIER);
    TaggedCircuitBreakerMetricsPublisher binder = new TaggedCircuitBreakerMetricsPublisher(theirs);
    for (String scope : policy.breakerStates().keySet()) {
      binder.publishMetrics(policy.settings.breakers.existing(scope).circuitBreaker());
    }

    // when
    outageAndRecovery(policy);

    // then the same meters, descriptions and values
    assertThat(breakerMeters(ours)).isEqualTo(breakerMeters(theirs)).isNotEmpty();
    assertThat(ours.get(CB_METERS + ".not.permitted.calls").tag("name", CARRIER).counter().count()).isEqualTo(1);
    assertThat(ours.get(CB_METERS + ".calls").tag("name", CARRIER).tag("kind", "failed").timer().count())
        .isEqualTo(4);
    assertThat(ours.get(CB_METERS + ".calls").tag("name", "clickpost").tag("kind", "failed").timer().count())
        .as("the lost connections, against the provider's breaker").isPositive();
    assertThat(ours.get(CB_METERS + ".calls").tag("name", CARRIER).tag("kind", "successful").timer()
        .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(21);
    assertThat(transitions).hasSize(3);
  }

  /** The breaker meters of {@code registry}: id and description to their measurements. */
  private static Map<String, String> breakerMeters(MeterRegistry registry) {
    Map<String, String> out = new TreeMap<>();
    for (Meter m : registry.getMeters()) {
      if (m.getId().getName().startsWith(CB_METERS)) {
        StringBuilder values = new StringBuilder(m.getId().getType() + " " + m.getId().getDescription() + ":");
        m.measure().forEach(x -> values.append(' ').append(x.getStatistic()).append('=').append(x.getValue()));
        out.put(m.getId().getName() + m.getId().getTags(), values.toString());
      }
    }
    return out;
  }
}
