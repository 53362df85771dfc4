package dev.shippingresilience;

import dev.shippingresilience.event.AttemptEvent;
import dev.shippingresilience.event.DecisionEvent;
import dev.shippingresilience.event.WaitEvent;
import dev.shippingresilience.internal.BodyDecoding;
import dev.shippingresilience.internal.ClassifierCore;
import dev.shippingresilience.internal.ExtractionPlan;
import dev.shippingresilience.internal.ProfileModel.OperationSpec;
import dev.shippingresilience.internal.ProfileModel.PollSpec;
import dev.shippingresilience.internal.RateLimitHeaders;
import dev.shippingresilience.internal.StreamingExtractor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry / poll loop of the library. One instance per logical call; not thread-safe (a call runs on one
 * thread). Rules in precedence order, one comment each.
 */
final class CallLoop<R> {
  private static final Logger LOG = LoggerFactory.getLogger(CallLoop.class);

  /** Recorded as the breaker's error for BREAK responses; stackless, shared. */
  private static final Exception UPSTREAM_UNHEALTHY = new Exception("upstream unhealthy", null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  private final ShippingPolicy policy;
  private final RequestSnapshot request;
  private final CallOptions options;
  private final Attempt<R> attempt;
  private final CancellationToken token;
  private final Instant start;
  private final Instant deadlineAt;
  private final @Nullable OperationSpec operation;
  private final String operationName;
  private final @Nullable String idempotencyKey;
  private final boolean idempotent;
  private final List<String> gateScopes;
  private final IntervalFunction backoff;
  /** The key of this call's rate limit and pause: the policy's account, per host for the generic fallback. */
  private final String account;

  private int sends;
  private int retries;
  private int polls;
  private @Nullable Instant pollStart;
  private Duration waited = Duration.ZERO;
  private @Nullable Classification last;
  private final List<Throwable> failures = new ArrayList<>();
  private AttemptRequest next;
  /** The last RETRY or BREAK answer, open while this call waits to send again; closed once it sends. */
  private @Nullable ProviderResponse<R> held;
  private @Nullable Classification heldClassification;
  /** Why a RETRY or BREAK answer ended the call: a closed set, used as the calls meter's outcome tag. */
  private String stopReason = "retries_exhausted";

  CallLoop(ShippingPolicy policy, RequestSnapshot request, CallOptions options, Attempt<R> attempt) {
    this.policy = policy;
    this.request = request;
    this.options = options;
    this.attempt = attempt;
    this.token = options.cancellation() != null ? options.cancellation() : CancellationToken.create();
    this.start = policy.clock.instant();
    this.deadlineAt = start.plus(options.deadline() != null ? options.deadline() : policy.deadline);
    this.operationName = ResponseClassifier.operationName(policy.profile, request, options.operation());
    this.operation = options.operation() != null
        ? policy.profile.compiled().operationNamed(options.operation())
        : policy.profile.compiled().operationFor(request.method(), ResponseClassifier.rawPath(request));
    String key = options.idempotencyKey();
    if (key == null && policy.idempotencyKeyHeader != null) {
      // the caller set the policy's key header on the request itself: that key makes the POST repeatable
      String own = request.headers().first(policy.idempotencyKeyHeader);
      key = own == null || own.isBlank() ? null : own.strip();
    }
    if (key == null && policy.automaticIdempotencyKey && !request.idempotentMethod()) {
      key = UUID.randomUUID().toString();
    }
    this.idempotencyKey = policy.idempotencyKeyHeader == null ? null : key;
    this.idempotent = request.idempotentMethod();
    String carrier = policy.classifier.requestCarrier(policy.profile, request, options.carrier());
    // The generic fallback serves unrelated hosts: each host gets its own breakers, pause and rate limit.
    String hostScope = policy.profile.compiled().hostScope(request.uri());
    String providerScope = policy.profile.id() + hostScope;
    this.account = policy.account + hostScope;
    List<String> scopes = new ArrayList<>();
    scopes.add(providerScope);
    if (carrier != null) {
      scopes.add(providerScope + "/carrier:" + carrier);
    }
    scopes.add(providerScope + "/operation:" + operationName);
    this.gateScopes = List.copyOf(scopes);
    this.backoff = IntervalFunction.ofExponentialBackoff(policy.initialBackoff, 2.0, policy.maxBackoff);
    Map<String, String> extra = idempotencyKey == null ? Map.of()
        : Map.of(policy.idempotencyKeyHeader, idempotencyKey);
    this.next = new AttemptRequest(1, 0, true, request.method(), request.uri(), extra);
  }

  CallResult<R> run() throws IOException {
    try {
      CallResult<R> result = loop();
      finish(outcomeOf(result, stopReason));
      return result;
    } catch (BreakerOpenException e) {
      finish("breaker_open");
      throw e;
    } catch (PollTimeoutException e) {
      finish("poll_timeout");
      throw e;
    } catch (DeadlineExceededException e) {
      finish("deadline_exceeded");
      throw e;
    } catch (CallCancelledException e) {
      finish("cancelled");
      throw e;
    } catch (ShippingCallException e) {
      finish(last != null && last.decision() == Decision.FAIL ? "failed" : stopReason);
      throw e;
    } catch (IOException e) {
      finish("io_error");
      throw e;
    }
  }

  private static String outcomeOf(CallResult<?> result, String stopReason) {
    Classification c = result.classification();
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

  private void finish(String outcome) {
    policy.metrics.call(operationName, outcome, Duration.between(start, policy.clock.instant()));
  }

  private CallResult<R> loop() throws IOException {
    try {
      return attempts();
    } finally {
      closeHeld();
    }
  }

  private void closeHeld() {
    if (held != null) {
      ProviderResponse<R> r = held;
      held = null;
      heldClassification = null;
      r.close();
    }
  }

  private CallResult<R> attempts() throws IOException {
    while (true) {
      checkCancelled();
      waitForPause();
      if (waitForRateLimiter()) {
        // A 429 seen by another caller while this one waited for its permit paused the account: no request may
        // reach the provider during a pause, so wait it out before sending (the permit is kept).
        waitForPause();
      }
      Duration timeLeft = Duration.between(policy.clock.instant(), deadlineAt);
      if (timeLeft.isNegative() || timeLeft.isZero()) {
        throw new DeadlineExceededException(policy.profile.id(), last, sends, "before the next attempt", null);
      }
      next = next.withTimeLeft(timeLeft);
      List<CircuitBreaker> acquired;
      try {
        acquired = gate();
      } catch (BreakerOpenException e) {
        if (held != null && heldClassification != null && !policy.throwOnFailure) {
          // A breaker opened while this call waited to retry: hand back the provider's last answer.
          ProviderResponse<R> r = held;
          held = null;
          stopReason = "breaker_opened";
          return result(r, heldClassification);
        }
        throw e;
      }
      closeHeld();
      sends++;
      if (next.poll() > 0) {
        policy.metrics.poll(operationName);
      }
      safely(() -> policy.listener.onAttempt(new AttemptEvent(policy.profile.id(), operationName, next.attempt(),
          next.poll(), next.method(), policy.profile.redaction().url(next.uri().toString()))));
      Instant sentAt = policy.clock.instant();
      ProviderResponse<R> response;
      try {
        response = attempt.send(next);
      } catch (IOException e) {
        onTransportFailure(acquired, sentAt, e);
        continue;
      } catch (RuntimeException | Error e) {
        // whatever the transport throws, the breakers' permits go back
        releaseAll(acquired);
        throw e;
      }
      CallResult<R> done = onResponse(acquired, sentAt, response);
      if (done != null) {
        return done;
      }
    }
  }

  // ---- gate -----------------------------------------------------------------------------------------------

  private List<CircuitBreaker> gate() throws BreakerOpenException {
    List<CircuitBreaker> acquired = new ArrayList<>(gateScopes.size());
    for (int i = 0; i < gateScopes.size(); i++) {
      String scope = gateScopes.get(i);
      if (policy.shareBreakerHints) {
        Instant hinted = policy.limits.openHint(scope);
        if (hinted != null && hinted.isAfter(policy.clock.instant())) {
          // Another instance saw this scope's breaker open: skip a round of failures.
          releaseAll(acquired);
          throw new BreakerOpenException(policy.profile.id(), scope, last, sends);
        }
      }
      CircuitBreaker cb = i == 0 ? policy.breakers.get(scope) : policy.breakers.existing(scope);
      if (cb == null) {
        continue;
      }
      // An open breaker fails the call fast, with no network traffic.
      if (!cb.tryAcquirePermission()) {
        releaseAll(acquired);
        throw new BreakerOpenException(policy.profile.id(), scope, last, sends);
      }
      acquired.add(cb);
    }
    return acquired;
  }

  private static void releaseAll(List<CircuitBreaker> acquired) {
    for (CircuitBreaker cb : acquired) {
      cb.releasePermission();
    }
  }

  private void record(List<CircuitBreaker> acquired, Classification c, long nanos) {
    Set<String> recorded = new HashSet<>();
    for (CircuitBreaker cb : acquired) {
      recorded.add(cb.getName());
      switch (c.decision()) {
        // SUCCEED and POLL prove the upstream healthy.
        case SUCCEED, POLL -> cb.onSuccess(nanos, TimeUnit.NANOSECONDS);
        // BREAK counts only against the breaker of its scope.
        case BREAK -> {
          if (cb.getName().equals(c.scope())) {
            cb.onError(nanos, TimeUnit.NANOSECONDS, UPSTREAM_UNHEALTHY);
          } else {
            cb.releasePermission();
          }
        }
        // RETRY and FAIL never count against a breaker.
        default -> cb.releasePermission();
      }
    }
    if (c.decision() == Decision.BREAK && !recorded.contains(c.scope())) {
      CircuitBreaker cb = policy.breakers.get(c.scope());
      if (cb.tryAcquirePermission()) {
        cb.onError(nanos, TimeUnit.NANOSECONDS, UPSTREAM_UNHEALTHY);
      }
    }
  }

  // ---- outcomes -------------------------------------------------------------------------------------------

  private void onTransportFailure(List<CircuitBreaker> acquired, Instant sentAt, IOException e) throws IOException {
    long nanos = Duration.between(sentAt, policy.clock.instant()).toNanos();
    for (int i = 0; i < acquired.size(); i++) {
      // A transport failure (reset, timeout) counts against the provider's breaker only.
      if (i == 0) {
        acquired.get(i).onError(nanos, TimeUnit.NANOSECONDS, redactedCopy(e));
      } else {
        acquired.get(i).releasePermission();
      }
    }
    policy.budget(account).onFailure();
    policy.metrics.attempt(operationName, Decision.BREAK.name(), "io");
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} attempt {} failed: {}", policy.profile.id(), operationName, sends,
          policy.profile.redaction().text(e.toString()));
    }
    if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
      throw e;
    }
    checkCancelled();
    if (!policy.clock.instant().isBefore(deadlineAt)) {
      // the transport gave the attempt only the time left (AttemptRequest.timeLeft), and it ran out
      throw new DeadlineExceededException(policy.profile.id(), last, sends, "during attempt " + sends, e);
    }
    boolean notSent = e instanceof ConnectException || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException;
    // A request that never reached the server, or one safe to repeat, may be sent again; a POST that may have
    // been processed is not repeated behind the caller's back.
    boolean safe = (notSent && options.bodyRepeatable()) || repeatable();
    if (!safe || retries + 1 >= policy.maxAttempts || !policy.budget(account).allowsRetry()) {
      throw withEarlierFailures(e);
    }
    Duration delay = backoffDelay();
    if (!fitsDeadline(delay)) {
      throw new DeadlineExceededException(policy.profile.id(), last, sends, "with no time left to retry", e);
    }
    failures.add(e);
    retries++;
    pause(delay, "backoff");
    next = new AttemptRequest(next.attempt() + (next.poll() > 0 ? 0 : 1), next.poll(), next.original(),
        next.method(), next.uri(), next.extraHeaders());
  }

  /** A stackless copy of {@code e} whose message went through the profile's redaction, for the breaker's logs. */
  private Exception redactedCopy(IOException e) {
    return new RedactedFailure(policy.profile.redaction().text(e.toString()));
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

  private @Nullable CallResult<R> onResponse(List<CircuitBreaker> acquired, Instant sentAt,
      ProviderResponse<R> response) throws IOException {
    Classification c;
    ResponseSnapshot snapshot;
    try {
      snapshot = response.snapshot();
      RequestSnapshot classified = next.original() ? request
          : RequestSnapshot.of(next.method(), next.uri(), request.headers(), null);
      // A poll request built by the profile (GET /labels/{id}) is classified as its own operation.
      c = policy.classifier.classify(policy.profile, classified, snapshot,
          next.original() ? operationName : options.operation(), options.carrier());
    } catch (RuntimeException | Error e) {
      // never expected from classification (it is bounded and total), but permits and the response go back
      releaseAll(acquired);
      response.close();
      throw e;
    }
    long nanos = Duration.between(sentAt, policy.clock.instant()).toNanos();
    last = c;
    record(acquired, c, nanos);
    policy.metrics.attempt(operationName, c.decision().name(), codeTag(c));
    final Classification event = c;
    safely(() -> policy.listener.onDecision(new DecisionEvent(event, next.attempt(), next.poll())));
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} {}", request.method(), policy.profile.redaction().url(request.uri().toString()), c.summary());
    }
    boolean throttled = pauseProviderIfLimited(c, snapshot);

    switch (c.decision()) {
      case SUCCEED -> {
        policy.budget(account).onSuccess();
        return result(response, c);
      }
      case FAIL -> {
        // FAIL: the caller must change something; the first response is handed back untouched.
        return failOrReturn(response, c, "FAIL");
      }
      case POLL -> {
        policy.budget(account).onSuccess();
        return poll(response, c, snapshot);
      }
      default -> {
        // RETRY and BREAK: send again while attempts, budget, breaker and deadline allow and repeating is safe.
        // A provider's "not processed, come back at T" (429 with a reset) is throttling, which the pause already
        // honours for every caller: it does not drain the budget, which guards against failure amplification.
        if (!(c.decision() == Decision.RETRY && c.notProcessed() && c.retryAfter() != null)) {
          policy.budget(account).onFailure();
        }
        return retry(response, c, throttled);
      }
    }
  }

  private CallResult<R> result(ProviderResponse<R> response, Classification c) {
    return new CallResult<>(response.unwrap(), c, sends, polls, waited);
  }

  private CallResult<R> failOrReturn(ProviderResponse<R> response, Classification c, String what)
      throws ShippingCallException {
    if (policy.throwOnFailure) {
      response.close();
      ShippingCallException e = new ShippingCallException(
          ShippingCallException.describe(policy.profile.id(), c, sends, what), policy.profile.id(), c, sends, null);
      failures.forEach(e::addSuppressed);
      throw e;
    }
    return result(response, c);
  }

  private @Nullable CallResult<R> retry(ProviderResponse<R> response, Classification c, boolean throttled)
      throws IOException {
    if (!(repeatable() || (c.notProcessed() && options.bodyRepeatable()))) {
      stopReason = "not_repeatable";
      return failOrReturn(response, c, c.decision() + " (not repeated: the request is not safe to send again)");
    }
    if (retries + 1 >= policy.maxAttempts) {
      return failOrReturn(response, c, c.decision().name());
    }
    if (!policy.budget(account).allowsRetry()) {
      stopReason = "budget_exhausted";
      return failOrReturn(response, c, c.decision() + " (retry budget exhausted)");
    }
    CircuitBreaker scopeBreaker = policy.breakers.existing(c.scope());
    if (scopeBreaker != null && scopeBreaker.getState() == CircuitBreaker.State.OPEN) {
      // The breaker of this scope just opened: stop here and hand back the provider's answer.
      stopReason = "breaker_opened";
      return failOrReturn(response, c, c.decision() + " (circuit breaker " + c.scope() + " opened)");
    }
    Duration hint = c.retryAfter();
    Duration delay;
    String cause;
    if (hint != null) {
      // The provider's own hint beats backoff; never retry earlier than it asked.
      if (hint.compareTo(policy.maxRetryAfter) > 0) {
        stopReason = "wait_too_long";
        return failOrReturn(response, c, c.decision() + " (asked to wait " + hint + ", beyond maxRetryAfter)");
      }
      // A throttled caller resumes with the others paused by the same reset, spread over a little time.
      delay = throttled ? spreadAfterReset(hint) : hint;
      cause = "retry_after";
    } else {
      delay = backoffDelay();
      cause = "backoff";
    }
    // A wait beyond the remaining deadline is not waited: the call finishes with the response.
    if (!fitsDeadline(delay)) {
      stopReason = "wait_too_long";
      return failOrReturn(response, c, c.decision() + " (the wait would pass the deadline)");
    }
    // Held through the wait: if a breaker opens meanwhile, this answer is what the caller gets (closed otherwise).
    held = response;
    heldClassification = c;
    retries++;
    pause(delay, cause);
    next = new AttemptRequest(next.attempt() + 1, next.poll(), next.original(), next.method(), next.uri(),
        next.extraHeaders());
    return null;
  }

  private @Nullable CallResult<R> poll(ProviderResponse<R> response, Classification c, ResponseSnapshot snapshot)
      throws IOException {
    Instant now = policy.clock.instant();
    if (pollStart == null) {
      pollStart = now;
    }
    PollSpec spec = operation == null ? null : operation.poll();
    AttemptRequest pollRequest;
    if (spec != null && next.original()) {
      URI uri = pollUri(spec, snapshot);
      if (uri == null) {
        response.close();
        throw new PollTimeoutException(policy.profile.id(), c, snapshot, sends, polls,
            "a poll request could not be built (no " + String.join(", ", spec.variables().values())
                + " in the pending body)");
      }
      pollRequest = new AttemptRequest(next.attempt(), polls + 1, false, spec.method(), uri, Map.of());
    } else if (next.original() && !repeatable()) {
      // Polling would repeat a request that is not safe to repeat: hand back the pending answer.
      return result(response, c);
    } else {
      pollRequest = new AttemptRequest(next.attempt(), polls + 1, next.original(), next.method(), next.uri(),
          next.extraHeaders());
    }
    if (polls >= policy.maxPolls) {
      response.close();
      throw new PollTimeoutException(policy.profile.id(), c, snapshot, sends, polls, "maxPolls (" + policy.maxPolls
          + ")");
    }
    Duration delay = policy.pollInterval;
    if (c.retryAfter() != null && c.retryAfter().compareTo(delay) > 0) {
      delay = c.retryAfter();
    }
    if (Duration.between(pollStart, now.plus(delay)).compareTo(policy.maxPollDuration) > 0) {
      response.close();
      throw new PollTimeoutException(policy.profile.id(), c, snapshot, sends, polls,
          "maxPollDuration (" + policy.maxPollDuration + ")");
    }
    if (!fitsDeadline(delay)) {
      response.close();
      throw new PollTimeoutException(policy.profile.id(), c, snapshot, sends, polls, "the call deadline");
    }
    response.close();
    polls++;
    pause(delay, "poll");
    next = pollRequest;
    return null;
  }

  private @Nullable URI pollUri(PollSpec spec, ResponseSnapshot snapshot) {
    ExtractionPlan plan = new ExtractionPlan(new HashSet<>(spec.variables().values()), Set.of(), List.of());
    // the same bytes the classifier read: decoded, within the peek limit
    BodyDecoding.Decoded body = ClassifierCore.readableBody(snapshot, policy.classifier.peekLimit());
    var extraction = StreamingExtractor.extract(body.bytes(), body.length(), plan);
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> v : spec.variables().entrySet()) {
      String value = extraction.value(v.getValue());
      if (value == null || value.isEmpty()) {
        return null;
      }
      values.put(v.getKey(), URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    String template = spec.pathTemplate();
    String path = template;
    for (Map.Entry<String, String> v : values.entrySet()) {
      path = path.replace("{" + v.getKey() + "}", v.getValue());
    }
    // Keep the original path's prefix (e.g. /postmen/v3) before the template's first segment.
    String original = request.uri().getRawPath() == null ? "" : request.uri().getRawPath();
    String firstSegment = template.split("/")[1];
    int at = original.lastIndexOf("/" + firstSegment);
    String prefix = at > 0 ? original.substring(0, at) : "";
    try {
      URI base = request.uri();
      String query = base.getRawQuery();
      return new URI(base.getScheme() + "://" + base.getRawAuthority() + prefix + path
          + (query == null ? "" : "?" + query));
    } catch (URISyntaxException e) {
      return null;
    }
  }

  // ---- rules ----------------------------------------------------------------------------------------------

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
    // provider deduplicates the operation by a business key (Clickpost create-order by reference_number).
    return idempotent || options.safeToRepeat() || idempotencyKey != null
        || (operation != null && operation.repeatSafe());
  }

  private Duration backoffDelay() {
    long ceiling = backoff.apply(retries + 1);
    // Full jitter: a uniformly random wait up to the exponential ceiling.
    return Duration.ofMillis((long) (policy.random.nextDouble() * ceiling));
  }

  private boolean fitsDeadline(Duration delay) {
    return !policy.clock.instant().plus(delay).isAfter(deadlineAt);
  }

  private String codeTag(Classification c) {
    if (c.code() == null) {
      return "none";
    }
    var compiled = policy.profile.compiled();
    boolean inTable = compiled.codes().containsKey(c.code())
        || (operation != null && operation.codes().containsKey(c.code()));
    return inTable ? c.code() : "other";
  }

  /** Pauses the account until the reset when {@code c} is throttling; returns whether it did. */
  private boolean pauseProviderIfLimited(Classification c, ResponseSnapshot snapshot) {
    Duration hint = c.retryAfter();
    if (hint == null || hint.isZero()) {
      return false;
    }
    // A 429 or an exhausted rate-limit window pauses every caller of this account (the whole fleet with shared
    // limits) until the reset, not just the call that saw it.
    if (c.httpStatus() == 429 || RateLimitHeaders.remainingExhausted(snapshot.headers())
        || (c.decision() == Decision.RETRY && c.notProcessed())) {
      // At most maxRetryAfter: a mangled header ("come back in ten years") must not shut the account for good;
      // past it, the next caller asks again and a real, long reset pauses the account once more.
      Duration pause = hint.compareTo(policy.maxRetryAfter) > 0 ? policy.maxRetryAfter : hint;
      policy.limits.pause(account, policy.clock.instant().plus(pause));
      return true;
    }
    return false;
  }

  private void waitForPause() throws IOException {
    Instant until = policy.limits.pausedUntil(account);
    if (until == null) {
      return;
    }
    Duration delay = Duration.between(policy.clock.instant(), until);
    if (delay.isNegative() || delay.isZero()) {
      return;
    }
    if (!fitsDeadline(delay)) {
      throw new DeadlineExceededException(policy.profile.id(), last, sends,
          "while the provider is paused by its rate limit for " + delay, null);
    }
    pause(spreadAfterReset(delay), "pause");
  }

  /**
   * Returns {@code untilReset} plus a random share of the pause jitter, so the callers held back by one reset do not
   * all meet the limit again at the same instant. The spread does not shrink with the wait: a 429 seen 20 ms before
   * a per-second window resets still needs its callers spread over the next window. Never earlier than the reset,
   * and never past the deadline.
   */
  private Duration spreadAfterReset(Duration untilReset) {
    long spreadNanos = policy.pauseJitter.toNanos();
    Duration jittered = untilReset.plusNanos((long) (policy.random.nextDouble() * spreadNanos));
    return fitsDeadline(jittered) ? jittered : untilReset;
  }

  /** Waits for a permit of the rate limiter; returns whether it had to wait for one. */
  private boolean waitForRateLimiter() throws IOException {
    if (policy.rateLimit == null) {
      return false;
    }
    Duration remaining = Duration.between(policy.clock.instant(), deadlineAt);
    Duration delay = policy.limits.acquire(account, policy.rateLimit,
        remaining.isNegative() ? Duration.ZERO : remaining);
    if (delay == null) {
      throw new DeadlineExceededException(policy.profile.id(), last, sends, "waiting for the rate limiter", null);
    }
    pause(delay, "rate_limit");
    return delay.compareTo(Duration.ZERO) > 0;
  }

  private void pause(Duration delay, String cause) throws CallCancelledException {
    if (delay.isZero() || delay.isNegative()) {
      return;
    }
    safely(() -> policy.listener.onWait(new WaitEvent(policy.profile.id(), operationName, delay, cause)));
    policy.metrics.wait(operationName, cause, delay);
    waited = waited.plus(delay);
    try {
      policy.sleeper.sleep(delay, token);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallCancelledException(policy.profile.id(), last, sends, true);
    }
    checkCancelled();
  }

  private void checkCancelled() throws CallCancelledException {
    if (Thread.currentThread().isInterrupted()) {
      throw new CallCancelledException(policy.profile.id(), last, sends, true);
    }
    if (token.isCancelled()) {
      throw new CallCancelledException(policy.profile.id(), last, sends, false);
    }
  }

  private IOException withEarlierFailures(IOException e) {
    for (Throwable earlier : failures) {
      if (earlier != e) {
        e.addSuppressed(earlier);
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
