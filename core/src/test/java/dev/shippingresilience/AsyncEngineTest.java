package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.testing.EngineScenarios;
import dev.shippingresilience.testing.EngineScenarios.Engine;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ScriptedTransport;
import dev.shippingresilience.testing.VirtualTimeScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The shared engine scenarios through the asynchronous driver ({@link ShippingPolicy#executeAsync}), then what only
 * an asynchronous call has: a future to cancel, attempts answered on other threads, and waits that hold no thread.
 */
class AsyncEngineTest extends EngineScenarioTest {
  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler(clock);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Override
  Engine engine() {
    return EngineScenarios.ASYNC;
  }

  private ShippingPolicy policy(String provider, Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require(provider))
        .clock(clock).scheduler(scheduler).meterRegistry(meters).random(new FixedRandom());
    custom.accept(b);
    return b.build();
  }

  private static RequestSnapshot get() {
    return RequestSnapshot.of("GET", EngineScenarios.GENERIC);
  }

  /** An attempt whose answers the test gives later, as a transport answering on its own thread would. */
  private static final class PendingAttempts implements AsyncAttempt<String> {
    final List<CompletableFuture<ProviderResponse<String>>> sent = new ArrayList<>();
    final ScriptedTransport answers = new ScriptedTransport();

    @Override
    public CompletableFuture<ProviderResponse<String>> send(AttemptRequest request) {
      CompletableFuture<ProviderResponse<String>> answer = new CompletableFuture<>();
      sent.add(answer);
      return answer;
    }

    /** Answers the last attempt sent with {@code status} and {@code body}. */
    void answer(int status, String body) throws Exception {
      ScriptedTransport one = new ScriptedTransport().then(status, body);
      sent.get(sent.size() - 1).complete(one.send(new AttemptRequest(1, 0, true, "GET",
          java.net.URI.create(EngineScenarios.GENERIC), java.util.Map.of())));
    }
  }

  @Nested
  class Cancellation {
    @Test
    void cancellingDuringAWaitSendsNothingMoreAndClosesTheHeldAnswer() {
      // given: a call waiting to retry a 503, its answer held
      ShippingPolicy policy = policy("generic-http", b -> { });
      ScriptedTransport transport = new ScriptedTransport().then(503, "busy").then(200, "ok");
      CompletableFuture<CallResult<String>> call = policy.executeAsync(get(), EngineScenarios.async(transport));
      assertThat(scheduler.queued()).isEqualTo(1);
      assertThat(transport.leaked()).as("held through the wait").isEqualTo(1);

      // when
      assertThat(call.cancel(true)).isTrue();

      // then: the wait is gone, nothing more is sent, the held answer is closed and the call counted as cancelled
      assertThat(scheduler.queued()).isZero();
      scheduler.runUntilIdle();
      assertThat(transport.sends()).isEqualTo(1);
      assertThat(transport.leaked()).isZero();
      assertThat(call).isCancelled();
      assertThat(meters.get(ShippingMeters.CALLS).tag("outcome", "cancelled").timer().count()).isEqualTo(1);
    }

    @Test
    void cancellingInFlightCancelsTheAttemptsStageAndReturnsTheHalfOpenBreakersPermit() throws Exception {
      // given: a half-open breaker with one trial permit, taken by an attempt in flight
      ShippingPolicy policy = policy("generic-http", b -> b.maxAttempts(1).breaker(50, 2, 2, Duration.ofSeconds(1),
          1));
      for (int i = 0; i < 2; i++) {
        policy.executeAsync(get(), EngineScenarios.async(new ScriptedTransport().then(503, "")));
      }
      clock.advance(Duration.ofSeconds(2));
      PendingAttempts pending = new PendingAttempts();
      CompletableFuture<CallResult<String>> call = policy.executeAsync(get(), pending);
      assertThat(policy.breakerStates()).containsEntry("generic-http/host:carrier.example", "HALF_OPEN");

      // when
      call.cancel(true);

      // then: the attempt's stage was cancelled, and the trial permit went back: the next trial is let through
      assertThat(pending.sent.get(0)).isCancelled();
      ScriptedTransport healthy = new ScriptedTransport().then(200, "ok");
      assertThat(policy.executeAsync(get(), EngineScenarios.async(healthy)).join().succeeded()).isTrue();
      assertThat(policy.breakerStates()).containsEntry("generic-http/host:carrier.example", "CLOSED");
    }

    @Test
    void anAnswerThatStillArrivesAfterTheCancellationIsClosed() throws Exception {
      // given: a transport whose attempts cannot be cancelled
      ShippingPolicy policy = policy("generic-http", b -> { });
      CompletableFuture<ProviderResponse<String>> uncancellable = new CompletableFuture<>() {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
          return false;
        }
      };
      CompletableFuture<CallResult<String>> call = policy.executeAsync(get(), request -> uncancellable);
      call.cancel(true);

      // when: its answer comes anyway
      ScriptedTransport answers = new ScriptedTransport().then(200, "ok");
      uncancellable.complete(answers.send(new AttemptRequest(1, 0, true, "GET", get().uri(), java.util.Map.of())));

      // then: nobody will read it, so the engine closed it
      assertThat(answers.leaked()).isZero();
      assertThat(call).isCancelled();
    }

    @Test
    void completingTheFutureFromOutsideEndsTheCallLikeACancellation() {
      // given: a Clickpost create-order that is polling
      ShippingPolicy policy = policy("clickpost", b -> { });
      ScriptedTransport transport = new ScriptedTransport().then(200, EngineScenarios.meta(102));
      CompletableFuture<CallResult<String>> call = policy.executeAsync(
          EngineScenarios.post(EngineScenarios.CLICKPOST_CREATE, "{}"), EngineScenarios.async(transport));
      assertThat(scheduler.queued()).isEqualTo(1);

      // when: what orTimeout does when its time is up
      call.completeExceptionally(new TimeoutException());

      // then
      scheduler.runUntilIdle();
      assertThat(transport.sends()).isEqualTo(1);
      assertThat(scheduler.delays()).hasSize(1);
      assertThatThrownBy(call::join).hasCauseInstanceOf(TimeoutException.class);
    }
  }

  @Nested
  class Transports {
    @Test
    void aSuccessThatNeedsNoWaitSchedulesNothing() {
      ShippingPolicy policy = policy("generic-http", b -> { });
      CallResult<String> result = policy.executeAsync(get(),
          EngineScenarios.async(new ScriptedTransport().then(200, "ok"))).join();
      assertThat(result.succeeded()).isTrue();
      assertThat(scheduler.delays()).isEmpty();
      assertThat(scheduler.queued()).isZero();
    }

    @Test
    void aFailureWrappedInACompletionExceptionIsReadAsTheTransportsFailure() {
      // a POST that never reached the server (ConnectException) may be sent again: the wrapper is looked through
      ShippingPolicy policy = policy("aftership-shipping", b -> { });
      ScriptedTransport transport = new ScriptedTransport()
          .then(200, "{\"meta\":{\"code\":200},\"data\":{\"status\":\"created\"}}");
      List<AttemptRequest> sent = new ArrayList<>();
      CompletableFuture<CallResult<String>> call = policy.executeAsync(
          EngineScenarios.post(EngineScenarios.AFTERSHIP_LABELS, "{}"), request -> {
            sent.add(request);
            return sent.size() == 1
                ? CompletableFuture.failedFuture(new CompletionException(new ConnectException("refused")))
                : EngineScenarios.async(transport).send(request);
          });
      scheduler.runUntilIdle();
      assertThat(call.join().succeeded()).isTrue();
      assertThat(sent).hasSize(2);
    }

    @Test
    void aRuntimeExceptionFromTheAttemptEndsTheCallWithIt() {
      ShippingPolicy policy = policy("generic-http", b -> { });
      CompletableFuture<CallResult<String>> call = policy.executeAsync(get(), request -> {
        throw new IllegalStateException("adapter bug");
      });
      assertThatThrownBy(call::get).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void theTransportsOwnCancellationEndsTheCallAsCancelled() throws Exception {
      ShippingPolicy policy = policy("generic-http", b -> { });
      PendingAttempts pending = new PendingAttempts();
      CompletableFuture<CallResult<String>> call = policy.executeAsync(get(), pending);
      pending.sent.get(0).cancel(true);
      assertThatThrownBy(call::join).hasCauseInstanceOf(CallCancelledException.class);
    }

    @Test
    void answersOnAnotherThreadGoOnFromThere() throws Exception {
      ShippingPolicy policy = policy("generic-http", b -> { });
      PendingAttempts pending = new PendingAttempts();
      CompletableFuture<CallResult<String>> call = policy.executeAsync(get(), pending);
      Thread answering = new Thread(() -> {
        try {
          pending.answer(503, "busy");
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      answering.start();
      answering.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(scheduler.queued()).as("the backoff, scheduled from the answering thread").isEqualTo(1);
      scheduler.runUntilIdle();
      pending.answer(200, "ok");
      assertThat(call.join().attempts()).isEqualTo(2);
    }

    @Test
    void anAnswerCompletingWhileItsCallbackIsRegisteredIsHandedBackOpen() {
      // given: an answer that completes just after the driver saw it pending (its callback then runs nested)
      ShippingPolicy policy = policy("generic-http", b -> { });
      java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
      ResponseSnapshot ok = ResponseSnapshot.of(200, HeaderValues.empty(), "ok");
      ProviderResponse<String> response = new ProviderResponse<>() {
        @Override
        public ResponseSnapshot snapshot() {
          return ok;
        }

        @Override
        public String unwrap() {
          return "ok";
        }

        @Override
        public void close() {
          closed.set(true);
        }
      };
      CompletableFuture<ProviderResponse<String>> racing = new CompletableFuture<>() {
        private boolean asked;

        @Override
        public boolean isDone() {
          if (!asked) {
            asked = true;
            return false;
          }
          return super.isDone();
        }
      };
      racing.complete(response);

      // when
      CallResult<String> result = policy.executeAsync(get(), request -> racing).join();

      // then: the caller got the response, still open for reading
      assertThat(result.response()).isEqualTo("ok");
      assertThat(closed).isFalse();
    }

    @Test
    void nullArgumentsAreRejectedAtOnce() {
      ShippingPolicy policy = policy("generic-http", b -> { });
      assertThatThrownBy(() -> policy.executeAsync(null, CallOptions.none(), r -> null))
          .isInstanceOf(NullPointerException.class).hasMessage("request");
      assertThatThrownBy(() -> policy.executeAsync(get(), null)).isInstanceOf(NullPointerException.class)
          .hasMessage("attempt");
    }
  }

  @Nested
  class Threads {
    private static final int CALLS = 1000;

    /** Returns {@code transport} as an attempt answered on {@code threads}, as OkHttp's dispatcher would. */
    private AsyncAttempt<String> answeredOn(java.util.concurrent.Executor threads, ScriptedTransport transport) {
      return request -> CompletableFuture.supplyAsync(() -> {
        try {
          return transport.send(request);
        } catch (java.io.IOException e) {
          throw new CompletionException(e);
        }
      }, threads);
    }

    /** Starts {@value #CALLS} Clickpost create-orders, each with its own reference number. */
    private List<CompletableFuture<CallResult<String>>> createOrders(ShippingPolicy policy,
        AsyncAttempt<String> attempt) {
      List<CompletableFuture<CallResult<String>>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(policy.executeAsync(EngineScenarios.post(EngineScenarios.CLICKPOST_CREATE,
            "{\"reference_number\":\"R" + i + "\"}"), attempt));
      }
      return calls;
    }

    /** Answers Clickpost create-order with 202, 102, 102 and then 323: three polls each. */
    private ScriptedTransport pollingThreeTimes() {
      return new ScriptedTransport().thenAnswer(r -> ResponseSnapshot.of(200, HeaderValues.empty(),
          EngineScenarios.meta(r.poll() == 0 ? 202 : r.poll() < 3 ? 102 : 323)));
    }

    @Test
    void thousandConcurrentPollingCallsOnAVirtualClockCompleteWithoutAThreadEach() throws Exception {
      // given: answers from a pool of four threads (as OkHttp's dispatcher would), waits on the virtual clock
      ThreadPoolExecutor transportThreads = (ThreadPoolExecutor) Executors.newFixedThreadPool(4);
      transportThreads.prestartAllCoreThreads();
      ShippingPolicy policy = policy("clickpost", b -> { });
      ScriptedTransport transport = pollingThreeTimes();
      AsyncAttempt<String> attempt = answeredOn(scheduler.tracking(transportThreads), transport);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      int before = threads.getThreadCount();
      threads.resetPeakThreadCount();
      try {
        // when
        List<CompletableFuture<CallResult<String>>> calls = createOrders(policy, attempt);
        scheduler.runUntilIdle();
        int added = threads.getPeakThreadCount() - before;
        System.out.println("[measured] " + CALLS + " concurrent async Clickpost create-orders polling 3 times on a "
            + "virtual clock: peak live threads added while they ran = " + added);

        // then
        assertThat(calls).allSatisfy(c -> {
          assertThat(c).isDone();
          CallResult<String> r = c.join();
          assertThat(r.duplicate()).isTrue();
          assertThat(r.polls()).isEqualTo(3);
        });
        assertThat(transport.sends()).isEqualTo(4 * CALLS);
        assertThat(transport.leaked()).isZero();
        assertThat(added).as("platform threads added (a count, not a time)").isLessThan(10);
      } finally {
        transportThreads.shutdownNow();
      }
    }

    @Test
    void thousandConcurrentPollingCallsOnTheDefaultSchedulerAddAtMostItsThreads() throws Exception {
      // given: the real clock and the shared default scheduler, polls 1 ns apart (scheduled, never slept)
      ExecutorService transportThreads = Executors.newFixedThreadPool(4);
      ((ThreadPoolExecutor) transportThreads).prestartAllCoreThreads();
      ShippingPolicy policy = ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost"))
          .meterRegistry(meters).pollInterval(Duration.ofNanos(1)).build();
      ScriptedTransport transport = pollingThreeTimes();
      AsyncAttempt<String> attempt = answeredOn(transportThreads, transport);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      int before = threads.getThreadCount();
      threads.resetPeakThreadCount();
      try {
        // when
        List<CompletableFuture<CallResult<String>>> calls = createOrders(policy, attempt);
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        int added = threads.getPeakThreadCount() - before;
        long schedulerThreads = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("shipping-resilience-scheduler-")).count();
        System.out.println("[measured] " + CALLS + " concurrent async Clickpost create-orders polling 3 times on the "
            + "default scheduler: peak live threads added = " + added + ", scheduler threads alive = "
            + schedulerThreads);

        // then
        assertThat(calls).allSatisfy(c -> assertThat(c.join().polls()).isEqualTo(3));
        assertThat(transport.leaked()).isZero();
        assertThat(schedulerThreads).isLessThanOrEqualTo(ShippingPolicy.DEFAULT_SCHEDULER_THREADS);
        assertThat(added).as("platform threads added (a count, not a time)").isLessThan(10);
      } finally {
        transportThreads.shutdownNow();
      }
    }

    @Test
    void theDefaultSchedulerRunsOnNamedDaemonThreads() throws Exception {
      Thread thread = AsyncCall.defaultScheduler().schedule(Thread::currentThread, 0, TimeUnit.NANOSECONDS)
          .get(10, TimeUnit.SECONDS);
      assertThat(thread.getName()).startsWith("shipping-resilience-scheduler-");
      assertThat(thread.isDaemon()).isTrue();
    }
  }

  @Test
  void aCancelledFutureReportsCancellationToItsReader() {
    ShippingPolicy policy = policy("generic-http", b -> { });
    CompletableFuture<CallResult<String>> call = policy.executeAsync(get(),
        EngineScenarios.async(new ScriptedTransport().then(503, "")));
    call.cancel(false);
    assertThatThrownBy(call::join).isInstanceOf(CancellationException.class);
  }
}
