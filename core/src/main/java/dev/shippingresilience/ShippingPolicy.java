package dev.shippingresilience;

import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.internal.ProfileModel;
import dev.shippingresilience.internal.RateLimitHeaders;
import dev.shippingresilience.spi.LocalLimits;
import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.spi.SharedLimits;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Applies decisions to calls to one provider: retries with the provider's hints or backoff, polls, per-scope
 * circuit breakers, a client-side rate limiter, a retry budget and a total deadline. Build one per provider and
 * share it: thread-safe; its breakers, limiter and budget are shared by every call through it.
 *
 * <pre>{@code
 * ShippingPolicy policy = ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost"))
 *     .maxAttempts(4)
 *     .build();
 * CallResult<MyResponse> result = policy.execute(request, CallOptions.none(), myTransport);
 * // or without holding a thread while it waits or polls:
 * CompletableFuture<CallResult<MyResponse>> later = policy.executeAsync(request, myAsyncTransport);
 * }</pre>
 */
public final class ShippingPolicy {
  /** Default attempts, counting the first, when the profile names none: {@value}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** Default first backoff when the profile names none: 500 ms. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  /** Default backoff cap when the profile names none: 30 s. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  /** Default poll interval when the profile names none: 5 s. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
  /** Default longest time spent polling when the profile names none: 2 min. */
  public static final Duration DEFAULT_MAX_POLL_DURATION = Duration.ofMinutes(2);
  /** Default most polls when the profile names none: {@value}. */
  public static final int DEFAULT_MAX_POLLS = 30;
  /**
   * The name of the engine's logger: {@value}. At DEBUG it writes one line per answer (method, redacted URL, the
   * classification's summary) and one per failed attempt; at WARN, a listener that threw. Configuration warnings
   * (settings a builder adjusted) are logged under this class's name.
   */
  public static final String ENGINE_LOGGER = "dev.shippingresilience.engine";

  /**
   * Default trial calls a half-open breaker lets through when the profile names none: {@value}. One trial finds a
   * provider that is back as well as two, and a trial into a provider still down costs one request instead of two
   * (chosen with the scorecard, issue 18: docs/decisions.md).
   */
  public static final int DEFAULT_HALF_OPEN_CALLS = 1;
  /**
   * Default growth of a breaker's open wait each time its trial fails and it opens again before closing, when the
   * profile names none: {@value}. With the built-in profiles' first wait of 20 s (a third of the earlier fixed 60 s)
   * a provider that is back is found sooner, and the trials into a long outage stay few.
   */
  public static final double DEFAULT_OPEN_WAIT_MULTIPLIER = 1.5;
  /**
   * The longest open wait, as a multiple of {@code waitDurationInOpenState}, when neither the builder nor the profile
   * names one: {@value} (80 s for the built-in profiles' 20 s).
   */
  public static final int DEFAULT_MAX_OPEN_WAIT_FACTOR = 4;

  /**
   * Default longest time a call waits, in all, for an open breaker to let it through before failing with
   * {@link BreakerOpenException}: {@code ZERO}, fail fast.
   */
  public static final Duration DEFAULT_BREAKER_WAIT = Duration.ZERO;

  /** Default total deadline of one logical call: 5 min. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(5);
  /** Default longest provider-requested wait the engine honours before returning the response instead: 2 min. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(2);
  /**
   * Default longest random delay added after a provider-wide pause ends, so the paused callers do not all wake at
   * the reset instant and meet the limit again together: 1 s, the window of a per-second rate limit.
   */
  public static final Duration DEFAULT_PAUSE_JITTER = Duration.ofSeconds(1);
  /**
   * Default most circuit breakers kept per provider (one per scope, whatever their states; the provider's own breaker
   * is never evicted): {@value}.
   */
  public static final int DEFAULT_MAX_BREAKERS = 1000;
  /**
   * Most retry budgets kept per policy: {@value}. There is one per rate-limit account: the policy's account, or for a
   * {@code byHost} profile (the generic fallback) one per host, so that one host's failures do not stop retries to
   * another. Beyond it, the least recently used host's budget is dropped; a host that comes back starts with a full
   * budget.
   */
  public static final int MAX_RETRY_BUDGETS = 1000;
  /** Default retry-budget size in tokens: {@value}. */
  public static final int DEFAULT_BUDGET_TOKENS = 10;
  /**
   * Default tokens a success gives back to the retry budget: {@value}. With failures taking one token, retries go on
   * while fewer than about 20% of attempts fail (Finagle's and Envoy's default retry budgets allow 20% too) and stop
   * within a few failures of an outage.
   */
  public static final double DEFAULT_BUDGET_RATIO = 0.25;
  /**
   * Threads of the scheduler shared by the asynchronous calls of every policy built without
   * {@link Builder#scheduler}: {@value}. Daemon threads named {@code shipping-resilience-scheduler-N}, made at the
   * first wait of an asynchronous call and ended after a minute without work.
   */
  public static final int DEFAULT_SCHEDULER_THREADS = 2;

  /** The longest duration any setting takes (3650 days, the longest wait read from a header). */
  static final Duration LONGEST = RateLimitHeaders.MAX_HINT;

  /** Everything a call reads, built once here; the breakers, limits and budgets in it are shared by every call. */
  final CallSettings settings;

  private ShippingPolicy(Builder b) {
    this.settings = new CallSettings(b);
  }

  /** Returns the number of retry budgets kept (for tests). */
  int retryBudgets() {
    return settings.retryBudgets();
  }

  /**
   * {@return a builder with the profile's defaults (falling back to this class's {@code DEFAULT_*} constants)}
   *
   * @param profile the provider's profile
   */
  public static Builder builder(ProviderProfile profile) {
    return new Builder(profile);
  }

  /** {@return the provider id} */
  public String provider() {
    return settings.profile.id();
  }

  /** {@return the provider's profile} */
  public ProviderProfile profile() {
    return settings.profile;
  }

  /** {@return the classifier this policy uses} */
  public ResponseClassifier classifier() {
    return settings.classifier;
  }

  /**
   * Runs one logical call on the calling thread: sends through {@code attempt} as often as the decisions require,
   * waiting on the policy's {@link Sleeper} in between, and returns the final response with its classification.
   * FAIL and exhausted retries return the provider's last response (unless {@link Builder#throwOnFailure(boolean)});
   * intermediate responses are closed.
   *
   * @param <R> the transport's response type
   * @param request the request as sent the first time (its body is used to find the carrier scope)
   * @param options per-call overrides
   * @param attempt the transport
   * @return the final response, its classification and the attempts, polls and waits it took
   * @throws BreakerOpenException if the scope's breaker is open (no request sent)
   * @throws PollTimeoutException if polling ran out of polls, time or deadline
   * @throws DeadlineExceededException if the deadline ran out with no response to hand back
   * @throws CallCancelledException if cancelled or interrupted (the interrupt flag is restored)
   * @throws ShippingCallException if the call ended on FAIL or exhausted retries and the policy throws on failure
   * @throws IOException the transport's failure when it cannot or may not be retried
   */
  public <R> CallResult<R> execute(RequestSnapshot request, CallOptions options, Attempt<R> attempt)
      throws IOException {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(attempt, "attempt");
    return BlockingCall.run(settings, request, options, attempt);
  }

  /**
   * Runs one logical call on the calling thread with {@link CallOptions#none()}; see
   * {@link #execute(RequestSnapshot, CallOptions, Attempt)}.
   *
   * @param <R> the transport's response type
   * @param request the request as sent the first time (its body is used to find the carrier scope)
   * @param attempt the transport
   * @return the final response, its classification and the attempts, polls and waits it took
   * @throws IOException as {@link #execute(RequestSnapshot, CallOptions, Attempt)} does
   */
  public <R> CallResult<R> execute(RequestSnapshot request, Attempt<R> attempt) throws IOException {
    return execute(request, CallOptions.none(), attempt);
  }

  /**
   * Runs one logical call without holding a thread: the same rules as
   * {@link #execute(RequestSnapshot, CallOptions, Attempt)} (deadline, breakers, pauses, rate limits, retry budget,
   * idempotency, listener events, meters and logs alike), but every wait is scheduled on the policy's
   * {@linkplain Builder#scheduler scheduler} instead of slept, and each attempt is an {@link AsyncAttempt}. A rate
   * limit's permit is waited for the same way, never blocked on.
   *
   * <p>The returned future completes with what {@code execute} would return, or exceptionally with what it would
   * throw ({@link BreakerOpenException}, {@link PollTimeoutException}, {@link DeadlineExceededException},
   * {@link ShippingCallException} when the policy throws on failure, the transport's {@link IOException}, or what
   * the transport threw otherwise). Cancelling it (or completing it from outside, e.g. with {@code orTimeout})
   * cancels the attempt in flight and every later wait: no further request is sent, the breakers' permits go back
   * and a held response is closed. A {@link CallOptions#cancellation() CancellationToken} is honoured too, checked
   * before each attempt and when each wait ends; cancelling the future is the prompt way.
   *
   * <p>The first attempt starts on the calling thread. Dependent stages without an executor of their own run on the
   * thread that ended the call: the attempt's callback thread or the scheduler's; keep them short, or use the
   * {@code *Async} variants.
   *
   * @param <R> the transport's response type
   * @param request the request as sent the first time (its body is used to find the carrier scope)
   * @param options per-call overrides
   * @param attempt the non-blocking transport
   * @return the call's result, as it ends
   */
  public <R> CompletableFuture<CallResult<R>> executeAsync(RequestSnapshot request, CallOptions options,
      AsyncAttempt<R> attempt) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(attempt, "attempt");
    return AsyncCall.start(settings, request, options, attempt);
  }

  /**
   * Runs one logical call without holding a thread, with {@link CallOptions#none()}; see
   * {@link #executeAsync(RequestSnapshot, CallOptions, AsyncAttempt)}.
   *
   * @param <R> the transport's response type
   * @param request the request as sent the first time (its body is used to find the carrier scope)
   * @param attempt the non-blocking transport
   * @return the call's result, as it ends
   */
  public <R> CompletableFuture<CallResult<R>> executeAsync(RequestSnapshot request, AsyncAttempt<R> attempt) {
    return executeAsync(request, CallOptions.none(), attempt);
  }

  /** {@return the state of every breaker kept, by scope (e.g. {@code clickpost/carrier:5 -> OPEN})} */
  public Map<String, String> breakerStates() {
    return settings.breakers.states();
  }

  /**
   * {@return the retry budget's remaining tokens: the budget of the policy's account or, for a {@code byHost} profile
   * (one budget per host), the lowest among the hosts' budgets kept; the full size when no call was made yet}
   */
  public double retryBudgetTokens() {
    return settings.lowestBudgetTokens();
  }

  /** {@return the attempts allowed per call, counting the first} */
  public int maxAttempts() {
    return settings.maxAttempts;
  }

  /** {@return the poll interval} */
  public Duration pollInterval() {
    return settings.pollInterval;
  }

  /** {@return the longest time spent polling} */
  public Duration maxPollDuration() {
    return settings.maxPollDuration;
  }

  /** {@return the most polls per call} */
  public int maxPolls() {
    return settings.maxPolls;
  }

  /** {@return the default total deadline per call} */
  public Duration deadline() {
    return settings.deadline;
  }

  /** {@return the longest wait a response may ask for that the engine honours} */
  public Duration maxRetryAfter() {
    return settings.maxRetryAfter;
  }

  /** {@return the longest random delay added after a provider-wide pause ends} */
  public Duration pauseJitter() {
    return settings.pauseJitter;
  }

  /** {@return the client-side rate limit, e.g. {@code 10 per PT1S}, or {@code none}} */
  public String rateLimitDescription() {
    StringBuilder out = new StringBuilder(settings.rateLimit == null ? "none" : settings.rateLimit.toString());
    settings.bucketLimits().forEach((bucket, limit) -> out.append("; bucket ").append(bucket).append(": ")
        .append(limit));
    return out.toString();
  }

  /**
   * {@return the limits of the profile's operation buckets, by bucket name, in the profile's order} An operation
   * with a {@code rateLimit} takes its permits from its bucket instead of {@link #rateLimit()}.
   */
  public Map<String, RateLimit> bucketLimits() {
    return settings.bucketLimits();
  }

  /**
   * {@return whether the engine learns the account's rate-limit window from the answers' headers and paces callers
   * by it} Set by {@link Builder#learnRateLimitWindow(boolean)}; default from the profile (on unless it turns it off).
   */
  public boolean learnsRateLimitWindow() {
    return settings.learnWindow;
  }

  /**
   * {@return the longest total wait of a call for open breakers, {@code ZERO} when a refused call fails fast} Set by
   * {@link Builder#breakerWait(Duration)}; default {@code ZERO}.
   */
  public Duration breakerWait() {
    return settings.breakerWait;
  }

  /** {@return the client-side rate limit, or {@code null} when there is none} */
  public @Nullable RateLimit rateLimit() {
    return settings.rateLimit;
  }

  /** {@return where the rate limit, pauses and breaker hints live} */
  public SharedLimits sharedLimits() {
    return settings.limits;
  }

  /** {@return the account key the rate limit and pauses are kept under (default: the provider id)} */
  public String account() {
    return settings.account;
  }

  /** {@return the first backoff ceiling (the wait is drawn below it: full jitter)} */
  public Duration initialBackoff() {
    return settings.initialBackoff;
  }

  /** {@return the largest backoff ceiling} */
  public Duration maxBackoff() {
    return settings.maxBackoff;
  }

  /** {@return the settings every breaker of this provider gets} */
  public BreakerSettings breaker() {
    CircuitBreakerConfig c = settings.breakerConfig;
    return new BreakerSettings(c.getFailureRateThreshold(), c.getSlidingWindowSize(), c.getMinimumNumberOfCalls(),
        settings.openWait, c.getPermittedNumberOfCallsInHalfOpenState(), settings.openWaitMultiplier,
        settings.maxOpenWait);
  }

  /** {@return the breaker settings as text (failure rate, window, minimum calls, open wait)} */
  public String breakerDescription() {
    BreakerSettings b = breaker();
    return b.failureRatePercent() + "% of " + b.windowSize() + " calls (min " + b.minimumCalls() + "), open "
        + b.openWait().toMillis() + " ms";
  }

  /** Returns how the breakers recover: the open wait's growth and the half-open trial calls. */
  private String breakerRecoveryDescription() {
    BreakerSettings b = breaker();
    String growth = b.openWaitMultiplier() > 1
        ? " x" + b.openWaitMultiplier() + " per failed trial up to " + b.maxOpenWait().toMillis() + " ms" : "";
    return growth + ", " + b.halfOpenCalls() + " half-open " + (b.halfOpenCalls() == 1 ? "call" : "calls");
  }

  /** Returns a one-line description of the settings (no secrets). */
  @Override
  public String toString() {
    CallSettings s = settings;
    return "ShippingPolicy{" + s.profile.id() + ": maxAttempts=" + s.maxAttempts + ", backoff=" + s.initialBackoff
        + ".." + s.maxBackoff + ", poll=" + s.pollInterval + " up to " + s.maxPolls + " / " + s.maxPollDuration
        + ", deadline=" + s.deadline + ", rateLimit=" + rateLimitDescription() + ", pauseJitter=" + s.pauseJitter
        + ", breaker="
        + breakerDescription() + breakerRecoveryDescription()
        + (s.breakerWait.isZero() ? "" : ", breakerWait=" + s.breakerWait) + "}";
  }

  /**
   * Builds a {@link ShippingPolicy}. Each setter validates its value and throws {@link IllegalArgumentException}
   * naming the setting, e.g. {@code Invalid maxAttempts (0): must be >= 1}. Not thread-safe; {@link #build()}
   * copies the state.
   */
  public static final class Builder {
    final ProviderProfile profile;
    int maxAttempts;
    Duration initialBackoff;
    Duration maxBackoff;
    Duration pollInterval;
    Duration maxPollDuration;
    int maxPolls;
    Duration deadline = DEFAULT_DEADLINE;
    boolean deadlineSet;
    Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
    Duration pauseJitter = DEFAULT_PAUSE_JITTER;
    boolean learnWindow = true;
    Duration breakerWait = DEFAULT_BREAKER_WAIT;
    float failureRateThreshold = 50;
    int minimumNumberOfCalls = 5;
    int slidingWindowSize = 20;
    Duration waitDurationInOpenState = Duration.ofSeconds(20);
    int permittedCallsInHalfOpenState = DEFAULT_HALF_OPEN_CALLS;
    double openWaitMultiplier = DEFAULT_OPEN_WAIT_MULTIPLIER;
    /** The longest open wait as a multiple of the first, unless {@link #maxOpenWait} was set. */
    double maxOpenWaitFactor = DEFAULT_MAX_OPEN_WAIT_FACTOR;
    @Nullable Duration maxOpenWait;
    int maxBreakers = DEFAULT_MAX_BREAKERS;
    int limitForPeriod;
    Duration limitRefreshPeriod = Duration.ofSeconds(1);
    /** The limits of the profile's operation buckets, by bucket name; empty after {@link #noRateLimit()}. */
    final Map<String, RateLimit> bucketLimits = new LinkedHashMap<>();
    int budgetTokens = DEFAULT_BUDGET_TOKENS;
    double budgetRatio = DEFAULT_BUDGET_RATIO;
    @Nullable String idempotencyKeyHeader;
    boolean automaticIdempotencyKey;
    int peekLimit = ResponseSnapshot.DEFAULT_PEEK_LIMIT;
    boolean throwOnFailure;
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Sleeper.SYSTEM;
    RandomGenerator random = RandomGenerator.getDefault();
    MeterRegistry meterRegistry = Metrics.globalRegistry;
    ShippingListener listener = ShippingListener.NONE;
    ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
    @Nullable SharedLimits limits;
    @Nullable String account;
    boolean shareBreakerHints;
    @Nullable ScheduledExecutorService scheduler;
    @Nullable CredentialsRefresher credentialsRefresher;

    private Builder(ProviderProfile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      ProfileModel.Defaults d = profile.compiled().defaults();
      this.maxAttempts = d.maxAttempts() != null ? d.maxAttempts() : DEFAULT_MAX_ATTEMPTS;
      this.initialBackoff = d.initialBackoff() != null ? d.initialBackoff() : DEFAULT_INITIAL_BACKOFF;
      this.maxBackoff = d.maxBackoff() != null ? d.maxBackoff() : DEFAULT_MAX_BACKOFF;
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        maxBackoff = initialBackoff;
      }
      this.pollInterval = d.pollInterval() != null ? d.pollInterval() : DEFAULT_POLL_INTERVAL;
      this.maxPollDuration = d.maxPollDuration() != null ? d.maxPollDuration() : DEFAULT_MAX_POLL_DURATION;
      this.maxPolls = d.maxPolls() != null ? d.maxPolls() : DEFAULT_MAX_POLLS;
      if (d.rateLimit() != null) {
        this.limitForPeriod = d.rateLimit().limitForPeriod();
        this.limitRefreshPeriod = d.rateLimit().period();
      }
      for (ProfileModel.OperationSpec op : profile.compiled().operations()) {
        if (op.rateLimit() != null) {
          bucketLimits.put(op.rateLimit().bucket(),
              new RateLimit(op.rateLimit().limit().limitForPeriod(), op.rateLimit().limit().period()));
        }
      }
      if (d.breaker() != null) {
        this.failureRateThreshold = d.breaker().failureRateThreshold();
        this.minimumNumberOfCalls = d.breaker().minimumNumberOfCalls();
        this.slidingWindowSize = d.breaker().slidingWindowSize();
        this.waitDurationInOpenState = d.breaker().waitDurationInOpenState();
        if (d.breaker().permittedNumberOfCallsInHalfOpenState() != null) {
          this.permittedCallsInHalfOpenState = d.breaker().permittedNumberOfCallsInHalfOpenState();
        }
        if (d.breaker().exponentialBackoffMultiplier() != null) {
          this.openWaitMultiplier = d.breaker().exponentialBackoffMultiplier();
        }
        Duration longest = d.breaker().exponentialMaxWaitDurationInOpenState();
        if (longest != null) {
          // kept relative, so a builder that shortens the first wait (tests, simulations) shortens the longest too
          this.maxOpenWaitFactor = longest.toNanos() / (double) waitDurationInOpenState.toNanos();
        }
      }
      this.idempotencyKeyHeader = d.idempotencyKeyHeader();
      this.learnWindow = d.learnRateLimitWindow();
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("Invalid " + name + " (" + value + "): must be positive");
      }
      return notBeyondLongest(name, value);
    }

    /** Refuses durations whose arithmetic (instants, nanoseconds) could overflow: beyond {@link #LONGEST}. */
    static Duration notBeyondLongest(String name, Duration value) {
      if (value.compareTo(LONGEST) > 0) {
        throw new IllegalArgumentException("Invalid " + name + " (" + value + "): must be at most "
            + LONGEST.toDays() + " days");
      }
      return value;
    }

    private static int atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException("Invalid " + name + " (" + value + "): must be >= " + min);
      }
      return value;
    }

    /**
     * Sets the attempts per call, counting the first (polls are counted separately). Default from the profile.
     *
     * @param maxAttempts the attempts per call; at least 1
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = atLeast("maxAttempts", maxAttempts, 1);
      return this;
    }

    /**
     * Sets the exponential backoff: the n-th retry waits a random time in
     * [0, min(maxBackoff, initialBackoff * 2^(n-1))] (full jitter) unless the response named a wait. The names are
     * the profile JSON's ({@code defaults.initialBackoff}, {@code defaults.maxBackoff}) and Spring's
     * ({@code initial-backoff}, {@code max-backoff}).
     *
     * @param initialBackoff the first retry's longest wait, positive
     * @param maxBackoff the longest wait of any retry, at least {@code initialBackoff}
     * @return this builder
     */
    public Builder backoff(Duration initialBackoff, Duration maxBackoff) {
      positive("initialBackoff", initialBackoff);
      positive("maxBackoff", maxBackoff);
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("Invalid maxBackoff (" + maxBackoff + "): must be >= initialBackoff ("
            + initialBackoff + ")");
      }
      this.initialBackoff = initialBackoff;
      this.maxBackoff = maxBackoff;
      return this;
    }

    /**
     * Sets the wait between polls (a longer Retry-After on a poll response wins).
     *
     * @param interval the wait between polls
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = positive("pollInterval", interval);
      return this;
    }

    /**
     * Sets the longest time spent polling in one call.
     *
     * @param duration the longest time spent polling
     * @return this builder
     */
    public Builder maxPollDuration(Duration duration) {
      this.maxPollDuration = positive("maxPollDuration", duration);
      return this;
    }

    /**
     * Sets the most polls in one call.
     *
     * @param maxPolls the most polls; at least 1
     * @return this builder
     */
    public Builder maxPolls(int maxPolls) {
      this.maxPolls = atLeast("maxPolls", maxPolls, 1);
      return this;
    }

    /**
     * Sets the default total deadline of one logical call; waits never overshoot it. Default 5 min.
     *
     * @param deadline the total deadline of a call
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive("deadline", deadline);
      this.deadlineSet = true;
      return this;
    }

    /**
     * Sets the longest random delay added when a caller waits out a provider-wide pause (after a 429 or an exhausted
     * rate-limit window): callers then resume spread over that time instead of all at the reset instant, so fewer of
     * them meet the limit again. Set it to the provider's rate-limit window. Never earlier than the reset, never past
     * the deadline. {@code ZERO} disables it. Default 1 s.
     *
     * @param maxJitter the longest random delay, or {@code ZERO} for none
     * @return this builder
     */
    public Builder pauseJitter(Duration maxJitter) {
      Objects.requireNonNull(maxJitter, "pauseJitter");
      if (maxJitter.isNegative()) {
        throw new IllegalArgumentException("Invalid pauseJitter (" + maxJitter + "): must not be negative");
      }
      this.pauseJitter = notBeyondLongest("pauseJitter", maxJitter);
      return this;
    }

    /**
     * Sets whether the engine learns the account's rate-limit window from the answers' {@code X-RateLimit-Limit},
     * {@code -Remaining} and {@code -Reset} headers (or the IETF {@code RateLimit-*} names) and paces the account's
     * callers by it (through the {@link dev.shippingresilience.spi.SharedLimits}, so a fleet sharing limits shares
     * the window): while the window has requests left they go at once; the rest wait for the start of the first
     * later window with room, instead of spending the last requests and then meeting 429s. An answer without the
     * headers costs one header lookup. Default from the profile ({@code defaults.learnRateLimitWindow}, on unless a
     * profile turns it off).
     *
     * @param learn whether to learn and pace by the announced window
     * @return this builder
     */
    public Builder learnRateLimitWindow(boolean learn) {
      this.learnWindow = learn;
      return this;
    }

    /**
     * Sets the longest wait a response may ask for (Retry-After, rate-limit reset) that the engine honours; a longer
     * request ends the call with that response. Never waits less than the provider asked. Default 2 min.
     *
     * @param max the longest wait honoured
     * @return this builder
     * @throws IllegalArgumentException if not positive, or not below 3650 days: a header wait is read up to that
     *     bound, so a policy honouring it could retry before a provider's even later time
     */
    public Builder maxRetryAfter(Duration max) {
      positive("maxRetryAfter", max);
      if (max.compareTo(RateLimitHeaders.MAX_HINT) >= 0) {
        throw new IllegalArgumentException("Invalid maxRetryAfter (" + max + "): must be below "
            + RateLimitHeaders.MAX_HINT.toDays() + " days, the longest wait read from a response header");
      }
      this.maxRetryAfter = max;
      return this;
    }

    /**
     * Sets the circuit breaker of every scope: open when {@code failureRateThreshold} percent of the last
     * {@code slidingWindowSize} calls (at least {@code minimumNumberOfCalls}) were BREAK, stay open
     * {@code waitDurationInOpenState}, then let {@code permittedNumberOfCallsInHalfOpenState} trial calls through.
     * The names are Resilience4j's, as in the profile JSON ({@code defaults.breaker.*}) and in Spring
     * ({@code breaker.failure-rate-threshold}, ...).
     *
     * @param failureRateThreshold the percentage of BREAK calls that opens the breaker, in (0, 100]
     * @param slidingWindowSize the calls the failure rate is measured over, at least 1
     * @param minimumNumberOfCalls the calls needed before the rate counts, at least 1 (Resilience4j lowers it to
     *     {@code slidingWindowSize} when it is larger)
     * @param waitDurationInOpenState how long an open breaker refuses calls, positive
     * @param permittedNumberOfCallsInHalfOpenState the trial calls a half-open breaker lets through, at least 1
     * @return this builder
     */
    public Builder breaker(float failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
        Duration waitDurationInOpenState, int permittedNumberOfCallsInHalfOpenState) {
      if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
        throw new IllegalArgumentException("Invalid failureRateThreshold (" + failureRateThreshold
            + "): must be in (0, 100]");
      }
      this.failureRateThreshold = failureRateThreshold;
      this.slidingWindowSize = atLeast("slidingWindowSize", slidingWindowSize, 1);
      this.minimumNumberOfCalls = atLeast("minimumNumberOfCalls", minimumNumberOfCalls, 1);
      this.waitDurationInOpenState = positive("waitDurationInOpenState", waitDurationInOpenState);
      this.permittedCallsInHalfOpenState = atLeast("permittedNumberOfCallsInHalfOpenState",
          permittedNumberOfCallsInHalfOpenState, 1);
      return this;
    }

    /**
     * Sets how long a call that finds a breaker open may wait, in all, for it to let calls through again instead of
     * failing at once with {@link BreakerOpenException}: it checks again every {@code initialBackoff}, sends as soon
     * as the breaker allows (as its half-open trial, or after another call's trial closed it), and never waits past
     * the deadline. Safe for any request, since a refused call sent nothing. It holds the caller's thread (or, for
     * {@link ShippingPolicy#executeAsync}, a scheduled wait) meanwhile; a call that already has an answer (a retry
     * refused after a BREAK) still ends with that answer. Waits are metered with cause {@code breaker}. Default
     * {@code ZERO}: fail fast.
     *
     * @param max the longest total wait for open breakers, {@code ZERO} for none
     * @return this builder
     */
    public Builder breakerWait(Duration max) {
      Objects.requireNonNull(max, "breakerWait");
      if (max.isNegative()) {
        throw new IllegalArgumentException("Invalid breakerWait (" + max + "): must not be negative");
      }
      this.breakerWait = notBeyondLongest("breakerWait", max);
      return this;
    }

    /**
     * Sets how an open wait grows when a breaker trips again before it closed (its half-open trials failed): each
     * such wait is {@code multiplier} times the one before, at most {@code maxWaitDurationInOpenState}; a breaker that
     * closes starts again from {@code waitDurationInOpenState}. A short first wait finds a provider that is back
     * quickly, and the growth keeps the trials into a long outage few (Resilience4j's
     * {@code waitIntervalFunctionInOpenState} with {@code IntervalFunction.ofExponentialBackoff}; the profile JSON's
     * {@code defaults.breaker.exponentialBackoffMultiplier} and {@code exponentialMaxWaitDurationInOpenState}, as
     * Resilience4j's Spring properties name them). Default multiplier {@value ShippingPolicy#DEFAULT_OPEN_WAIT_MULTIPLIER},
     * longest wait {@value ShippingPolicy#DEFAULT_MAX_OPEN_WAIT_FACTOR} times {@code waitDurationInOpenState} unless
     * the profile names them (a longest wait from the profile is kept as a multiple of its first wait, so a builder
     * that shortens the first wait shortens it too); {@code multiplier} 1 keeps every wait at
     * {@code waitDurationInOpenState}.
     *
     * @param multiplier the growth of each repeated open wait, in [1, 10]
     * @param maxWaitDurationInOpenState the longest open wait, positive; {@link #build()} checks it is at least
     *     {@code waitDurationInOpenState}
     * @return this builder
     */
    public Builder breakerOpenWaitGrowth(double multiplier, Duration maxWaitDurationInOpenState) {
      if (!(multiplier >= 1 && multiplier <= 10)) {
        throw new IllegalArgumentException("Invalid breaker openWaitMultiplier (" + multiplier
            + "): must be in [1, 10]");
      }
      this.openWaitMultiplier = multiplier;
      this.maxOpenWait = positive("maxWaitDurationInOpenState", maxWaitDurationInOpenState);
      return this;
    }

    /**
     * Sets the most breakers kept (one per scope), whatever their states, with their meters. Beyond it the least
     * recently used one is evicted, an idle CLOSED one first; the provider's own breaker never is (for the generic
     * fallback, whose hosts are unbounded, a host's breaker may be, except while a call to that host creates one), and
     * an OPEN breaker not called for twice its longest open wait expires. Default 1000.
     *
     * @param maxBreakers the most breakers kept; at least 1
     * @return this builder
     */
    public Builder maxBreakers(int maxBreakers) {
      this.maxBreakers = atLeast("maxBreakers", maxBreakers, 1);
      return this;
    }

    /**
     * Sets the client-side rate limit: {@code limitForPeriod} requests per {@code period}. Default from the profile.
     * The names are the profile JSON's ({@code defaults.rateLimit.limitForPeriod}, {@code defaults.rateLimit.period})
     * and Spring's ({@code rate-limit.limit-for-period}, {@code rate-limit.period}).
     *
     * @param limitForPeriod the requests allowed per period, at least 1 ({@link #noRateLimit()} removes the limit)
     * @param period the length of a period, positive
     * @return this builder
     */
    public Builder rateLimit(int limitForPeriod, Duration period) {
      this.limitForPeriod = atLeast("rateLimit.limitForPeriod", limitForPeriod, 1);
      this.limitRefreshPeriod = positive("rateLimit.period", period);
      return this;
    }

    /**
     * Removes the client-side rate limit.
     *
     * @return this builder
     */
    public Builder noRateLimit() {
      this.limitForPeriod = 0;
      this.bucketLimits.clear();
      return this;
    }

    /**
     * Sets the limit of one of the profile's operation buckets (an operation's {@code rateLimit}, whose bucket is the
     * operation's name unless it names one): the operations of that bucket take their permits from it instead of
     * the provider's limit. Default from the profile.
     *
     * @param bucket a bucket the profile declares
     * @param limitForPeriod the requests allowed per period, at least 1
     * @param period the length of a period, positive
     * @return this builder
     * @throws IllegalArgumentException if the profile declares no such bucket, or a value is out of range
     */
    public Builder rateLimit(String bucket, int limitForPeriod, Duration period) {
      Objects.requireNonNull(bucket, "bucket");
      boolean declared = profile.compiled().operations().stream()
          .anyMatch(op -> op.rateLimit() != null && op.rateLimit().bucket().equals(bucket));
      if (!declared) {
        throw new IllegalArgumentException("Invalid rateLimit bucket '" + bucket + "': profile " + profile.id()
            + " declares " + (bucketNames().isEmpty() ? "no operation rate limits" : "the buckets " + bucketNames()));
      }
      bucketLimits.put(bucket, new RateLimit(atLeast("rateLimit.limitForPeriod", limitForPeriod, 1),
          positive("rateLimit.period", period)));
      return this;
    }

    private java.util.List<String> bucketNames() {
      return profile.compiled().operations().stream().filter(op -> op.rateLimit() != null)
          .map(op -> op.rateLimit().bucket()).distinct().toList();
    }

    /**
     * Sets the retry budget: {@code maxTokens} tokens, failures take one, successes give back {@code ratio};
     * retries stop while half or fewer remain. A throttling answer that names its reset (a 429 with
     * {@code Retry-After}) takes none: the pause already holds every caller back until then. One budget per account,
     * so per host for the generic fallback (at most {@value ShippingPolicy#MAX_RETRY_BUDGETS}). Defaults 10 and 0.25.
     *
     * @param maxTokens the budget's size in tokens
     * @param ratio the share of a token each success gives back
     * @return this builder
     */
    public Builder retryBudget(int maxTokens, double ratio) {
      this.budgetTokens = atLeast("retryBudget maxTokens", maxTokens, 1);
      if (!(ratio > 0 && ratio <= 1)) {
        throw new IllegalArgumentException("Invalid retryBudget ratio (" + ratio + "): must be in (0, 1]");
      }
      this.budgetRatio = ratio;
      return this;
    }

    /**
     * Sets the header that carries an idempotency key for providers that honour one, or {@code null}. With
     * {@code automatic}, every non-idempotent call gets a random key, reused on each of its attempts. A call with a
     * key is treated as safe to repeat after an ambiguous failure: set this only for a provider that really
     * deduplicates on the header, or a repeated create may book twice (none of the built-in providers documents one).
     *
     * @param header the header name, e.g. {@code Idempotency-Key}, or {@code null} for none
     * @param automatic {@code true} to give every non-idempotent call a random key
     * @return this builder
     */
    public Builder idempotencyKey(@Nullable String header, boolean automatic) {
      if (header != null && !header.matches("[A-Za-z0-9-]+")) {
        throw new IllegalArgumentException("Invalid idempotencyKey header (" + header + "): must be a token");
      }
      if (automatic && header == null) {
        throw new IllegalArgumentException("Invalid idempotencyKey: automatic keys need a header name");
      }
      this.idempotencyKeyHeader = header;
      this.automaticIdempotencyKey = automatic;
      return this;
    }

    /**
     * Sets what refreshes the provider's credentials when an answer says they expired (a profile rule marked
     * {@code "credentials": "expired"}): the engine asks it once per call for fresh headers and sends the request
     * again with them, even a POST, without counting a retry or waiting. Without one (the default), such an answer
     * ends the call with its FAIL, whose reason says the credentials expired; so does a second expiry in one call.
     *
     * @param refresher the refresher, or {@code null} for none
     * @return this builder
     */
    public Builder credentialsRefresher(@Nullable CredentialsRefresher refresher) {
      this.credentialsRefresher = refresher;
      return this;
    }

    /**
     * Sets how many body bytes are read to classify. Default 64 KiB.
     *
     * @param bytes the most body bytes read
     * @return this builder
     */
    public Builder peekLimit(int bytes) {
      this.peekLimit = atLeast("peekLimit", bytes, 64);
      return this;
    }

    /**
     * With {@code true}, FAIL and exhausted retries throw {@link ShippingCallException} (closing the response)
     * instead of returning it. Default {@code false}.
     *
     * @param throwOnFailure {@code true} to throw instead of returning the response
     * @return this builder
     */
    public Builder throwOnFailure(boolean throwOnFailure) {
      this.throwOnFailure = throwOnFailure;
      return this;
    }

    /**
     * Sets the clock (tests inject a fake one).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how blocking calls wait between attempts (tests inject one that advances a fake clock).
     *
     * @param sleeper the sleeper
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Sets where asynchronous calls ({@link ShippingPolicy#executeAsync}) schedule their waits; each step after a wait
     * runs on it, so it must not be a scheduler whose threads do long work. The policy does not shut it down. Default:
     * one scheduler shared by every policy, of {@value ShippingPolicy#DEFAULT_SCHEDULER_THREADS} daemon threads, made
     * at the first wait. Tests inject one driven by their fake clock.
     *
     * @param scheduler the scheduler of asynchronous calls' waits
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the random source of backoff jitter.
     *
     * @param random the random source
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the Micrometer registry. Default: the global composite registry.
     *
     * @param registry the registry the policy's meters go to
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * Sets the registry of the policy's Micrometer Observations: one {@code shipping.resilience.call} per logical
     * call, with a child {@code shipping.resilience.attempt} per request sent and a {@code shipping.resilience.wait}
     * per wait (see {@link dev.shippingresilience.observation}). A blocking call's observation is current while it
     * runs, and each attempt's while the transport sends, so the transport's own observation nests under its
     * attempt; an asynchronous call's parent is the observation current when {@code executeAsync} was called.
     * Default {@link ObservationRegistry#NOOP}: no observation is made and a call allocates nothing for them (nor
     * while the registry has no handler).
     *
     * @param registry the registry, e.g. Spring Boot's {@code ObservationRegistry} bean
     * @return this builder
     */
    public Builder observationRegistry(ObservationRegistry registry) {
      this.observationRegistry = Objects.requireNonNull(registry, "observationRegistry");
      return this;
    }

    /**
     * Sets the listener for events.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ShippingListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets where the rate limit and pauses live: default {@link LocalLimits} (this process). Give every instance of a
     * fleet the same shared implementation (the {@code redis-limits} module) so they draw from one bucket.
     *
     * @param limits the limits store
     * @return this builder
     */
    public Builder sharedLimits(SharedLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Sets the account key the rate limit and pauses are kept under, for several accounts of one provider
     * (default: the provider id).
     *
     * @param account the account key
     * @return this builder
     */
    public Builder account(String account) {
      if (account == null || account.isBlank()) {
        throw new IllegalArgumentException("Invalid account (" + account + "): must not be blank");
      }
      this.account = account;
      return this;
    }

    /**
     * With {@code true}, an opened breaker is announced through {@link SharedLimits#hintOpen} and a hint from
     * another instance fails calls to that scope fast until it expires. Default {@code false}.
     *
     * @param share {@code true} to share and honour breaker hints
     * @return this builder
     */
    public Builder shareBreakerHints(boolean share) {
      this.shareBreakerHints = share;
      return this;
    }

    /** {@return the policy} */
    public ShippingPolicy build() {
      if (maxOpenWait != null && maxOpenWait.compareTo(waitDurationInOpenState) < 0) {
        throw new IllegalArgumentException("Invalid maxWaitDurationInOpenState (" + maxOpenWait
            + "): must be >= waitDurationInOpenState (" + waitDurationInOpenState + ")");
      }
      if (!deadlineSet && maxPollDuration.plusSeconds(30).compareTo(deadline) > 0) {
        // Unless a deadline was set, it grows to fit the longest polling (whenever maxPollDuration was set).
        deadline = maxPollDuration.plusSeconds(30);
      }
      return new ShippingPolicy(this);
    }
  }
}
