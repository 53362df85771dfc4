package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ScriptedTransport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's engine promises at the programmatic API, with an injected clock and a sleeper that lets a test act
 * while a call waits (the adapters' tests repeat them through real clients and WireMock).
 */
class EnginePromisesTest {
  private static final String AFTERSHIP_LABELS = "https://api.aftership.com/postmen/v3/labels";
  private static final String GENERIC = "https://carrier.example/api/shipments";

  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  /** Runs before each wait, with the wait's length; then the clock moves by it. */
  private Consumer<Duration> onSleep = d -> { };
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final Sleeper sleeper = (duration, token) -> {
    waits.add(duration);
    onSleep.accept(duration);
    clock.advance(duration);
  };

  private ShippingPolicy policy(String provider, Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require(provider))
        .clock(clock).sleeper(sleeper).meterRegistry(new SimpleMeterRegistry()).random(new FixedRandom());
    custom.accept(b);
    return b.build();
  }

  private static RequestSnapshot post(String url, HeaderValues headers) {
    return RequestSnapshot.of("POST", URI.create(url), headers, "{}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aPauseThatBeginsWhileWaitingForAPermitHoldsTheSendBack() throws IOException {
    // given: one permit a second, already used by a first call
    ShippingPolicy policy = policy("aftership-shipping", b -> b.rateLimit(1, Duration.ofSeconds(1))
        .pauseJitter(Duration.ZERO));
    List<Instant> sentAt = new CopyOnWriteArrayList<>();
    ScriptedTransport transport = new ScriptedTransport();
    for (int i = 0; i < 2; i++) {
      transport.thenAnswer(r -> {
        sentAt.add(clock.instant());
        return ResponseSnapshot.of(200, HeaderValues.empty(),
            "{\"meta\":{\"code\":200},\"data\":{\"status\":\"created\"}}");
      });
    }
    policy.execute(post(AFTERSHIP_LABELS, HeaderValues.empty()), CallOptions.none(), transport);
    // when: while the second call waits for its permit, another caller's 429 pauses the account for 3 s
    Instant pauseEnd = clock.instant().plusSeconds(3);
    onSleep = d -> {
      if (policy.settings.limits.pausedUntil(policy.settings.account) == null) {
        policy.settings.limits.pause(policy.settings.account, pauseEnd);
      }
    };
    policy.execute(post(AFTERSHIP_LABELS, HeaderValues.empty()), CallOptions.none(), transport);
    // then: the second request waited out the pause too
    assertThat(sentAt).hasSize(2);
    assertThat(sentAt.get(1)).isAfterOrEqualTo(pauseEnd);
  }

  @Test
  void eachAttemptIsToldTheTimeLeftUntilTheDeadline() throws IOException {
    ShippingPolicy policy = policy("generic-http", b -> b.deadline(Duration.ofSeconds(10)));
    ScriptedTransport transport = new ScriptedTransport().then(503, "").then(200, "ok");
    policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
    List<Duration> left = transport.requests().stream().map(AttemptRequest::timeLeft).toList();
    assertThat(left).hasSize(2);
    assertThat(left.get(0)).isEqualTo(Duration.ofSeconds(10));
    assertThat(left.get(1)).isEqualTo(Duration.ofSeconds(10).minus(waits.get(0)));
  }

  @Test
  void aTimeoutThatRunsIntoTheDeadlineEndsTheCallWithTheLastClassification() {
    ShippingPolicy policy = policy("generic-http", b -> b.deadline(Duration.ofSeconds(1)));
    ScriptedTransport transport = new ScriptedTransport().then(503, "")
        .then(r -> {
          // the transport honours the time left: it gives up exactly when the deadline passes
          clock.advance(r.timeLeft());
          throw new SocketTimeoutException("timeout");
        });
    assertThatThrownBy(() -> policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport))
        .isInstanceOfSatisfying(DeadlineExceededException.class,
            e -> assertThat(e.classification().httpStatus()).isEqualTo(503));
    assertThat(transport.sends()).isEqualTo(2);
  }

  @Test
  void theRequestsOwnIdempotencyKeyMakesThePostRepeatable() throws IOException {
    ShippingPolicy policy = policy("aftership-shipping", b -> b.idempotencyKey("Idempotency-Key", false));
    ScriptedTransport transport = new ScriptedTransport().then(503, "{\"meta\":{\"code\":503}}")
        .then(200, "{\"meta\":{\"code\":200},\"data\":{\"status\":\"created\"}}");
    CallResult<String> result = policy.execute(
        post(AFTERSHIP_LABELS, HeaderValues.of("Idempotency-Key", "order-42")), CallOptions.none(), transport);
    assertThat(result.succeeded()).isTrue();
    assertThat(transport.requests()).extracting(r -> r.extraHeader("Idempotency-Key"))
        .containsExactly("order-42", "order-42");
  }

  @Test
  void aBreakerThatOpensDuringBackoffHandsBackTheLastAnswer() throws IOException {
    ShippingPolicy policy = policy("generic-http", b -> {});
    ScriptedTransport transport = new ScriptedTransport().then(503, "busy").then(200, "ok");
    onSleep = d -> policy.settings.breakers.get("generic-http/host:carrier.example").transitionToOpenState();
    CallResult<String> result = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
    assertThat(result.classification().httpStatus()).isEqualTo(503);
    assertThat(result.response()).isEqualTo("busy");
    assertThat(transport.sends()).isEqualTo(1);
    assertThat(transport.leaked()).isZero();
  }

  @Test
  void aBreakerThatOpensDuringBackoffThrowsWhenTheCallerAskedForExceptions() {
    ShippingPolicy policy = policy("generic-http", b -> b.throwOnFailure(true));
    ScriptedTransport transport = new ScriptedTransport().then(503, "busy").then(200, "ok");
    onSleep = d -> policy.settings.breakers.get("generic-http/host:carrier.example").transitionToOpenState();
    assertThatThrownBy(() -> policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport))
        .isInstanceOf(BreakerOpenException.class);
    assertThat(transport.leaked()).isZero();
  }

  @Test
  void anErrorOutOfTheTransportStillReturnsTheBreakersPermit() throws IOException {
    // given: a half-open breaker with a single trial permit
    ShippingPolicy policy = policy("generic-http", b -> b.breaker(50, 2, 2, Duration.ofSeconds(1), 1));
    var breaker = policy.settings.breakers.get("generic-http/host:carrier.example");
    breaker.transitionToOpenState();
    breaker.transitionToHalfOpenState();
    ScriptedTransport transport = new ScriptedTransport()
        .then(r -> {
          throw new StackOverflowError("from the transport");
        })
        .then(200, "ok");
    // when: the trial call dies with an Error
    assertThatThrownBy(() -> policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport))
        .isInstanceOf(StackOverflowError.class);
    // then: the permit went back, so the next trial is let through
    CallResult<String> next = policy.execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), transport);
    assertThat(next.succeeded()).isTrue();
  }

  @Test
  void urlsInEventsAndToStringLoseTheirUserInfo() {
    assertThat(RequestSnapshot.of("GET", "https://user:pw123456@carrier.example/x?key=K1234567").toString())
        .doesNotContain("pw123456").doesNotContain("K1234567");
    assertThat(Redaction.defaults().url("https://user:pw123456@carrier.example/x")).doesNotContain("pw123456");
  }
}
