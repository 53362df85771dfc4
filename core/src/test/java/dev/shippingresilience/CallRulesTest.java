package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.CallRules.Next;
import dev.shippingresilience.testing.EngineScenarios;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ScriptedTransport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The rules of a call driven by hand: no transport, no sleeper, and a clock that never moves. Each event goes in,
 * and the next step comes out.
 */
class CallRulesTest {
  private static CallRules<String> rules(String provider, RequestSnapshot request,
      Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require(provider))
        .clock(Fixtures.fixedClock()).meterRegistry(new SimpleMeterRegistry()).random(new FixedRandom());
    custom.accept(b);
    return new CallRules<>(b.build().settings, request, CallOptions.none(), false);
  }

  private static ProviderResponse<String> answer(int status, String body) throws IOException {
    return new ScriptedTransport().then(status, body).send(
        new AttemptRequest(1, 0, true, "GET", java.net.URI.create(EngineScenarios.GENERIC), java.util.Map.of()));
  }

  @Test
  void aPollIsASendAWaitForThePollIntervalAndASendAgain() throws IOException {
    CallRules<String> rules = rules("clickpost", EngineScenarios.post(EngineScenarios.CLICKPOST_CREATE, "{}"),
        b -> { });

    assertThat(rules.start()).isEqualTo(Next.SEND);
    assertThat(rules.request().attempt()).isEqualTo(1);
    assertThat(rules.request().timeLeft()).isEqualTo(ShippingPolicy.DEFAULT_DEADLINE);

    assertThat(rules.answered(answer(200, EngineScenarios.meta(102)))).isEqualTo(Next.WAIT);
    assertThat(rules.delay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(rules.waitCause()).isEqualTo("poll");

    assertThat(rules.waited()).isEqualTo(Next.SEND);
    assertThat(rules.request().poll()).isEqualTo(1);

    assertThat(rules.answered(answer(200, EngineScenarios.meta(323)))).isEqualTo(Next.RETURN);
    assertThat(rules.result().duplicate()).isTrue();
    assertThat(rules.result().waited()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anAmbiguousFailureOfAPostWithoutAKeyIsThrownAsItCame() {
    CallRules<String> rules = rules("aftership-shipping",
        EngineScenarios.post(EngineScenarios.AFTERSHIP_LABELS, "{}"), b -> { });
    SocketTimeoutException timeout = new SocketTimeoutException("read timed out");

    assertThat(rules.start()).isEqualTo(Next.SEND);
    assertThat(rules.failed(timeout)).isEqualTo(Next.THROW);
    assertThat(rules.failure()).isSameAs(timeout);
  }

  @Test
  void aBreakIsRetriedAfterBackoffUntilTheAttemptsRunOut() throws IOException {
    CallRules<String> rules = rules("generic-http", RequestSnapshot.of("GET", EngineScenarios.GENERIC),
        b -> b.maxAttempts(2));

    assertThat(rules.start()).isEqualTo(Next.SEND);
    assertThat(rules.answered(answer(503, ""))).isEqualTo(Next.WAIT);
    assertThat(rules.waitCause()).isEqualTo("backoff");
    assertThat(rules.delay()).isEqualTo(Duration.ofMillis(250));
    assertThat(rules.waited()).isEqualTo(Next.SEND);
    assertThat(rules.request().attempt()).isEqualTo(2);
    assertThat(rules.answered(answer(503, ""))).isEqualTo(Next.RETURN);
    assertThat(rules.result().classification().decision()).isEqualTo(Decision.BREAK);
  }

  @Test
  void aCancellationInFlightReturnsTheHalfOpenBreakersPermitAndThrows() {
    // given: a half-open breaker with a single trial permit, taken by a call in flight
    CallSettings settings = ShippingPolicy.builder(ProviderProfiles.builtIn().require("generic-http"))
        .clock(Fixtures.fixedClock()).meterRegistry(new SimpleMeterRegistry())
        .breaker(50, 2, 2, Duration.ofSeconds(1), 1).build().settings;
    var breaker = settings.breakers.get("generic-http/host:carrier.example");
    breaker.transitionToOpenState();
    breaker.transitionToHalfOpenState();
    RequestSnapshot get = RequestSnapshot.of("GET", EngineScenarios.GENERIC);
    CallRules<String> first = new CallRules<>(settings, get, CallOptions.none(), false);
    assertThat(first.start()).isEqualTo(Next.SEND);
    assertThat(new CallRules<String>(settings, get, CallOptions.none(), false).start())
        .as("no second trial while the first is in flight").isEqualTo(Next.THROW);

    // when
    assertThat(first.cancelled(false)).isEqualTo(Next.THROW);

    // then
    assertThat(first.failure()).isInstanceOf(CallCancelledException.class);
    assertThat(new CallRules<String>(settings, get, CallOptions.none(), false).start()).isEqualTo(Next.SEND);
  }
}
