package dev.shippingresilience.internal;

import dev.shippingresilience.Decision;
import java.time.Duration;
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

  /** A table entry: what one code (or status) means. */
  public record CodeRule(Decision decision, String reason, ScopeKind scope, boolean duplicate,
      boolean notProcessed) {}

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

  /** One operation: which requests it covers and its own code table. */
  public record OperationSpec(String name, @Nullable String method, PathPattern path, boolean repeatSafe,
      Map<String, CodeRule> codes, @Nullable Refine refine, @Nullable PollSpec poll) {}

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

  /** Circuit-breaker settings. */
  public record BreakerSpec(float failureRateThreshold, int minimumNumberOfCalls, int slidingWindowSize,
      Duration waitDurationInOpenState) {}

  /** Engine defaults from the profile; every field may be absent. */
  public record Defaults(@Nullable Integer maxAttempts, @Nullable Duration initialBackoff,
      @Nullable Duration maxBackoff, @Nullable Duration pollInterval, @Nullable Duration maxPollDuration,
      @Nullable Integer maxPolls, @Nullable RateLimitSpec rateLimit, @Nullable BreakerSpec breaker,
      @Nullable String idempotencyKeyHeader) {
    /** Defaults with nothing set. */
    public static final Defaults NONE = new Defaults(null, null, null, null, null, null, null, null, null);
  }

  /** Secret names the profile adds to the default redaction. */
  public record Secrets(List<String> query, List<String> headers, List<String> bodyFields) {
    /** No extra secrets. */
    public static final Secrets NONE = new Secrets(List.of(), List.of(), List.of());
  }
}
