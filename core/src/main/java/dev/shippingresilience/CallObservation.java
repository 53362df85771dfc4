package dev.shippingresilience;

import dev.shippingresilience.observation.DefaultShippingAttemptConvention;
import dev.shippingresilience.observation.DefaultShippingCallConvention;
import dev.shippingresilience.observation.DefaultShippingWaitConvention;
import dev.shippingresilience.observation.ShippingAttemptContext;
import dev.shippingresilience.observation.ShippingCallContext;
import dev.shippingresilience.observation.ShippingObservations;
import dev.shippingresilience.observation.ShippingWaitContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The observations of one call: the call's, and the attempt or wait under way. Made only when the policy's
 * registry observes anything ({@link #begin} returns {@code null} otherwise, so an unobserved call allocates nothing
 * for them). {@link CallRules} reports what happens, so both drivers give the same tree; the drivers open the scopes
 * (the call's around a blocking call, an attempt's around the transport's {@code send}). Not thread-safe: used under
 * the rules' discipline (one step after the other).
 */
final class CallObservation {
  private static final DefaultShippingCallConvention CALL = new DefaultShippingCallConvention();
  private static final DefaultShippingAttemptConvention ATTEMPT = new DefaultShippingAttemptConvention();
  private static final DefaultShippingWaitConvention WAIT = new DefaultShippingWaitConvention();

  private final ObservationRegistry registry;
  private final ShippingCallContext callContext;
  private final Observation call;
  private @Nullable Observation attempt;
  private @Nullable ShippingAttemptContext attemptContext;
  private @Nullable Observation wait;
  private @Nullable ShippingWaitContext waitContext;
  private Observation.@Nullable Scope callScope;
  private boolean ended;
  private boolean stopped;

  private CallObservation(ObservationRegistry registry, ShippingCallContext context) {
    this.registry = registry;
    this.callContext = context;
    // the caller's current observation is the parent, named explicitly: an asynchronous call's later steps run on
    // other threads
    context.setParentObservation(registry.getCurrentObservation());
    this.call = Observation.createNotStarted(null, CALL, () -> context, registry).start();
  }

  /** Starts the call's observation; {@code null} when the policy's registry observes nothing. */
  static @Nullable CallObservation begin(CallSettings settings, String operation, RequestSnapshot request) {
    ObservationRegistry registry = settings.observations;
    if (registry.isNoop()) {
      return null;
    }
    return new CallObservation(registry, new ShippingCallContext(settings.profile.id(), operation, request.method(),
        settings.profile.redaction().url(request.uri().toString())));
  }

  /** Opens the call's scope on this thread (the blocking driver, for the whole call). */
  void openCallScope() {
    callScope = call.openScope();
  }

  /** Closes the call's scope, then stops the call's observation if the call ended meanwhile. */
  void closeCallScope() {
    if (callScope != null) {
      callScope.close();
      callScope = null;
    }
    stopIfEnded();
  }

  /** The attempt about to be sent (a reconcile lookup when {@code reconcile}): starts its observation. */
  void attemptStarted(CallSettings settings, String operation, AttemptRequest request, boolean reconcile) {
    ShippingAttemptContext context = new ShippingAttemptContext(settings.profile.id(), operation, request.attempt(),
        request.poll(), request.method(), settings.profile.redaction().url(request.uri().toString()),
        reconcile ? ShippingAttemptContext.KIND_RECONCILE
            : request.poll() > 0 ? ShippingAttemptContext.KIND_POLL : ShippingAttemptContext.KIND_ATTEMPT);
    context.setParentObservation(call);
    attemptContext = context;
    attempt = Observation.createNotStarted(null, ATTEMPT, () -> context, registry).start();
  }

  /** Opens the scope of the attempt in flight on this thread, around the transport's {@code send}. */
  Observation.@Nullable Scope openAttemptScope() {
    return attempt == null ? null : attempt.openScope();
  }

  /** The attempt was answered and classified. */
  void attemptAnswered(Classification c, String codeTag) {
    if (attempt != null && attemptContext != null) {
      attemptContext.classified(c);
      attemptContext.ended(ShippingAttemptContext.ANSWERED, c.decision().name(), codeTag, c.scope());
      stopAttempt(null);
    }
  }

  /** The attempt's transport failed; {@code redacted} is what the observation records as its error. */
  void attemptFailed(Throwable failure, Throwable redacted) {
    if (attempt != null && attemptContext != null) {
      attemptContext.ended(ShippingAttemptContext.IO_ERROR, Decision.BREAK.name(), "io", ShippingObservations.NONE);
      attemptContext.exception(failure.getClass().getSimpleName());
      stopAttempt(redacted);
    }
  }

  private void stopAttempt(@Nullable Throwable error) {
    Observation a = attempt;
    attempt = null;
    attemptContext = null;
    if (a != null) {
      if (error != null) {
        a.error(error);
      }
      a.stop();
    }
  }

  /** A wait begins, before the send of {@code next}. */
  void waitStarted(CallSettings settings, String operation, String cause, Duration planned, AttemptRequest next) {
    ShippingWaitContext context = new ShippingWaitContext(settings.profile.id(), operation, cause, planned,
        next.attempt(), next.poll());
    context.setParentObservation(call);
    waitContext = context;
    wait = Observation.createNotStarted(null, WAIT, () -> context, registry).start();
  }

  /** The wait ran its course. */
  void waitEnded() {
    stopWait(ShippingWaitContext.WAITED, null, null);
  }

  private void stopWait(String outcome, @Nullable Throwable failure, @Nullable Throwable redacted) {
    Observation w = wait;
    ShippingWaitContext context = waitContext;
    wait = null;
    waitContext = null;
    if (w != null && context != null) {
      context.ended(outcome);
      if (failure != null && redacted != null) {
        context.exception(failure.getClass().getSimpleName());
        w.error(redacted);
      }
      w.stop();
    }
  }

  /**
   * The call ended: an attempt in flight or a wait under way ends with it (with the error, if any), then the call's
   * observation records how it ended and stops, unless the driver still holds its scope (then at
   * {@link #closeCallScope}). Only the first report counts.
   *
   * @param failure what the call throws, or {@code null}
   * @param redacted the redacted copy of {@code failure} the observations record
   */
  void ended(String outcome, @Nullable Classification last, String codeTag, int sends, int polls,
      @Nullable Throwable failure, @Nullable Throwable redacted) {
    if (ended) {
      return;
    }
    ended = true;
    if (attempt != null && attemptContext != null) {
      attemptContext.ended(ShippingAttemptContext.ABANDONED, ShippingObservations.NONE, ShippingObservations.NONE,
          ShippingObservations.NONE);
      if (failure != null) {
        attemptContext.exception(failure.getClass().getSimpleName());
      }
      stopAttempt(redacted);
    }
    stopWait(ShippingWaitContext.CANCELLED, failure, redacted);
    callContext.ended(outcome, last == null ? ShippingObservations.NONE : last.decision().name(), codeTag, sends,
        polls);
    if (failure != null && redacted != null) {
      callContext.exception(failure.getClass().getSimpleName());
      call.error(redacted);
    }
    stopIfEnded();
  }

  private void stopIfEnded() {
    if (ended && callScope == null && !stopped) {
      stopped = true;
      call.stop();
    }
  }
}
