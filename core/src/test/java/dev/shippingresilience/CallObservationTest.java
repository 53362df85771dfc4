package dev.shippingresilience;

import static dev.shippingresilience.testing.EngineScenarios.CLICKPOST_CREATE;
import static dev.shippingresilience.testing.EngineScenarios.GENERIC;
import static dev.shippingresilience.testing.EngineScenarios.meta;
import static dev.shippingresilience.testing.EngineScenarios.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.observation.DefaultShippingCallConvention;
import dev.shippingresilience.observation.ShippingAttemptContext;
import dev.shippingresilience.observation.ShippingCallContext;
import dev.shippingresilience.observation.ShippingObservationContext;
import dev.shippingresilience.observation.ShippingWaitContext;
import dev.shippingresilience.testing.ObservationTree;
import dev.shippingresilience.testing.Allocations;
import dev.shippingresilience.testing.EngineScenarios;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ScriptedTransport;
import dev.shippingresilience.testing.VirtualTimeScheduler;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The observations of a call (issue 16): one {@code shipping.resilience.call}, a child per attempt and per wait, the
 * same tree through {@link ShippingPolicy#execute} and {@link ShippingPolicy#executeAsync}. The registry is
 * Micrometer's {@link TestObservationRegistry}, which also fails a test on a lifecycle mistake (a scope closed after
 * its observation stopped, an error after a stop, keys that change between observations of one name).
 */
class CallObservationTest {
  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler(clock);
  private final TestObservationRegistry registry = TestObservationRegistry.create();
  private final ObservationTree recorder = new ObservationTree();

  CallObservationTest() {
    registry.observationConfig().observationHandler(recorder);
  }

  /** The two drivers, each on the test's fake clock. */
  enum Driver {
    BLOCKING, ASYNC
  }

  private ShippingPolicy policy(Driver driver, String provider, Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require(provider))
        .clock(clock).random(new FixedRandom()).meterRegistry(new SimpleMeterRegistry())
        .observationRegistry(registry);
    if (driver == Driver.BLOCKING) {
      b.sleeper((duration, token) -> clock.advance(duration));
    } else {
      b.scheduler(scheduler);
    }
    custom.accept(b);
    return b.build();
  }

  private CallResult<String> call(Driver driver, ShippingPolicy policy, RequestSnapshot request,
      ScriptedTransport transport) throws Throwable {
    if (driver == Driver.BLOCKING) {
      return policy.execute(request, transport);
    }
    CompletableFuture<CallResult<String>> future = policy.executeAsync(request, EngineScenarios.async(transport));
    scheduler.runUntilIdle();
    try {
      return future.join();
    } catch (CompletionException e) {
      throw e.getCause();
    }
  }

  private static ScriptedTransport clickpostPollStory() {
    return new ScriptedTransport().then(200, meta(202)).then(200, meta(102)).then(200, meta(102))
        .then(200, meta(323));
  }

  /** The Clickpost story an operator must be able to read from a trace: 202, 102, 102, then 323. */
  private static final String CLICKPOST_TREE = ObservationTree.CLICKPOST_POLL_STORY;

  @ParameterizedTest
  @EnumSource(Driver.class)
  void clickpostPollStoryIsOneCallWithFourAttemptsAndThreePollWaits(Driver driver) throws Throwable {
    // given
    ShippingPolicy policy = policy(driver, "clickpost", b -> { });

    // when
    CallResult<String> result = call(driver, policy, post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"),
        clickpostPollStory());

    // then
    assertThat(result.attempts()).isEqualTo(4);
    assertThat(recorder.tree()).isEqualTo(CLICKPOST_TREE);
    ShippingCallContext call = recorder.only(ShippingCallContext.class);
    assertThat(call.getLowCardinalityKeyValues()).extracting(KeyValue::getKey).containsExactlyInAnyOrder(
        "provider", "operation", "outcome", "decision", "code", "exception");
    assertThat(call.getLowCardinalityKeyValue("provider").getValue()).isEqualTo("clickpost");
    assertThat(call.getLowCardinalityKeyValue("operation").getValue()).isEqualTo("create-order");
    assertThat(call.getHighCardinalityKeyValue("url").getValue())
        .as("the secret key= never reaches a trace").isEqualTo("https://www.clickpost.in/api/v3/create-order/?username=***&key=***");
    assertThat(recorder.all(ShippingWaitContext.class)).allSatisfy(w -> {
      assertThat(w.getLowCardinalityKeyValue("cause").getValue()).isEqualTo("poll");
      assertThat(w.getHighCardinalityKeyValue("planned").getValue()).isEqualTo("PT10S");
    });
    assertThat(recorder.all(ShippingAttemptContext.class)).extracting(a -> a.getContextualName())
        .containsExactly("clickpost create-order attempt", "clickpost create-order poll",
            "clickpost create-order poll", "clickpost create-order poll");
    assertThat(registry).hasNumberOfObservationsWithNameEqualTo("shipping.resilience.attempt", 4)
        .hasNumberOfObservationsWithNameEqualTo("shipping.resilience.wait", 3)
        .doesNotHaveAnyRemainingCurrentObservation();
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void retryWithBackoffIsAnAttemptABackoffWaitAndAnAttempt(Driver driver) throws Throwable {
    // given
    ShippingPolicy policy = policy(driver, "generic-http", b -> { });

    // when
    call(driver, policy, RequestSnapshot.of("GET", GENERIC), new ScriptedTransport().then(408, "").then(200, "ok"));

    // then
    assertThat(recorder.tree()).isEqualTo(String.join("\n",
        "call generic-http other outcome=succeeded decision=SUCCEED code=none exception=none attempts=2 polls=0",
        "  attempt #1 poll 0 GET outcome=answered decision=RETRY code=none scope=generic-http/host:carrier.example",
        "  wait backoff PT0.25S before #2 poll 0 outcome=waited",
        "  attempt #2 poll 0 GET outcome=answered decision=SUCCEED code=none scope=generic-http/host:carrier.example"));
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void aReconcileLookupIsAnAttemptOfKindReconcile(Driver driver) throws Throwable {
    // given: a label create whose answer is lost, then the lookup finds the label
    ShippingPolicy policy = policy(driver, "aftership-shipping", b -> { });
    ScriptedTransport transport = new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
        .then(200, "{\"meta\":{\"code\":200},\"data\":{\"labels\":[{\"id\":\"L1\",\"status\":\"created\"}]}}");

    // when
    CallResult<String> result = call(driver, policy,
        post("https://api.aftership.com/postmen/v3/labels", "{\"order_number\":\"O1\"}"), transport);

    // then
    assertThat(result.classification().reason()).startsWith("reconciled: ");
    List<ShippingAttemptContext> attempts = recorder.all(ShippingAttemptContext.class);
    assertThat(attempts).extracting(ShippingAttemptContext::kind).containsExactly("attempt", "reconcile");
    assertThat(attempts.get(1).getLowCardinalityKeyValue("kind").getValue()).isEqualTo("reconcile");
    assertThat(attempts.get(1).url()).endsWith("/postmen/v3/labels?order_number=O1");
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void transportFailureIsRecordedOnItsAttemptRedacted(Driver driver) throws Throwable {
    // given: a timeout whose message names the secret URL, as some transports' do
    ShippingPolicy policy = policy(driver, "clickpost", b -> { });
    ScriptedTransport transport = new ScriptedTransport()
        .thenFail(new SocketTimeoutException("timeout on " + CLICKPOST_CREATE)).then(200, meta(200));

    // when
    call(driver, policy, post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"), transport);

    // then
    ShippingAttemptContext failed = recorder.all(ShippingAttemptContext.class).get(0);
    assertThat(failed.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("io_error");
    assertThat(failed.getLowCardinalityKeyValue("code").getValue()).isEqualTo("io");
    assertThat(failed.getLowCardinalityKeyValue("exception").getValue()).isEqualTo("SocketTimeoutException");
    assertThat(failed.getError()).isNotNull();
    assertThat(failed.getError().getMessage()).contains("SocketTimeoutException").doesNotContain("key=K");
    assertThat(failed.getError().getStackTrace()).isEmpty();
    assertThat(recorder.only(ShippingCallContext.class).getError()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void breakerOpenCallRecordsTheErrorAndHasNoAttempt(Driver driver) throws Throwable {
    // given: two failures open a breaker of two calls
    ShippingPolicy policy = policy(driver, "generic-http",
        b -> b.maxAttempts(1).breaker(50, 2, 2, Duration.ofMinutes(1), 1));
    for (int i = 0; i < 2; i++) {
      call(driver, policy, RequestSnapshot.of("GET", GENERIC), new ScriptedTransport().then(503, ""));
    }
    recorder.clear();

    // when
    assertThatThrownBy(() -> call(driver, policy, RequestSnapshot.of("GET", GENERIC),
        new ScriptedTransport().then(200, "ok"))).isInstanceOf(BreakerOpenException.class);

    // then
    assertThat(recorder.tree()).isEqualTo("call generic-http other outcome=breaker_open decision=none code=none"
        + " exception=BreakerOpenException attempts=0 polls=0");
    assertThat(recorder.only(ShippingCallContext.class).getError()).hasMessageContaining("BreakerOpenException");
  }

  @Test
  void blockingAndAsyncDriversGiveTheSameTree() throws Throwable {
    List<String> trees = new ArrayList<>();
    for (Driver driver : Driver.values()) {
      recorder.clear();
      ShippingPolicy policy = policy(driver, "clickpost", b -> { });
      call(driver, policy, post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"), clickpostPollStory());
      call(driver, policy, post(CLICKPOST_CREATE, "{}"), new ScriptedTransport().then(200, meta(328)));
      trees.add(recorder.tree());
    }
    assertThat(trees.get(1)).isEqualTo(trees.get(0)).startsWith(CLICKPOST_TREE)
        .contains("call clickpost create-order outcome=failed decision=FAIL code=328");
  }

  @Test
  void aGlobalConventionInTheRegistryReplacesTheDefault() throws Throwable {
    // given: what an application registers (in Spring Boot, as a bean) to drop the URL
    final class WithoutUrl extends DefaultShippingCallConvention
        implements GlobalObservationConvention<ShippingCallContext> {
      @Override
      public KeyValues getHighCardinalityKeyValues(ShippingCallContext context) {
        return super.getHighCardinalityKeyValues(context).and("url", "-");
      }
    }
    registry.observationConfig().observationConvention(new WithoutUrl());
    ShippingPolicy policy = policy(Driver.BLOCKING, "clickpost", b -> { });

    // when
    call(Driver.BLOCKING, policy, post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"),
        new ScriptedTransport().then(200, meta(200)));

    // then
    ShippingCallContext call = recorder.only(ShippingCallContext.class);
    assertThat(call.getHighCardinalityKeyValue("url").getValue()).isEqualTo("-");
    assertThat(call.getHighCardinalityKeyValue("attempts").getValue()).isEqualTo("1");
  }

  @Nested
  class Scopes {
    @Test
    void blockingCallNestsUnderTheCallersObservationAndTheTransportUnderItsAttempt() throws Throwable {
      // given
      ShippingPolicy policy = policy(Driver.BLOCKING, "clickpost", b -> { });
      List<String> currentDuringSend = new CopyOnWriteArrayList<>();
      ScriptedTransport transport = new ScriptedTransport().then(r -> {
        currentDuringSend.add(current());
        return clickpostAnswer(r.poll() == 0 ? 202 : 323);
      });
      Observation caller = Observation.start("caller", registry);

      // when
      try (Observation.Scope scope = caller.openScope()) {
        policy.execute(post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"), transport);
      } finally {
        caller.stop();
      }

      // then
      assertThat(parentName(recorder.only(ShippingCallContext.class))).isEqualTo("caller");
      assertThat(currentDuringSend).containsExactly("attempt #1 poll 0", "attempt #1 poll 1");
      assertThat(registry).doesNotHaveAnyRemainingCurrentObservation();
    }

    @Test
    void asyncCallsParentIsTheObservationCurrentAtExecuteAsync() {
      // given
      ShippingPolicy policy = policy(Driver.ASYNC, "clickpost", b -> { });
      List<String> currentDuringSend = new CopyOnWriteArrayList<>();
      AsyncAttempt<String> attempt = r -> {
        currentDuringSend.add(current());
        try {
          return CompletableFuture.completedFuture(new ScriptedTransport()
              .then(200, meta(r.poll() == 0 ? 202 : 323)).send(r));
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
      };
      Observation caller = Observation.start("caller", registry);

      // when: the later attempt runs on the scheduler, after the caller's scope closed
      CompletableFuture<CallResult<String>> future;
      try (Observation.Scope scope = caller.openScope()) {
        future = policy.executeAsync(post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"), attempt);
      }
      scheduler.runUntilIdle();
      caller.stop();

      // then
      assertThat(future).isCompleted();
      assertThat(parentName(recorder.only(ShippingCallContext.class))).isEqualTo("caller");
      assertThat(recorder.all(ShippingAttemptContext.class)).allSatisfy(
          a -> assertThat(parentName(a)).isEqualTo("clickpost create-order"));
      assertThat(currentDuringSend).containsExactly("attempt #1 poll 0", "attempt #1 poll 1");
      assertThat(registry).doesNotHaveAnyRemainingCurrentObservation();
    }
  }

  @Nested
  class Cancellation {
    @Test
    void cancellingAnAsyncCallInAWaitEndsTheWaitAndTheCallWithTheError() {
      // given: Clickpost answers 102, the call waits 10 s to poll
      ShippingPolicy policy = policy(Driver.ASYNC, "clickpost", b -> { });
      CompletableFuture<CallResult<String>> future = policy.executeAsync(
          post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"),
          EngineScenarios.async(new ScriptedTransport().then(200, meta(102))));
      assertThat(scheduler.queued()).isEqualTo(1);

      // when
      future.cancel(true);

      // then
      assertThat(recorder.tree()).isEqualTo(String.join("\n",
          "call clickpost create-order outcome=cancelled decision=POLL code=102 exception=CallCancelledException"
              + " attempts=1 polls=1",
          "  attempt #1 poll 0 POST outcome=answered decision=POLL code=102 scope=clickpost",
          "  wait poll PT10S before #1 poll 1 outcome=cancelled"));
      ShippingWaitContext wait = recorder.only(ShippingWaitContext.class);
      assertThat(wait.getError()).hasMessageContaining("CallCancelledException");
      assertThat(wait.getLowCardinalityKeyValue("exception").getValue()).isEqualTo("CallCancelledException");
      assertThat(recorder.only(ShippingCallContext.class).getError()).isNotNull();
      assertThat(recorder.stoppedCount()).isEqualTo(3);
    }

    @Test
    void cancellingAnAsyncCallWithAnAttemptInFlightAbandonsTheAttempt() {
      // given: an attempt whose answer never comes
      ShippingPolicy policy = policy(Driver.ASYNC, "clickpost", b -> { });
      CompletableFuture<CallResult<String>> future = policy.executeAsync(
          post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"), r -> new CompletableFuture<>());

      // when
      future.cancel(true);

      // then
      assertThat(recorder.tree()).isEqualTo(String.join("\n",
          "call clickpost create-order outcome=cancelled decision=none code=none exception=CallCancelledException"
              + " attempts=1 polls=0",
          "  attempt #1 poll 0 POST outcome=abandoned decision=none code=none scope=none"));
      assertThat(recorder.only(ShippingAttemptContext.class).getError()).isNotNull();
    }
  }

  @Nested
  class WithoutARegistry {
    @Test
    void anUnobservedCallMakesNoObservationAndAllocatesNothingForThem() throws IOException {
      // given: the default (NOOP) and a registry without a handler (isNoop) must both take the unobserved path
      ShippingPolicy plain = ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost")).clock(clock)
          .random(new FixedRandom()).meterRegistry(new SimpleMeterRegistry()).build();
      ShippingPolicy noHandlers = ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost"))
          .clock(clock).random(new FixedRandom()).meterRegistry(new SimpleMeterRegistry())
          .observationRegistry(ObservationRegistry.create()).build();
      ShippingPolicy observed = policy(Driver.BLOCKING, "clickpost", b -> { });
      RequestSnapshot request = post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}");
      // a transport that keeps nothing (ScriptedTransport records every request: its list would grow)
      ResponseSnapshot answer = clickpostAnswer(200);
      ProviderResponse<String> response = new ProviderResponse<>() {
        @Override
        public ResponseSnapshot snapshot() {
          return answer;
        }

        @Override
        public String unwrap() {
          return "ok";
        }

        @Override
        public void close() {}
      };
      Attempt<String> ok = r -> response;

      // when
      long plainBytes = leastBytes(plain, request, ok);
      long noHandlerBytes = leastBytes(noHandlers, request, ok);
      long observedBytes = leastBytes(observed, request, ok);

      // then
      assertThat(noHandlerBytes).isEqualTo(plainBytes);
      assertThat(observedBytes).as("an observed call does allocate its observations")
          .isGreaterThan(plainBytes + 1_000);
      System.out.printf("bytes per call: unobserved %d, observed %d%n", plainBytes, observedBytes);
    }

    private long leastBytes(ShippingPolicy policy, RequestSnapshot request, Attempt<String> transport)
        throws IOException {
      for (int i = 0; i < 500; i++) {
        policy.execute(request, transport);
      }
      long least = Long.MAX_VALUE;
      for (int i = 0; i < 20; i++) {
        least = Math.min(least, Allocations.bytesAllocatedBy(() -> {
          try {
            policy.execute(request, transport);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }));
      }
      return least;
    }
  }

  /** The attempt current on this thread, as {@code attempt #1 poll 0}. */
  private String current() {
    Observation.ContextView current = registry.getCurrentObservation().getContextView();
    return current instanceof ShippingAttemptContext a ? "attempt #" + a.attempt() + " poll " + a.poll()
        : current.getName();
  }

  private static ResponseSnapshot clickpostAnswer(int status) {
    return ResponseSnapshot.of(200, HeaderValues.empty(),
        meta(status).getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
  }

  private static String parentName(Observation.Context context) {
    ObservationView parent = context.getParentObservation();
    if (parent == null) {
      return "(none)";
    }
    Observation.ContextView view = parent.getContextView();
    return view.getContextualName() != null ? view.getContextualName() : view.getName();
  }
}
