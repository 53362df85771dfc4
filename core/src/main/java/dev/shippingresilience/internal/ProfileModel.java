package dev.shippingresilience.internal;

import dev.shippingresilience.Decision;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The parsed, validated parts of a provider profile. All records are immutable. */
public final class ProfileModel {
  private ProfileModel() {}

  /** Which breaker a decision's failures count against. */
  public enum ScopeKind {
    /** The whole provider. */
    PROVIDER,
    /** One carrier behind an aggregator. */
    CARRIER,
    /** One operation of the provider (e.g. 17TRACK register while the quota is spent). */
    OPERATION
  }

  /**
   * A table entry: what one code (or status) means.
   *
   * @param decision the decision
   * @param reason the reason, one line for people
   * @param scope the breaker scope of a BREAK; for a rule with {@code pauseUntil}, what the pause holds (the
   *     provider or the operation)
   * @param duplicate a SUCCEED meaning an earlier attempt already did it
   * @param notProcessed the answer proves the request was not processed
   * @param pauseUntil the provider's own reset time, or {@code null}: the answer asks to come back then
   * @param credentialsExpired the answer means the credentials (a bearer token) expired and a refresh may fix it
   * @param codeReason for an entry of a code table, the classification's reason when the body's code is this entry's
   *     ({@code "code <code>: <reason>"}), made once when the table is built so that a successful call does not
   *     concatenate it; {@code null} for a rule of a range, of a status or made by the classifier
   */
  public record CodeRule(Decision decision, String reason, ScopeKind scope, boolean duplicate,
      boolean notProcessed, @Nullable PauseUntil pauseUntil, boolean credentialsExpired, @Nullable String codeReason) {
    /** A rule without a pause and without expired credentials. */
    public CodeRule(Decision decision, String reason, ScopeKind scope, boolean duplicate, boolean notProcessed) {
      this(decision, reason, scope, duplicate, notProcessed, null, false, null);
    }

    /** A rule outside a code table. */
    public CodeRule(Decision decision, String reason, ScopeKind scope, boolean duplicate, boolean notProcessed,
        @Nullable PauseUntil pauseUntil, boolean credentialsExpired) {
      this(decision, reason, scope, duplicate, notProcessed, pauseUntil, credentialsExpired, null);
    }

    /** Returns this rule as the table entry of {@code code}, its {@link #codeReason} made. */
    public CodeRule forCode(String code) {
      String made = "code " + code + ": " + reason;
      return made.equals(codeReason) ? this
          : new CodeRule(decision, reason, scope, duplicate, notProcessed, pauseUntil, credentialsExpired, made);
    }

    /** Returns {@code codes} with each rule made the table entry of its code ({@link #forCode}), order kept. */
    public static Map<String, CodeRule> table(Map<String, CodeRule> codes) {
      Map<String, CodeRule> out = new java.util.LinkedHashMap<>();
      codes.forEach((code, rule) -> out.put(code, rule.forCode(code)));
      return java.util.Collections.unmodifiableMap(out);
    }
  }

  /**
   * A reset the provider states in words ("Retry after 12:00AM GMT"): the next time the clock in {@code zone} shows
   * {@code timeOfDay}.
   *
   * @param timeOfDay the time of day of the reset
   * @param zone the zone that time is read in
   */
  public record PauseUntil(LocalTime timeOfDay, ZoneId zone) {
    /** Returns the wait from {@code now} to the next reset strictly after it (at most a day, a DST day included). */
    public Duration after(Instant now) {
      ZonedDateTime here = now.atZone(zone);
      ZonedDateTime next = here.toLocalDate().atTime(timeOfDay).atZone(zone);
      if (!next.toInstant().isAfter(now)) {
        next = here.toLocalDate().plusDays(1).atTime(timeOfDay).atZone(zone);
      }
      return Duration.between(now, next.toInstant());
    }

    /** Returns e.g. {@code 00:00 GMT}. */
    @Override
    public String toString() {
      return timeOfDay + " " + zone.getId();
    }
  }

  /**
   * One condition of a {@link Match}: the value read at {@code pointer} is one of {@code values} or, when
   * {@code negated} ({@code {"not": ...}}), is absent or none of them.
   *
   * @param pointer the pointer as written, with a {@code *} segment for every element of an array
   * @param values the listed values, as the reader keeps values (numbers canonical, booleans "true"/"false")
   * @param negated whether the condition holds when the value is not one of {@code values}
   */
  public record Condition(String pointer, List<String> values, boolean negated) {
    /** Copies the values. */
    public Condition {
      values = List.copyOf(values);
    }

    /** A condition that holds when the value is one of {@code values}. */
    public Condition(String pointer, List<String> values) {
      this(pointer, values, false);
    }

    /** Returns whether {@code value} (the value read, {@code null} when absent) satisfies this condition. */
    public boolean holdsFor(@Nullable String value) {
      return negated ? value == null || !values.contains(value) : value != null && values.contains(value);
    }
  }

  /**
   * A rule chosen by fields other than the code: when every condition holds (for one element of {@code array},
   * when the conditions name one), the rule applies.
   *
   * @param when the conditions, all of which must hold
   * @param array the array whose elements the conditions read ({@code "/errors"}), or {@code null} for the
   *     document
   * @param carrierPointer where the carrier id is (in the element when it has a {@code *} segment), or {@code null}
   * @param signal {@code true}: each matching element is reported per item and does not decide the answer
   * @param rule what a match means
   */
  public record Match(List<Condition> when, @Nullable String array, @Nullable String carrierPointer,
      boolean signal, CodeRule rule) {
    /** Copies the conditions. */
    public Match {
      when = List.copyOf(when);
    }
  }

  /** An inclusive numeric range of codes. */
  public record CodeRange(long from, long to, CodeRule rule) {
    boolean contains(long code) {
      return code >= from && code <= to;
    }
  }

  /** A message-pattern override for one code. */
  public record MessageOverride(String code, Pattern pattern, CodeRule rule) {}

  /** How to read items from a batch response. */
  public record ItemSpec(String arrayPointer, @Nullable String idPointer, @Nullable String codePointer,
      @Nullable String messagePointer, @Nullable String successPointer, @Nullable CodeRule fixed) {}

  /** A second look at a SUCCEED: one more field and what its values mean. */
  public record Refine(String pointer, Map<String, CodeRule> values) {}

  /** How to build a poll request from a pending response. */
  public record PollSpec(String method, String pathTemplate, Map<String, String> variables) {}

  /**
   * How to ask the provider whether a create whose answer was lost was processed: a lookup request built from the
   * original request, and how to read its answer.
   *
   * @param method the lookup's method (GET)
   * @param template the path and query template, e.g. {@code /labels?order_number={requestBody:/order_number}}
   * @param variables the template's variables, by placeholder text (e.g. {@code {requestBody:/order_number}}), each
   *     read from the request: its body ({@link ScopeSource.Source#REQUEST_BODY}) or its query
   * @param found the pointer whose non-empty value in a 2xx answer means "processed"
   * @param statusPointer where the found resource's status is, or {@code null} when any status will do
   * @param statuses the statuses that count as found (with {@code statusPointer}); another status is unknown
   * @param absent the pointer to an array whose emptiness in a 2xx answer means "not processed"
   * @param reason one line for people (the source of the lookup), or {@code null}
   */
  public record ReconcileSpec(String method, String template, Map<String, ScopeSource> variables, String found,
      @Nullable String statusPointer, java.util.Set<String> statuses, String absent, @Nullable String reason) {}

  /**
   * An operation's idempotency key: the header the provider deduplicates on.
   *
   * @param header the header name
   * @param required the provider refuses a request without one
   * @param generate the engine may make one (a random UUID per call) when the caller gave none
   */
  public record IdempotencyKeySpec(String header, boolean required, boolean generate) {}

  /**
   * One operation: which requests it covers and its own code table.
   *
   * @param name the operation name
   * @param method the method, or {@code null} for any
   * @param path the path pattern
   * @param repeatSafe the provider deduplicates every request of the operation: a POST may be repeated
   * @param codes the operation's own code table
   * @param refine the operation's refine, or {@code null}
   * @param poll how to build a poll request, or {@code null}
   * @param businessKey where the request's business key is: a request carrying one may be repeated, or
   *     {@code null}
   * @param idempotencyKey the operation's idempotency key header, or {@code null}
   * @param reconcile how to look up a create whose answer was lost, or {@code null}
   * @param rateLimit the operation's own rate limit, used instead of the provider's, or {@code null}
   */
  public record OperationSpec(String name, @Nullable String method, PathPattern path, boolean repeatSafe,
      Map<String, CodeRule> codes, @Nullable Refine refine, @Nullable PollSpec poll,
      @Nullable ScopeSource businessKey, @Nullable IdempotencyKeySpec idempotencyKey,
      @Nullable ReconcileSpec reconcile, @Nullable OperationLimit rateLimit) {
    /** Returns a copy with {@code codes} as its table. */
    public OperationSpec withCodes(Map<String, CodeRule> codes) {
      return new OperationSpec(name, method, path, repeatSafe, codes, refine, poll, businessKey, idempotencyKey,
          reconcile, rateLimit);
    }
  }

  /**
   * An operation's own rate limit: a bucket of its own (a provider that counts reads apart from writes), shared by the
   * operations that name the same bucket, used instead of the provider's {@code defaults.rateLimit}.
   *
   * @param bucket the bucket's name, the operation's name unless the profile names one
   * @param limit the bucket's limit
   */
  public record OperationLimit(String bucket, RateLimitSpec limit) {}

  /** Where a carrier id can be found. */
  public record ScopeSource(Source source, String location, @Nullable Pattern pattern) {
    /** The kinds of places. */
    public enum Source {
      /** A JSON Pointer into the request body. */
      REQUEST_BODY,
      /** A query parameter of the request URL. */
      QUERY,
      /** A JSON Pointer into the response body. */
      RESPONSE_BODY
    }
  }

  /** Client-side rate limit. */
  public record RateLimitSpec(int limitForPeriod, Duration period) {}

  /**
   * Circuit-breaker settings; the last three are optional ({@code null} when the profile names none).
   *
   * @param failureRateThreshold the percentage of BREAK calls that opens a breaker
   * @param minimumNumberOfCalls the calls needed before the rate counts
   * @param slidingWindowSize the calls the rate is measured over
   * @param waitDurationInOpenState the first open wait
   * @param permittedNumberOfCallsInHalfOpenState the trial calls of a half-open breaker, or {@code null}
   * @param exponentialBackoffMultiplier the growth of each repeated open wait, or {@code null}
   * @param exponentialMaxWaitDurationInOpenState the longest open wait, or {@code null}
   */
  public record BreakerSpec(float failureRateThreshold, int minimumNumberOfCalls, int slidingWindowSize,
      Duration waitDurationInOpenState, @Nullable Integer permittedNumberOfCallsInHalfOpenState,
      @Nullable Double exponentialBackoffMultiplier, @Nullable Duration exponentialMaxWaitDurationInOpenState) {}

  /**
   * Engine defaults from the profile; every field may be absent ({@code learnRateLimitWindow} is {@code true} unless
   * the profile turns it off).
   */
  public record Defaults(@Nullable Integer maxAttempts, @Nullable Duration initialBackoff,
      @Nullable Duration maxBackoff, @Nullable Duration pollInterval, @Nullable Duration maxPollDuration,
      @Nullable Integer maxPolls, @Nullable RateLimitSpec rateLimit, @Nullable BreakerSpec breaker,
      @Nullable String idempotencyKeyHeader, boolean learnRateLimitWindow) {
    /** Defaults with nothing set. */
    public static final Defaults NONE = new Defaults(null, null, null, null, null, null, null, null, null, true);
  }

  /** Secret names the profile adds to the default redaction. */
  public record Secrets(List<String> query, List<String> headers, List<String> bodyFields) {
    /** No extra secrets. */
    public static final Secrets NONE = new Secrets(List.of(), List.of(), List.of());
  }
}
