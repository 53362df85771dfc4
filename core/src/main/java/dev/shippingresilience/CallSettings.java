package dev.shippingresilience;

import dev.shippingresilience.event.BreakerEvent;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.internal.ExtractionPlan;
import dev.shippingresilience.internal.LruMap;
import dev.shippingresilience.internal.PolicyMetrics;
import dev.shippingresilience.internal.ProfileModel;
import dev.shippingresilience.internal.RetryBudget;
import dev.shippingresilience.internal.ScopedBreakers;
import dev.shippingresilience.spi.LocalLimits;
import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.spi.SharedLimits;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the rules of a call ({@link CallRules}) and its drivers read, fixed once when the policy is built from
 * its builder: attempt and poll limits, the backoff, the deadline, idempotency, the clock, the listener, and the
 * policy's shared state (breakers, rate limits and pauses, retry budgets, meters). Immutable; the shared state it holds
 * is thread-safe and shared by every call of the policy.
 */
final class CallSettings {
  private static final Logger LOG = LoggerFactory.getLogger(ShippingPolicy.class);

  final ProviderProfile profile;
  final ResponseClassifier classifier;
  final int maxAttempts;
  final Duration initialBackoff;
  final Duration maxBackoff;
  /** The backoff ceiling of the n-th retry: exponential from {@link #initialBackoff}, at most {@link #maxBackoff}. */
  final IntervalFunction backoff;
  final Duration pollInterval;
  final Duration maxPollDuration;
  final int maxPolls;
  final Duration deadline;
  final Duration maxRetryAfter;
  final Duration pauseJitter;
  final boolean learnWindow;
  /** How long a call may wait, in all, for open breakers to let it through; ZERO fails fast. */
  final Duration breakerWait;
  final @Nullable String idempotencyKeyHeader;
  final boolean automaticIdempotencyKey;
  final boolean throwOnFailure;
  final @Nullable CredentialsRefresher credentialsRefresher;
  /** Whether a rule of the profile pauses one operation: only then does a call look its operation's pause up. */
  final boolean operationPauses;
  final Clock clock;
  final RandomGenerator random;
  final ShippingListener listener;
  /** Whether events are worth building: a policy without a listener builds none. */
  final boolean listening;
  final PolicyMetrics metrics;
  /** Where the calls' observations go; {@link ObservationRegistry#NOOP} (none made) unless the builder set one. */
  final ObservationRegistry observations;
  final CircuitBreakerConfig breakerConfig;
  /** The breakers' first open wait after closing. */
  final Duration openWait;
  /** How much longer each repeated open wait is (1 = constant). */
  final double openWaitMultiplier;
  /** The longest open wait. */
  final Duration maxOpenWait;
  final ScopedBreakers breakers;
  final @Nullable RateLimit rateLimit;
  /** Per operation with a rate limit of its own, its bucket (limit and key); others use {@link #rateLimit}. */
  private final Map<String, Bucket> operationBuckets;
  final SharedLimits limits;
  final String account;
  final boolean shareBreakerHints;
  /** How blocking calls wait. */
  final Sleeper sleeper;
  /** Where asynchronous calls schedule their waits, or {@code null} for the shared default scheduler. */
  final @Nullable ScheduledExecutorService scheduler;
  /** The fields each poll spec reads from an answer, compiled once (a profile has a few poll specs). */
  private final java.util.concurrent.ConcurrentHashMap<ProfileModel.PollSpec, ExtractionPlan> pollPlans =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** The breaker scope of each operation at the provider level, built once (the operation names are bounded). */
  private final java.util.concurrent.ConcurrentHashMap<String, String> operationScopes =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final LruMap<RetryBudget> budgets = new LruMap<>(ShippingPolicy.MAX_RETRY_BUDGETS);
  final int budgetTokens;
  private final double budgetRatio;
  /** Creates a full budget; one function for every call, so looking a budget up allocates nothing. */
  private final Function<String, RetryBudget> newBudget;

  CallSettings(ShippingPolicy.Builder b) {
    this.profile = b.profile;
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.backoff = IntervalFunction.ofExponentialBackoff(b.initialBackoff, 2.0, b.maxBackoff);
    this.pollInterval = b.pollInterval;
    this.maxPollDuration = b.maxPollDuration;
    this.maxPolls = b.maxPolls;
    this.deadline = b.deadline;
    this.maxRetryAfter = b.maxRetryAfter;
    this.pauseJitter = b.pauseJitter;
    this.learnWindow = b.learnWindow;
    this.breakerWait = b.breakerWait;
    this.idempotencyKeyHeader = b.idempotencyKeyHeader;
    this.automaticIdempotencyKey = b.automaticIdempotencyKey;
    this.throwOnFailure = b.throwOnFailure;
    this.credentialsRefresher = b.credentialsRefresher;
    this.operationPauses = b.profile.compiled().pausesOperations();
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.scheduler = b.scheduler;
    this.random = b.random;
    this.listener = b.listener;
    this.listening = b.listener != ShippingListener.NONE;
    this.rateLimit = b.limitForPeriod > 0 ? new RateLimit(b.limitForPeriod, b.limitRefreshPeriod) : null;
    this.limits = b.limits != null ? b.limits : new LocalLimits(b.clock, b.meterRegistry);
    this.account = b.account != null ? b.account : b.profile.id();
    Map<String, Bucket> buckets = new java.util.HashMap<>();
    for (ProfileModel.OperationSpec op : b.profile.compiled().operations()) {
      RateLimit limit = op.rateLimit() == null ? null : b.bucketLimits.get(op.rateLimit().bucket());
      if (limit != null) {
        String bucket = op.rateLimit().bucket();
        buckets.put(op.name(), new Bucket(bucket, limit, account + "/bucket:" + bucket));
      }
    }
    this.operationBuckets = Map.copyOf(buckets);
    this.shareBreakerHints = b.shareBreakerHints;
    this.classifier = ResponseClassifier.builder()
        .profiles(ProviderProfiles.builtIn().with(b.profile))
        .clock(b.clock)
        .peekLimit(b.peekLimit)
        .build();
    this.metrics = new PolicyMetrics(b.meterRegistry, b.profile.id());
    this.observations = b.observationRegistry;
    this.openWait = b.waitDurationInOpenState;
    this.openWaitMultiplier = b.openWaitMultiplier;
    Duration longest = b.maxOpenWait != null ? b.maxOpenWait
        : Duration.ofNanos((long) Math.min(ShippingPolicy.LONGEST.toNanos(), openWait.toNanos() * b.maxOpenWaitFactor));
    this.maxOpenWait = openWaitMultiplier > 1 && longest.compareTo(openWait) > 0 ? longest : openWait;
    this.breakerConfig = CircuitBreakerConfig.custom()
        .failureRateThreshold(b.failureRateThreshold)
        .minimumNumberOfCalls(b.minimumNumberOfCalls)
        .slidingWindowSize(b.slidingWindowSize)
        // the n-th consecutive open wait (Resilience4j counts the trips since the breaker last closed, from 1)
        .waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(openWait,
            Math.max(1.0, openWaitMultiplier), maxOpenWait))
        .permittedNumberOfCallsInHalfOpenState(b.permittedCallsInHalfOpenState)
        .clock(b.clock)
        .build();
    CircuitBreakerRegistry cbRegistry = CircuitBreakerRegistry.of(breakerConfig);
    ShippingListener l = b.listener;
    // an OPEN breaker expires after twice its longest wait, so a carrier that keeps failing keeps its grown wait;
    // the breakers get no event consumer (one would make Resilience4j build an event on every call): their meters
    // are recorded and their transitions observed by ScopedBreaker
    this.breakers = new ScopedBreakers(cbRegistry, breakerConfig, b.maxBreakers, b.clock, maxOpenWait,
        b.meterRegistry, t -> {
          LOG.info("circuit breaker {}: {} -> {}", t.name(), t.from(), t.to());
          if (shareBreakerHints && t.to() == CircuitBreaker.State.OPEN) {
            limits.hintOpen(t.name(), clock.instant().plus(openWait));
          }
          CallRules.safely(() -> l.onBreakerStateChange(new BreakerEvent(t.name(), t.from().name(), t.to().name())));
        });
    if (!b.profile.compiled().scopeByHost()) {
      // The provider's own breaker exists from the start, so health checks and meters see it before any call.
      breakers.get(b.profile.id());
    }
    this.budgetTokens = b.budgetTokens;
    this.budgetRatio = b.budgetRatio;
    this.newBudget = k -> new RetryBudget(budgetTokens, budgetRatio);
  }

  /** Returns the retry budget of {@code account} (a call's rate-limit account), creating it full. */
  RetryBudget budget(String account) {
    return budgets.computeIfAbsent(account, newBudget);
  }

  /** Returns the number of retry budgets kept. */
  int retryBudgets() {
    return budgets.size();
  }

  /** Returns the lowest remaining tokens among the budgets kept; the full size when there is none yet. */
  double lowestBudgetTokens() {
    double[] lowest = {budgetTokens};
    budgets.forEach((account, budget) -> lowest[0] = Math.min(lowest[0], budget.tokens()));
    return lowest[0];
  }

  /** Returns {@code <provider>/operation:<operation>}, the provider-level operation scope, built once per name. */
  String operationScope(String operationName) {
    String scope = operationScopes.get(operationName);
    if (scope == null) {
      scope = operationScopes.computeIfAbsent(operationName, name -> profile.id() + "/operation:" + name);
    }
    return scope;
  }

  /** Returns the plan that reads {@code spec}'s variables from an answer, built on first use. */
  ExtractionPlan pollPlan(ProfileModel.PollSpec spec) {
    ExtractionPlan plan = pollPlans.get(spec);
    if (plan == null) {
      plan = pollPlans.computeIfAbsent(spec,
          s -> new ExtractionPlan(new java.util.HashSet<>(s.variables().values()), Set.of(), List.of()));
    }
    return plan;
  }

  /** Returns {@code operationName}'s own rate-limit bucket, or {@code null} when it uses the provider's limit. */
  @Nullable Bucket bucket(String operationName) {
    return operationBuckets.isEmpty() ? null : operationBuckets.get(operationName);
  }

  /** Returns the operation buckets' limits by bucket name, sorted by name. */
  Map<String, RateLimit> bucketLimits() {
    Map<String, RateLimit> out = new java.util.TreeMap<>();
    operationBuckets.values().forEach(bucket -> out.put(bucket.name(), bucket.limit()));
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * An operation's own rate-limit bucket.
   *
   * @param name the bucket's name in the profile
   * @param limit its limit
   * @param key its key in the limits for the policy's account: {@code <account>/bucket:<name>}
   */
  record Bucket(String name, RateLimit limit, String key) {}
}
