package dev.shippingresilience;

import dev.shippingresilience.event.AttemptEvent;
import dev.shippingresilience.event.DecisionEvent;
import dev.shippingresilience.event.ReconcileEvent;
import dev.shippingresilience.event.WaitEvent;
import dev.shippingresilience.internal.BodyDecoding;
import dev.shippingresilience.internal.ClassifierCore;
import dev.shippingresilience.internal.EpochNanos;
import dev.shippingresilience.internal.Extraction;
import dev.shippingresilience.internal.ExtractionPlan;
import dev.shippingresilience.internal.ProfileModel.IdempotencyKeySpec;
import dev.shippingresilience.internal.ProfileModel.OperationSpec;
import dev.shippingresilience.internal.ProfileModel.PollSpec;
import dev.shippingresilience.internal.ProfileModel.ScopeSource;
import dev.shippingresilience.internal.ProfileSyntax;
import dev.shippingresilience.internal.RateLimitHeaders;
import dev.shippingresilience.internal.Reconciliation;
import dev.shippingresilience.internal.ScopedBreaker;
import dev.shippingresilience.internal.StreamingExtractor;
import dev.shippingresilience.spi.AnnouncedWindow;
import dev.shippingresilience.spi.RateLimit;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of one logical call, each in one place, in precedence order with one comment each. Given what just
 * happened (the start, a wait that ended, a response, a transport failure, a cancellation), it decides what happens
 * next ({@link Next}) and leaves the details in its state: the request to send, how long to wait and why, the result
 * to return or the exception to throw.
 *
 * <p>It never sends, sleeps nor schedules: {@link BlockingCall} and {@link AsyncCall} carry its steps out, so a test
 * can drive it with no transport and no sleeper. It does keep the policy's shared state (breakers, retry budget,
 * pauses and permits, meters, listener events) as the rules fire, reading the time from the settings' clock.
 *
 * <p>One instance per call; not thread-safe: a driver hands it one event at a time, each after the last one returned
 * (the asynchronous driver under a lock). After {@link Next#RETURN} or {@link Next#THROW} it takes no more events.
 */
final class CallRules<R> {
  private static final Logger LOG = LoggerFactory.getLogger(ShippingPolicy.ENGINE_LOGGER);

  /** Recorded as the breaker's error for BREAK responses; stackless, shared. */
  private static final Exception UPSTREAM_UNHEALTHY = new Exception("upstream unhealthy", null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  /** What the driver does next. */
  enum Next {
    /** Send {@link #request()}, then report {@link #answered} or {@link #failed}. */
    SEND,
    /** Wait {@link #delay()} (its cause is {@link #waitCause()}), then report {@link #waited()}. */
    WAIT,
    /** The call ends with {@link #result()}. */
    RETURN,
    /** The call ends by throwing {@link #failure()}. */
    THROW
  }

  /** Where the call goes on once a wait ends. */
  private enum After {
    /** Take a rate-limit permit (after waiting out a pause). */
    PERMIT,
    /** Check the pause again (after waiting for a permit). */
    PAUSE_AFTER_PERMIT,
    /** Pass the breakers and send. */
    GATE,
    /** Start the next attempt or poll from the top. */
    NEXT_ATTEMPT
  }

  private final CallSettings settings;
  private final RequestSnapshot request;
  private final CallOptions options;
  /** Whether a thread blocks for this call, so that its interruption cancels the call. */
  private final boolean blocking;
  private @Nullable CancellationToken token;
  /** When the call started, in nanoseconds since the epoch by the policy's clock (see {@link EpochNanos}). */
  private final long startNanos;
  private final Instant deadlineAt;
  /** {@link #deadlineAt} in nanoseconds since the epoch: the hot path compares times without making objects. */
  private final long deadlineNanos;
  private final @Nullable OperationSpec operation;
  private final String operationName;
  private final @Nullable String idempotencyKey;
  /** The request body as the profile reads it (carriers, business key), or {@code null}: read once per call. */
  private final @Nullable Extraction requestRead;
  /** Whether the request carries its operation's business key, so the provider deduplicates a repeat. */
  private final boolean businessKeyPresent;
  /** Headers of refreshed credentials, sent on every later attempt and poll; empty until a refresh. */
  private Map<String, String> freshCredentials = Map.of();
  /** Whether this call refreshed its credentials already: a second expiry ends it. */
  private boolean refreshed;
  /** The key of this operation's own pause, when a rule of the profile pauses an operation; else null. */
  private final @Nullable String operationPauseKey;
  private final boolean idempotent;
  /** The breaker scopes passed before each send: the provider's, the carrier's (if any), the operation's. */
  private final String[] gateScopes;
  /** The key of this call's rate limit and pause: the policy's account, per host for the generic fallback. */
  private final String account;
  /** This call's rate limit, its operation's own or the provider's, or {@code null} for none. */
  private final @Nullable RateLimit rateLimit;
  /** The key of {@link #rateLimit}'s bucket: the account, or the account's bucket of the operation. */
  private final String limitKey;

  private int sends;
  private int retries;
  private int polls;
  private @Nullable Instant pollStart;
  private Duration waited = Duration.ZERO;
  /** How long this call has waited for open breakers so far (bounded by the policy's breakerWait). */
  private Duration breakerWaited = Duration.ZERO;
  private @Nullable Classification last;
  /** Earlier transport failures, attached as suppressed to the one that ends the call; created at the first. */
  private @Nullable List<Throwable> failures;
  private AttemptRequest next;
  /** The last RETRY or BREAK answer, open while this call waits to send again; closed once it sends. */
  private @Nullable ProviderResponse<R> held;
  private @Nullable Classification heldClassification;
  /** Why a RETRY or BREAK answer ended the call: a closed set, used as the calls meter's outcome tag. */
  private String stopReason = "retries_exhausted";
  /** The breakers whose permits the attempt in flight holds: the first {@link #permits} of them. */
  private final ScopedBreaker[] acquired;
  private int permits;
  /** When the attempt in flight was sent, in nanoseconds since the epoch. */
  private long sentAtNanos;
  private After after = After.NEXT_ATTEMPT;
  /** The call's observations, or {@code null} when the policy observes nothing (then none is made). */
  private final @Nullable CallObservation observation;
  /**
   * While a reconcile lookup is under way: the error that lost the create's answer, handed back unless the lookup
   * proves found or absent; {@code null} otherwise.
   */
  private @Nullable IOException lostAnswer;
  /** While a reconcile lookup is under way: the create's attempt whose answer was lost, sent again if absent. */
  private @Nullable AttemptRequest lostAttempt;

  // what the last step decided
  private Duration delay = Duration.ZERO;
  private String waitCause = "";
  private @Nullable CallResult<R> result;
  /** The response {@link #result} unwrapped, kept so that a result nobody will read can be discarded. */
  private @Nullable ProviderResponse<R> resultResponse;
  private @Nullable IOException failure;

  /**
   * Starts the rules of one call.
   *
   * @param blocking {@code true} when a thread blocks for the call: its interruption then cancels the call
   */
  CallRules(CallSettings settings, RequestSnapshot request, CallOptions options, boolean blocking) {
    this.settings = settings;
    this.request = request;
    this.options = options;
    this.blocking = blocking;
    this.token = options.cancellation();
    Instant start = settings.clock.instant();
    this.startNanos = EpochNanos.of(start);
    this.sentAtNanos = startNanos;
    this.deadlineAt = start.plus(options.deadline() != null ? options.deadline() : settings.deadline);
    this.deadlineNanos = EpochNanos.of(deadlineAt);
    ProviderProfile profile = settings.profile;
    String named = options.operation();
    this.operation = named != null ? profile.compiled().operationNamed(named)
        : profile.compiled().operationFor(request.method(), ResponseClassifier.rawPath(request));
    this.operationName = named != null ? named : operation != null ? operation.name() : Classification.OTHER_OPERATION;
    // The operation's own key header beats the policy's.
    IdempotencyKeySpec operationKey = operation == null ? null : operation.idempotencyKey();
    String keyHeader = operationKey != null ? operationKey.header() : settings.idempotencyKeyHeader;
    String key = options.idempotencyKey();
    if (key == null && keyHeader != null) {
      // the caller set the key header on the request itself: that key makes the POST repeatable
      String own = request.headers().first(keyHeader);
      key = own == null || own.isBlank() ? null : own.strip();
    }
    boolean generate = operationKey != null
        ? operationKey.generate() && (operationKey.required() || !request.idempotentMethod())
        : settings.automaticIdempotencyKey && !request.idempotentMethod();
    if (key == null && generate) {
      key = UUID.randomUUID().toString();
    }
    this.idempotencyKey = keyHeader == null ? null : key;
    // Why the call is refused before anything is sent (a required idempotency key it cannot add), thrown by start().
    // Kept in the failure field, not a field of its own: a call's rules stay as small as before observations.
    this.failure = key != null || operationKey == null || !operationKey.required() ? null
        : new ShippingCallException("provider " + profile.id() + ": refused before sending: operation "
            + operationName + " requires an " + keyHeader + " header, the request has none and the profile does not"
            + " let the engine make one (set CallOptions.idempotencyKey or the header)", profile.id(), null, 0, null);
    // the request body is read once, for the business key here and the carrier before each send and in each answer
    this.requestRead = profile.readRequest(operation, request, settings.classifier.peekLimit());
    ScopeSource businessKey = operation == null ? null : operation.businessKey();
    String businessKeyValue = businessKey == null ? null : profile.businessKey(operation, request, requestRead);
    this.businessKeyPresent = businessKeyValue != null && !businessKeyValue.isBlank();
    this.idempotent = request.idempotentMethod();
    String carrier = settings.classifier.requestCarrier(profile, request, options.carrier(), requestRead);
    // The generic fallback serves unrelated hosts: each host gets its own breakers, pause and rate limit.
    String hostScope = profile.compiled().hostScope(request);
    // (strings built per call only for a host of the generic fallback)
    boolean oneHost = hostScope.isEmpty();
    String providerScope = oneHost ? profile.id() : profile.id() + hostScope;
    this.account = oneHost ? settings.account : settings.account + hostScope;
    String operationScope = oneHost ? settings.operationScope(operationName)
        : providerScope + "/operation:" + operationName;
    this.gateScopes = carrier == null ? new String[] {providerScope, operationScope}
        : new String[] {providerScope, providerScope + "/carrier:" + carrier, operationScope};
    this.acquired = new ScopedBreaker[gateScopes.length];
    this.operationPauseKey = settings.operationPauses ? account + "/operation:" + operationName : null;
    // An operation with a rate limit of its own takes its permits from its bucket (reads counted apart).
    CallSettings.Bucket bucket = settings.bucket(operationName);
    this.rateLimit = bucket != null ? bucket.limit() : settings.rateLimit;
    this.limitKey = bucket == null ? account : oneHost ? bucket.key() : account + "/bucket:" + bucket.name();
    Map<String, String> extra = idempotencyKey == null ? Map.of() : Map.of(keyHeader, idempotencyKey);
    this.next = new AttemptRequest(1, 0, request, extra);
    // last: a call whose rules could not be made has no observation to stop
    this.observation = CallObservation.begin(settings, operationName, request);
  }

  // ---- what the driver reads after a step -------------------------------------------------------------------

  /** The request to send ({@link Next#SEND}), told the time left until the deadline. */
  AttemptRequest request() {
    return next;
  }

  /** How long to wait ({@link Next#WAIT}); positive. */
  Duration delay() {
    return delay;
  }

  /** Why the engine waits ({@link Next#WAIT}): a {@link WaitEvent#cause()}. */
  String waitCause() {
    return waitCause;
  }

  /** The call's result ({@link Next#RETURN}). */
  CallResult<R> result() {
    return result;
  }

  /** What the call throws ({@link Next#THROW}). */
  IOException failure() {
    return failure;
  }

  /** The token a blocking wait watches: the caller's, or one made for this call (nobody else can cancel it). */
  CancellationToken token() {
    if (token == null) {
      token = CancellationToken.create();
    }
    return token;
  }

  /** The call's observations, for the drivers' scopes; {@code null} when the policy observes nothing. */
  @Nullable CallObservation observation() {
    return observation;
  }

  // ---- events -----------------------------------------------------------------------------------------------

  /** The call starts. */
  Next start() {
    try {
      // A required idempotency key the engine may not make: nothing is sent without it.
      if (failure != null) {
        stopReason = "refused";
        throw failure;
      }
      checkCancelled();
      return beforeAttempt();
    } catch (IOException e) {
      return fail(e);
    }
  }

  /** The wait asked for by the last {@link Next#WAIT} ended. */
  Next waited() {
    try {
      checkCancelled();
      if (observation != null) {
        observation.waitEnded();
      }
      return resume(after);
    } catch (IOException e) {
      return fail(e);
    }
  }

  /**
   * The transport answered the request of the last {@link Next#SEND}. A classifier that throws (never expected: it
   * is bounded and total) returns the breakers' permits and closes the response before the exception leaves.
   */
  Next answered(ProviderResponse<R> response) {
    Classification c;
    ResponseSnapshot snapshot;
    try {
      snapshot = response.snapshot();
      RequestSnapshot classified = next.original() ? request
          : RequestSnapshot.of(next.method(), next.uri(), request.headers(), null);
      // A poll request built by the profile (GET /labels/{id}) is classified as its own operation.
      c = settings.classifier.classify(settings.profile, classified, snapshot,
          next.original() ? operationName : options.operation(), options.carrier(),
          next.original() ? requestRead : null);
    } catch (RuntimeException | Error e) {
      releasePermits();
      response.close();
      throw e;
    }
    try {
      return lostAnswer != null ? reconciled(response, c, snapshot) : decide(response, c, snapshot);
    } catch (IOException e) {
      return fail(e);
    }
  }

  /** The transport failed to answer the request of the last {@link Next#SEND}. */
  Next failed(IOException e) {
    try {
      return onTransportFailure(e);
    } catch (IOException thrown) {
      return fail(thrown);
    }
  }

  /**
   * The call was cancelled while it waited or while an attempt was in flight (the attempt's permits go back: a
   * cancelled attempt says nothing about the upstream).
   *
   * @param interrupted whether its thread was interrupted (the driver restored the flag)
   */
  Next cancelled(boolean interrupted) {
    releasePermits();
    return fail(new CallCancelledException(settings.profile.id(), last, sends, interrupted));
  }

  /**
   * The call stops on an exception that is not the rules' (a {@link RuntimeException} or {@link Error} out of the
   * transport, the classifier or a driver): the breakers' permits go back and the held answer is closed. Safe to call
   * more than once.
   *
   * @param crash what stopped the call
   */
  void abandon(Throwable crash) {
    releasePermits();
    closeHeld();
    if (observation != null) {
      observation.ended("abandoned", last, codeTag(last), sends, polls, crash,
          new RedactedFailure(settings.profile.redaction().text(crash.toString())));
    }
  }

  /** Closes the response of the {@link #result()} when nobody will read it (a call cancelled just as it ended). */
  void discardResult() {
    if (resultResponse != null) {
      resultResponse.close();
    }
  }

  // ---- the path of an attempt -------------------------------------------------------------------------------

  private Next resume(After then) throws IOException {
    switch (then) {
      case PERMIT:
        return permit();
      case PAUSE_AFTER_PERMIT:
        return pauseAfterPermit();
      case GATE:
        return gate();
      default:
        checkCancelled();
        return beforeAttempt();
    }
  }

  private Next beforeAttempt() throws IOException {
    // No request may reach the provider while its account is paused by a rate limit.
    Duration pause = pauseLeft();
    return pause != null ? waitFor(pause, "pause", After.PERMIT) : permit();
  }

  private Next permit() throws IOException {
    // The window the provider announced, then the client-side rate limit: take a permit from each, waiting for the
    // later one when either is spent.
    if (rateLimit == null && !settings.learnWindow) {
      return gate();
    }
    long remaining = deadlineNanos - nowNanos();
    Duration maxWait = remaining <= 0 ? Duration.ZERO : Duration.ofNanos(remaining);
    Duration wait = settings.learnWindow ? settings.limits.acquireLearned(account, maxWait, sends > 0)
        : Duration.ZERO;
    if (wait == null) {
      throw new DeadlineExceededException(settings.profile.id(), last, sends,
          "waiting for the provider's rate-limit window", null);
    }
    if (wait.isNegative()) {
      // the windows ahead are taken by calls under way: ask again when the current one ends
      return waitFor(wait.negated(), "rate_limit", After.PERMIT);
    }
    if (rateLimit != null) {
      Duration limiterWait = settings.limits.acquire(limitKey, rateLimit, maxWait);
      if (limiterWait == null) {
        throw new DeadlineExceededException(settings.profile.id(), last, sends, "waiting for the rate limiter",
            null);
      }
      wait = limiterWait.compareTo(wait) > 0 ? limiterWait : wait;
    }
    return wait.compareTo(Duration.ZERO) > 0 ? waitFor(wait, "rate_limit", After.PAUSE_AFTER_PERMIT) : gate();
  }

  private Next pauseAfterPermit() throws IOException {
    // A 429 seen by another caller while this one waited for its permit paused the account: no request may reach
    // the provider during a pause, so wait it out before sending (the permit is kept).
    Duration pause = pauseLeft();
    return pause != null ? waitFor(pause, "pause", After.GATE) : gate();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Now by the policy's clock, in nanoseconds since the epoch. */
  private long nowNanos() {
    return EpochNanos.now(settings.clock);
  }

  private Next gate() throws IOException {
    // No attempt starts at or after the deadline.
    long timeLeft = deadlineNanos - nowNanos();
    if (timeLeft <= 0) {
      throw new DeadlineExceededException(settings.profile.id(), last, sends, "before the next attempt", null);
    }
    next = next.withTimeLeft(Duration.ofNanos(timeLeft));
    try {
      acquirePermits();
    } catch (BreakerOpenException e) {
      if (held != null && heldClassification != null && !settings.throwOnFailure) {
        // A breaker opened while this call waited to retry: hand back the provider's last answer.
        ProviderResponse<R> r = held;
        held = null;
        stopReason = "breaker_opened";
        return done(r, heldClassification);
      }
      // No answer to hand back: a call that may wait for the breaker's next trial checks again shortly, as a
      // refused call sent nothing and can always be sent later (ShippingPolicy.Builder.breakerWait).
      Duration step = min(settings.initialBackoff, settings.breakerWait.minus(breakerWaited));
      if (step.compareTo(Duration.ZERO) > 0 && fitsDeadline(step)) {
        breakerWaited = breakerWaited.plus(step);
        return waitFor(step, "breaker", After.GATE);
      }
      throw e;
    }
    closeHeld();
    sends++;
    if (next.poll() > 0) {
      settings.metrics.poll(operationName);
    }
    if (settings.listening) {
      // events (and the redacted URL) are built only for a listener
      safely(() -> settings.listener.onAttempt(new AttemptEvent(settings.profile.id(), operationName,
          next.attempt(), next.poll(), next.method(), settings.profile.redaction().url(next.uri().toString()))));
    }
    sentAtNanos = nowNanos();
    if (observation != null) {
      observation.attemptStarted(settings, operationName, next, lostAnswer != null);
    }
    return Next.SEND;
  }

  /** Asks the driver to wait {@code wait} for {@code cause}, then go on at {@code then}; no wait goes on at once. */
  private Next waitFor(Duration wait, String cause, After then) throws IOException {
    if (wait.isZero() || wait.isNegative()) {
      return resume(then);
    }
    if (settings.listening) {
      safely(() -> settings.listener.onWait(new WaitEvent(settings.profile.id(), operationName, wait, cause)));
    }
    settings.metrics.wait(operationName, cause, wait);
    if (observation != null) {
      observation.waitStarted(settings, operationName, cause, wait, next);
    }
    waited = waited.plus(wait);
    delay = wait;
    waitCause = cause;
    after = then;
    return Next.WAIT;
  }

  private Next done(ProviderResponse<R> response, Classification c) {
    result = new CallResult<>(response.unwrap(), c, sends, polls, waited);
    resultResponse = response;
    closeHeld();
    String outcome = outcomeOf(c);
    finish(outcome);
    if (observation != null) {
      observation.ended(outcome, c, codeTag(c), sends, polls, null, null);
    }
    return Next.RETURN;
  }

  private Next fail(IOException e) {
    closeHeld();
    if (lostAnswer != null && e != lostAnswer && !(e instanceof CallCancelledException)) {
      // The lookup could not be sent or answered (breaker open, deadline, pause, transport failure): nothing was
      // proven, so the create's own error is handed back, the lookup's attached.
      e = lookupProvedNothing(e);
    }
    lostAnswer = null;
    failure = e;
    String outcome = outcomeOf(e);
    finish(outcome);
    if (observation != null) {
      observation.ended(outcome, last, codeTag(last), sends, polls, e, redactedCopy(e));
    }
    return Next.THROW;
  }

  private String outcomeOf(Classification c) {
    switch (c.decision()) {
      case SUCCEED:
        return c.duplicate() ? "duplicate" : "succeeded";
      case FAIL:
        return "failed";
      case POLL:
        return "pending";
      default:
        return stopReason;
    }
  }

  private String outcomeOf(IOException e) {
    if (e instanceof BreakerOpenException) {
      return "breaker_open";
    } else if (e instanceof PollTimeoutException) {
      return "poll_timeout";
    } else if (e instanceof DeadlineExceededException) {
      return "deadline_exceeded";
    } else if (e instanceof CallCancelledException) {
      return "cancelled";
    } else if (e instanceof ShippingCallException) {
      return last != null && last.decision() == Decision.FAIL ? "failed" : stopReason;
    }
    return "io_error";
  }

  private void finish(String outcome) {
    settings.metrics.call(operationName, outcome, nowNanos() - startNanos);
  }

  private void closeHeld() {
    if (held != null) {
      ProviderResponse<R> r = held;
      held = null;
      heldClassification = null;
      r.close();
    }
  }

  // ---- gate -------------------------------------------------------------------------------------------------

  private void acquirePermits() throws BreakerOpenException {
    for (int i = 0; i < gateScopes.length; i++) {
      String scope = gateScopes[i];
      if (settings.shareBreakerHints) {
        Instant hinted = settings.limits.openHint(scope);
        if (hinted != null && hinted.isAfter(settings.clock.instant())) {
          // Another instance saw this scope's breaker open: skip a round of failures.
          releasePermits();
          throw new BreakerOpenException(settings.profile.id(), scope, last, sends);
        }
      }
      ScopedBreaker cb = i == 0 ? settings.breakers.get(scope) : settings.breakers.existing(scope);
      if (cb == null) {
        continue;
      }
      // An open breaker fails the call fast, with no network traffic.
      if (!cb.tryAcquirePermission()) {
        releasePermits();
        throw new BreakerOpenException(settings.profile.id(), scope, last, sends);
      }
      acquired[permits++] = cb;
    }
  }

  /** Returns the permits of the attempt in flight, if any. */
  private void releasePermits() {
    for (int i = 0; i < permits; i++) {
      acquired[i].releasePermission();
      acquired[i] = null;
    }
    permits = 0;
  }

  private void record(Classification c, long nanos) {
    boolean scopeRecorded = false;
    for (int i = 0; i < permits; i++) {
      ScopedBreaker cb = acquired[i];
      acquired[i] = null;
      scopeRecorded |= cb.getName().equals(c.scope());
      switch (c.decision()) {
        // SUCCEED and POLL prove the upstream healthy.
        case SUCCEED, POLL -> cb.onSuccess(nanos);
        // BREAK counts only against the breaker of its scope.
        case BREAK -> {
          if (cb.getName().equals(c.scope())) {
            cb.onError(nanos, UPSTREAM_UNHEALTHY);
          } else {
            cb.releasePermission();
          }
        }
        // RETRY and FAIL never count against a breaker.
        default -> cb.releasePermission();
      }
    }
    permits = 0;
    if (c.decision() == Decision.BREAK && !scopeRecorded) {
      ScopedBreaker cb = settings.breakers.get(c.scope());
      if (cb.tryAcquirePermission()) {
        cb.onError(nanos, UPSTREAM_UNHEALTHY);
      }
    }
  }

  // ---- outcomes ---------------------------------------------------------------------------------------------

  private Next onTransportFailure(IOException e) throws IOException {
    long nanos = nowNanos() - sentAtNanos;
    for (int i = 0; i < permits; i++) {
      // A transport failure (reset, timeout) counts against the provider's breaker only.
      if (i == 0) {
        acquired[i].onError(nanos, redactedCopy(e));
      } else {
        acquired[i].releasePermission();
      }
      acquired[i] = null;
    }
    permits = 0;
    settings.budget(account).onFailure();
    settings.metrics.attempt(operationName, Decision.BREAK.name(), "io");
    if (observation != null) {
      observation.attemptFailed(e, redactedCopy(e));
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} attempt {} failed: {}", settings.profile.id(), operationName, sends,
          settings.profile.redaction().text(e.toString()));
    }
    // An interrupted blocking call ends with the interruption, flag kept.
    if (blocking && e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
      lostAnswer = null;
      throw e;
    }
    checkCancelled();
    if (lostAnswer != null) {
      // The lookup itself failed (reset, timeout): nothing proven, the create's error goes back (see fail).
      throw e;
    }
    if (nowNanos() >= deadlineNanos) {
      // the transport gave the attempt only the time left (AttemptRequest.timeLeft), and it ran out
      throw new DeadlineExceededException(settings.profile.id(), last, sends, "during attempt " + sends, e);
    }
    boolean notSent = e instanceof ConnectException || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException;
    // A request that never reached the server, or one safe to repeat, may be sent again; a POST that may have
    // been processed is not repeated behind the caller's back.
    boolean safe = (notSent && options.bodyRepeatable()) || repeatable();
    if (!safe && !notSent && next.original()) {
      // The create may have been processed: ask the provider, if the operation says how, before anything else.
      Reconciliation lookup = settings.profile.reconciliation(operation);
      if (lookup != null) {
        return reconcile(lookup, e);
      }
    }
    if (!safe || retries + 1 >= settings.maxAttempts || !settings.budget(account).allowsRetry()) {
      throw withEarlierFailures(e);
    }
    return retryAfterFailure(e, next.numbered(next.attempt() + (next.poll() > 0 ? 0 : 1), next.poll()));
  }

  /** Sends {@code again} after a backoff, {@code e} kept for the exception that may end the call later. */
  private Next retryAfterFailure(IOException e, AttemptRequest again) throws IOException {
    Duration wait = backoffDelay();
    if (!fitsDeadline(wait)) {
      throw new DeadlineExceededException(settings.profile.id(), last, sends, "with no time left to retry", e);
    }
    if (failures == null) {
      failures = new ArrayList<>(2);
    }
    failures.add(e);
    retries++;
    next = again;
    return waitFor(wait, "backoff", After.NEXT_ATTEMPT);
  }

  // ---- reconcile --------------------------------------------------------------------------------------------

  /**
   * The create's answer was lost ({@code e}, after sending): sends the operation's lookup to learn whether it was
   * processed, or, when the request lacks a variable of the lookup, hands {@code e} back saying why.
   */
  private Next reconcile(Reconciliation lookup, IOException e) throws IOException {
    Reconciliation.Lookup built = lookup.lookup(request.uri(), request.body(), settings.classifier.peekLimit());
    if (built.uri() == null) {
      reconciled("not_possible", "no lookup: the request carries no " + built.missing());
      e.addSuppressed(new RedactedFailure("not reconciled: the request carries no " + built.missing()
          + ", a variable of the operation's reconcile lookup"));
      throw withEarlierFailures(e);
    }
    lostAnswer = e;
    lostAttempt = next;
    // not a poll, not the original: method and URL of their own, the original headers (credentials) go along
    next = new AttemptRequest(next.attempt(), 0, false, lookup.method(), built.uri(), freshCredentials);
    // the same gate as any send: pause, rate limit, breakers, deadline (a refusal hands e back, see fail)
    return beforeAttempt();
  }

  /** The lookup answered ({@code c} as its own classification): found, absent or unknown. */
  private Next reconciled(ProviderResponse<R> response, Classification c, ResponseSnapshot snapshot)
      throws IOException {
    answeredAttempt(c);
    Reconciliation lookup = settings.profile.reconciliation(operation);
    BodyDecoding.Decoded body = ClassifierCore.readableBody(snapshot, settings.classifier.peekLimit()).fromStart();
    Reconciliation.Verdict verdict = lookup == null ? Reconciliation.Verdict.UNKNOWN
        : lookup.verdict(snapshot.status(), body.bytes(), body.length());
    IOException lost = lostAnswer;
    AttemptRequest create = lostAttempt;
    switch (verdict) {
      case FOUND -> {
        lostAnswer = null;
        String reason = "reconciled: the create's answer was lost (" + lost.getClass().getSimpleName()
            + "), and the lookup found it at " + lookup.foundText();
        reconciled("found", reason);
        settings.budget(account).onSuccess();
        return done(response, new Classification(settings.profile.id(), operationName, snapshot.status(), c.code(),
            Decision.SUCCEED, reason, null, c.scope(), true, false, List.of()));
      }
      case ABSENT -> {
        response.close();
        lostAnswer = null;
        // Absence is proven: the create may be sent again, as a retry (attempts, budget, backoff and deadline hold).
        if (!options.bodyRepeatable() || retries + 1 >= settings.maxAttempts
            || !settings.budget(account).allowsRetry()) {
          reconciled("absent", "the lookup found nothing, but no attempt is left to send the create again");
          lost.addSuppressed(new RedactedFailure("not sent again: the lookup found nothing, but no attempt is left"));
          throw withEarlierFailures(lost);
        }
        reconciled("absent", "the lookup found nothing: the create is sent again");
        return retryAfterFailure(lost, create.numbered(create.attempt() + 1, 0));
      }
      default -> {
        response.close();
        String why = "the lookup proved nothing (HTTP " + snapshot.status() + ", decision " + c.decision() + ")";
        reconciled("unknown", why);
        lostAnswer = null;
        lost.addSuppressed(new RedactedFailure("not reconciled: " + why));
        throw withEarlierFailures(lost);
      }
    }
  }

  /** The lookup could not be sent or answered ({@code e}): returns the create's own error, {@code e} attached. */
  private IOException lookupProvedNothing(IOException e) {
    IOException lost = lostAnswer;
    String why = "the lookup failed: " + settings.profile.redaction().text(e.toString());
    reconciled("unknown", why);
    lost.addSuppressed(new RedactedFailure("not reconciled: " + why));
    return withEarlierFailures(lost);
  }

  /** Counts a reconcile and tells the listener. */
  private void reconciled(String outcome, String reason) {
    settings.metrics.reconcile(operationName, outcome);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} reconcile {}: {}", settings.profile.id(), operationName, outcome, reason);
    }
    if (settings.listening) {
      safely(() -> settings.listener.onReconcile(new ReconcileEvent(settings.profile.id(), operationName, outcome,
          reason)));
    }
  }

  /** A stackless copy of {@code e} whose message went through the profile's redaction, for the breaker's logs. */
  private Exception redactedCopy(IOException e) {
    return new RedactedFailure(settings.profile.redaction().text(e.toString()));
  }

  /** A transport failure as the breaker records it: redacted text, no stack. */
  private static final class RedactedFailure extends IOException {
    private static final long serialVersionUID = 1L;

    RedactedFailure(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** The attempt in flight was answered with {@code c}: breakers, meters, observation and listener hear of it. */
  private void answeredAttempt(Classification c) {
    long nanos = nowNanos() - sentAtNanos;
    record(c, nanos);
    String codeTag = codeTag(c);
    settings.metrics.attempt(operationName, c.decision().name(), codeTag);
    if (observation != null) {
      observation.attemptAnswered(c, codeTag);
    }
    if (settings.listening) {
      safely(() -> settings.listener.onDecision(new DecisionEvent(c, next.attempt(), next.poll())));
    }
  }

  private Next decide(ProviderResponse<R> response, Classification c, ResponseSnapshot snapshot)
      throws IOException {
    last = c;
    answeredAttempt(c);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} {}", request.method(), settings.profile.redaction().url(request.uri().toString()),
          c.summary());
    }
    boolean windowLearned = settings.learnWindow && learnWindow(snapshot);
    boolean throttled = pauseProviderIfLimited(c, snapshot, windowLearned);

    switch (c.decision()) {
      case SUCCEED -> {
        settings.budget(account).onSuccess();
        return done(response, c);
      }
      case FAIL -> {
        // Expired credentials, once per call: refresh them and send again at once, even a POST (not processed).
        if (c.credentialsExpired() && settings.credentialsRefresher != null && !refreshed
            && (!next.original() || options.bodyRepeatable())) {
          return refreshCredentials(response, c);
        }
        // FAIL: the caller must change something; the first response is handed back untouched.
        return failOrReturn(response, c, c.credentialsExpired() && refreshed
            ? "FAIL (the credentials expired again after a refresh)" : "FAIL");
      }
      case POLL -> {
        settings.budget(account).onSuccess();
        return poll(response, c, snapshot);
      }
      default -> {
        // RETRY and BREAK: send again while attempts, budget, breaker and deadline allow and repeating is safe.
        // A provider's "not processed, come back at T" (429 with a reset) is throttling, which the pause already
        // honours for every caller: it does not drain the budget, which guards against failure amplification.
        if (!(c.decision() == Decision.RETRY && c.notProcessed() && c.retryAfter() != null)) {
          settings.budget(account).onFailure();
        }
        return retry(response, c, throttled);
      }
    }
  }

  private Next failOrReturn(ProviderResponse<R> response, Classification c, String what)
      throws ShippingCallException {
    if (settings.throwOnFailure) {
      response.close();
      String provider = settings.profile.id();
      ShippingCallException e = new ShippingCallException(
          ShippingCallException.describe(provider, c, sends, what), provider, c, sends, null);
      if (failures != null) {
        failures.forEach(e::addSuppressed);
      }
      throw e;
    }
    return done(response, c);
  }

  /** Asks the policy's refresher for fresh credentials and sends the request again with them. */
  private Next refreshCredentials(ProviderResponse<R> response, Classification c) throws IOException {
    refreshed = true;
    Map<String, String> fresh;
    try {
      fresh = settings.credentialsRefresher.refresh(request, c);
    } catch (IOException e) {
      response.close();
      throw withEarlierFailures(e);
    }
    if (fresh == null || fresh.isEmpty()) {
      return failOrReturn(response, c, "FAIL (the credentials expired and the refresher had none)");
    }
    for (Map.Entry<String, String> h : fresh.entrySet()) {
      String value = h.getValue();
      if (h.getKey() == null || ProfileSyntax.headerNameProblem(h.getKey()) != null || value == null
          || value.chars().anyMatch(ch -> ch == '\r' || ch == '\n' || ch == 0)) {
        // never the value: it is a credential
        response.close();
        throw new ShippingCallException("provider " + settings.profile.id() + ": the credentialsRefresher returned "
            + "an invalid header (" + (h.getKey() == null ? "no name" : "'" + ProfileSyntax.shown(h.getKey()) + "'")
            + ": the name must be an HTTP token and the value one line)", settings.profile.id(), c, sends, null);
      }
    }
    Map<String, String> credentials = new LinkedHashMap<>(freshCredentials);
    credentials.putAll(fresh);
    freshCredentials = credentials;
    response.close();
    Map<String, String> extra = new LinkedHashMap<>(next.extraHeaders());
    extra.putAll(fresh);
    next = new AttemptRequest(next.attempt() + 1, next.poll(), next.original(), next.method(), next.uri(), extra);
    return resume(After.NEXT_ATTEMPT);
  }

  private Next retry(ProviderResponse<R> response, Classification c, boolean throttled) throws IOException {
    if (!(repeatable() || (c.notProcessed() && options.bodyRepeatable()))) {
      stopReason = "not_repeatable";
      ScopeSource key = operation == null ? null : operation.businessKey();
      return failOrReturn(response, c, c.decision() + " (not repeated: the request is not safe to send again"
          + (key != null && !businessKeyPresent && options.bodyRepeatable() ? "; it carries no " + key.location()
          + ", the operation's business key" : "") + ")");
    }
    if (retries + 1 >= settings.maxAttempts) {
      return failOrReturn(response, c, c.decision().name());
    }
    if (!settings.budget(account).allowsRetry()) {
      stopReason = "budget_exhausted";
      return failOrReturn(response, c, c.decision() + " (retry budget exhausted)");
    }
    ScopedBreaker scopeBreaker = settings.breakers.existing(c.scope());
    if (scopeBreaker != null && scopeBreaker.getState() == CircuitBreaker.State.OPEN) {
      // The breaker of this scope just opened: stop here and hand back the provider's answer.
      stopReason = "breaker_opened";
      return failOrReturn(response, c, c.decision() + " (circuit breaker " + c.scope() + " opened)");
    }
    Duration hint = c.retryAfter();
    Duration wait;
    String cause;
    if (hint != null) {
      // The provider's own hint beats backoff; never retry earlier than it asked.
      if (hint.compareTo(settings.maxRetryAfter) > 0) {
        stopReason = "wait_too_long";
        return failOrReturn(response, c, c.decision() + " (asked to wait " + hint + ", beyond maxRetryAfter)");
      }
      // A throttled caller resumes with the others paused by the same reset, spread over a little time.
      wait = throttled ? spreadAfterReset(hint) : hint;
      cause = "retry_after";
    } else {
      wait = backoffDelay();
      cause = "backoff";
    }
    // A wait beyond the remaining deadline is not waited: the call finishes with the response.
    if (!fitsDeadline(wait)) {
      stopReason = "wait_too_long";
      return failOrReturn(response, c, c.decision() + " (the wait would pass the deadline)");
    }
    // Held through the wait: if a breaker opens meanwhile, this answer is what the caller gets (closed otherwise).
    held = response;
    heldClassification = c;
    retries++;
    next = next.numbered(next.attempt() + 1, next.poll());
    return waitFor(wait, cause, After.NEXT_ATTEMPT);
  }

  private Next poll(ProviderResponse<R> response, Classification c, ResponseSnapshot snapshot) throws IOException {
    Instant now = settings.clock.instant();
    if (pollStart == null) {
      pollStart = now;
    }
    PollSpec spec = operation == null ? null : operation.poll();
    AttemptRequest pollRequest;
    if (spec != null && next.original()) {
      // The profile builds the poll request from the pending body (GET /labels/{id}).
      URI uri = pollUri(spec, snapshot);
      if (uri == null) {
        throw pollTimedOut(response, c, snapshot, "a poll request could not be built (no "
            + String.join(", ", spec.variables().values()) + " in the pending body)");
      }
      pollRequest = new AttemptRequest(next.attempt(), polls + 1, false, spec.method(), uri, freshCredentials);
    } else if (next.original() && !repeatable()) {
      // Polling would repeat a request that is not safe to repeat: hand back the pending answer.
      return done(response, c);
    } else {
      pollRequest = next.numbered(next.attempt(), polls + 1);
    }
    // Polling stops at maxPolls, ...
    if (polls >= settings.maxPolls) {
      throw pollTimedOut(response, c, snapshot, "maxPolls (" + settings.maxPolls + ")");
    }
    // ... waits the poll interval, or longer when the provider asks for longer, ...
    Duration wait = settings.pollInterval;
    if (c.retryAfter() != null && c.retryAfter().compareTo(wait) > 0) {
      wait = c.retryAfter();
    }
    // ... and never polls beyond maxPollDuration or the call's deadline.
    if (Duration.between(pollStart, now.plus(wait)).compareTo(settings.maxPollDuration) > 0) {
      throw pollTimedOut(response, c, snapshot, "maxPollDuration (" + settings.maxPollDuration + ")");
    }
    if (!fitsDeadline(wait)) {
      throw pollTimedOut(response, c, snapshot, "the call deadline");
    }
    response.close();
    polls++;
    next = pollRequest;
    return waitFor(wait, "poll", After.NEXT_ATTEMPT);
  }

  /**
   * The polling of a call ends on {@code limit}: the exception, which keeps the pending snapshot, is made before the
   * response closes (a snapshot that reads a transport's buffer in place is copied then).
   */
  private PollTimeoutException pollTimedOut(ProviderResponse<R> response, Classification c,
      ResponseSnapshot snapshot, String limit) {
    PollTimeoutException e = new PollTimeoutException(settings.profile.id(), c, snapshot, sends, polls, limit);
    response.close();
    return e;
  }

  private @Nullable URI pollUri(PollSpec spec, ResponseSnapshot snapshot) {
    ExtractionPlan plan = settings.pollPlan(spec);
    // the same bytes the classifier read: decoded, within the peek limit
    BodyDecoding.Decoded body = ClassifierCore.readableBody(snapshot, settings.classifier.peekLimit()).fromStart();
    var extraction = StreamingExtractor.extract(body.bytes(), body.length(), plan);
    String path = spec.pathTemplate();
    for (Map.Entry<String, String> v : spec.variables().entrySet()) {
      String value = extraction.value(v.getValue());
      if (value == null || value.isEmpty()) {
        return null;
      }
      path = path.replace("{" + v.getKey() + "}", Reconciliation.encode(value));
    }
    // Keep the original path's prefix (e.g. /postmen/v3) before the template's first segment, and its query.
    return Reconciliation.derived(request.uri(), spec.pathTemplate(), path, null);
  }

  // ---- rules ------------------------------------------------------------------------------------------------

  private boolean repeatable() {
    if (!next.original()) {
      // A profile-built poll request (GET /labels/{id}) has no body and is as safe as its method.
      return RequestSnapshot.of(next.method(), next.uri(), HeaderValues.empty(), null).idempotentMethod();
    }
    if (!options.bodyRepeatable()) {
      // A body that can be written once (a stream, a one-shot or duplex body) is never sent twice.
      return false;
    }
    // GET, HEAD, PUT, DELETE, OPTIONS may be repeated; a POST only with an idempotency key or when the
    // provider deduplicates the operation by a business key: always (Clickpost create-order by reference_number,
    // repeatSafe) or when the request carries it (an operation's businessKey).
    return idempotent || options.safeToRepeat() || idempotencyKey != null
        || (operation != null && operation.repeatSafe()) || businessKeyPresent;
  }

  private Duration backoffDelay() {
    long ceiling = settings.backoff.apply(retries + 1);
    // Full jitter: a uniformly random wait up to the exponential ceiling.
    return Duration.ofMillis((long) (settings.random.nextDouble() * ceiling));
  }

  private boolean fitsDeadline(Duration wait) {
    return !settings.clock.instant().plus(wait).isAfter(deadlineAt);
  }

  private String codeTag(@Nullable Classification c) {
    if (c == null || c.code() == null) {
      return "none";
    }
    var compiled = settings.profile.compiled();
    boolean inTable = compiled.codes().containsKey(c.code())
        || (operation != null && operation.codes().containsKey(c.code()));
    return inTable ? c.code() : "other";
  }

  /** Hands the window the answer announces, if any, to the limits; returns whether they took it. */
  private boolean learnWindow(ResponseSnapshot snapshot) {
    AnnouncedWindow window = RateLimitHeaders.announcedWindow(snapshot.headers(), settings.clock);
    return window != null && settings.limits.learnWindow(account, window);
  }

  /**
   * Pauses the account until the reset when {@code c} is throttling; returns whether it did. An answer that only
   * says its window is spent pauses nobody when the limits took the window: the pacing holds the callers back.
   */
  private boolean pauseProviderIfLimited(Classification c, ResponseSnapshot snapshot, boolean windowLearned) {
    Duration hint = c.retryAfter();
    if (hint == null || hint.isZero()) {
      return false;
    }
    // A 429 or an exhausted rate-limit window pauses every caller of this account (the whole fleet with shared
    // limits) until the reset, not just the call that saw it.
    if (c.httpStatus() == 429 || !windowLearned && RateLimitHeaders.remainingExhausted(snapshot.headers())
        || (c.decision() == Decision.RETRY && c.notProcessed())) {
      // At most maxRetryAfter: a mangled header ("come back in ten years") must not shut the account for good;
      // past it, the next caller asks again and a real, long reset pauses the account once more.
      Duration pause = hint.compareTo(settings.maxRetryAfter) > 0 ? settings.maxRetryAfter : hint;
      // A rule that pauses one operation (pauseUntil with scope operation) holds only that operation back.
      boolean operationOnly = operationPauseKey != null && c.scope().equals(gateScopes[gateScopes.length - 1]);
      settings.limits.pause(operationOnly ? operationPauseKey : account, settings.clock.instant().plus(pause));
      return true;
    }
    return false;
  }

  /** Returns how long the account's pause still holds sends back, spread after the reset; {@code null} if none. */
  private @Nullable Duration pauseLeft() throws DeadlineExceededException {
    Instant until = settings.limits.pausedUntil(account);
    if (operationPauseKey != null) {
      Instant operationUntil = settings.limits.pausedUntil(operationPauseKey);
      if (until == null || operationUntil != null && operationUntil.isAfter(until)) {
        until = operationUntil;
      }
    }
    if (until == null) {
      return null;
    }
    Duration left = Duration.between(settings.clock.instant(), until);
    if (left.isNegative() || left.isZero()) {
      return null;
    }
    // A pause that outlasts the deadline is not waited: the call ends now.
    if (!fitsDeadline(left)) {
      throw new DeadlineExceededException(settings.profile.id(), last, sends,
          "while the provider is paused by its rate limit for " + left, null);
    }
    return spreadAfterReset(left);
  }

  /**
   * Returns {@code untilReset} plus a random share of the pause jitter, so the callers held back by one reset do not
   * all meet the limit again at the same instant. The spread does not shrink with the wait: a 429 seen 20 ms before
   * a per-second window resets still needs its callers spread over the next window. Never earlier than the reset,
   * and never past the deadline.
   */
  private Duration spreadAfterReset(Duration untilReset) {
    long spreadNanos = settings.pauseJitter.toNanos();
    Duration jittered = untilReset.plusNanos((long) (settings.random.nextDouble() * spreadNanos));
    return fitsDeadline(jittered) ? jittered : untilReset;
  }

  private void checkCancelled() throws CallCancelledException {
    // An interrupted blocking call and a cancelled token end the call, before anything else is sent or waited.
    if (blocking && Thread.currentThread().isInterrupted()) {
      throw new CallCancelledException(settings.profile.id(), last, sends, true);
    }
    if (token != null && token.isCancelled()) {
      throw new CallCancelledException(settings.profile.id(), last, sends, false);
    }
  }

  private IOException withEarlierFailures(IOException e) {
    if (failures != null) {
      for (Throwable earlier : failures) {
        if (earlier != e) {
          e.addSuppressed(earlier);
        }
      }
    }
    return e;
  }

  /** Runs listener code; a listener that throws is logged and ignored. */
  static void safely(Runnable listenerCall) {
    try {
      listenerCall.run();
    } catch (RuntimeException | LinkageError | AssertionError e) {
      LOG.warn("shipping-resilience listener threw {}; ignored", e.getClass().getName());
    }
  }
}
