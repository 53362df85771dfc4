package dev.shippingresilience;

import dev.shippingresilience.internal.ClassifierCore;
import dev.shippingresilience.internal.CompiledProfile;
import dev.shippingresilience.internal.Extraction;
import dev.shippingresilience.internal.ProfileModel.OperationSpec;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decides what a provider response means. A pure function of the profile, the request and the response snapshot:
 * it never throws on anything a body contains, never reads more than the peek limit and never puts a secret in a
 * reason. Immutable and thread-safe.
 *
 * <pre>{@code
 * ResponseClassifier classifier = ResponseClassifier.builder().build();
 * Classification c = classifier.classify(
 *     RequestSnapshot.of("POST", "https://www.clickpost.in/api/v3/create-order/"),
 *     ResponseSnapshot.of(200, HeaderValues.empty(), "{\"meta\":{\"status\":102}}"));
 * // c.decision() == Decision.POLL
 * }</pre>
 */
public final class ResponseClassifier {
  private final ProviderProfiles profiles;
  private final Clock clock;
  private final int peekLimit;

  private ResponseClassifier(Builder b) {
    this.profiles = b.profiles;
    this.clock = b.clock;
    this.peekLimit = b.peekLimit;
  }

  /** {@return a builder with the built-in profiles, the system clock and a 64 KiB peek limit} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the profiles this classifier knows} */
  public ProviderProfiles profiles() {
    return profiles;
  }

  /** {@return the number of body bytes read at most} */
  public int peekLimit() {
    return peekLimit;
  }

  /**
   * Classifies with the profile detected from the request host ({@code generic-http} when none matches).
   *
   * @param request the request the response answers
   * @param response the response snapshot
   * @return the classification
   */
  public Classification classify(RequestSnapshot request, ResponseSnapshot response) {
    return classify(profiles.forHost(request.host()), request, response, null, null);
  }

  /**
   * Classifies with the profile {@code providerId}.
   *
   * @param providerId the profile id, e.g. {@code clickpost}
   * @param request the request the response answers
   * @param response the response snapshot
   * @return the classification
   * @throws IllegalArgumentException if no profile has that id
   */
  public Classification classify(String providerId, RequestSnapshot request, ResponseSnapshot response) {
    return classify(profiles.require(providerId), request, response, null, null);
  }

  /**
   * Classifies with an explicit profile and optional per-call overrides.
   *
   * @param profile the provider's profile
   * @param request the request
   * @param response the response snapshot
   * @param operation the operation name to use instead of matching method and path, or {@code null}
   * @param carrier the carrier id to use as breaker scope instead of reading it from the exchange, or {@code null}
   * @return the classification
   */
  public Classification classify(ProviderProfile profile, RequestSnapshot request, ResponseSnapshot response,
      @Nullable String operation, @Nullable String carrier) {
    return classify(profile, request, response, operation, carrier, null);
  }

  /** As the public overload, with the request body already read by {@link ProviderProfile#readRequest}, if it was. */
  Classification classify(ProviderProfile profile, RequestSnapshot request, ResponseSnapshot response,
      @Nullable String operation, @Nullable String carrier, @Nullable Extraction requestRead) {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(response, "response");
    CompiledProfile compiled = profile.compiled();
    OperationSpec op = operation != null
        ? compiled.operationNamed(operation)
        : compiled.operationFor(request.method(), rawPath(request));
    String operationName = operation != null ? operation : op != null ? op.name() : Classification.OTHER_OPERATION;
    ClassifierCore.Context ctx = new ClassifierCore.Context(compiled, profiles.generic().compiled(), op,
        operationName, profile.plan(op), profile.requestPlan(), peekLimit, clock.instant(), carrier,
        profile.redaction(), requestRead);
    return ClassifierCore.classify(ctx, request, response);
  }

  /** Returns the carrier the request names (override, body or query), for gating before a send. */
  @Nullable String requestCarrier(ProviderProfile profile, RequestSnapshot request, @Nullable String carrier,
      @Nullable Extraction requestRead) {
    return ClassifierCore.requestCarrier(profile.compiled(), request, carrier, profile.requestPlan(), requestRead,
        peekLimit);
  }

  /** Returns the operation name {@code request} matches, or {@code other}. */
  static String operationName(ProviderProfile profile, RequestSnapshot request, @Nullable String operation) {
    if (operation != null) {
      return operation;
    }
    OperationSpec op = profile.compiled().operationFor(request.method(), rawPath(request));
    return op != null ? op.name() : Classification.OTHER_OPERATION;
  }

  static String rawPath(RequestSnapshot request) {
    return request.rawPath();
  }

  /** Builds a {@link ResponseClassifier}. Not thread-safe; {@link #build()} copies the settings. */
  public static final class Builder {
    private ProviderProfiles profiles = ProviderProfiles.builtIn();
    private Clock clock = Clock.systemUTC();
    private int peekLimit = ResponseSnapshot.DEFAULT_PEEK_LIMIT;

    private Builder() {}

    /**
     * Sets the profiles to classify with. Default: {@link ProviderProfiles#builtIn()}.
     *
     * @param profiles the profiles
     * @return this builder
     */
    public Builder profiles(ProviderProfiles profiles) {
      this.profiles = Objects.requireNonNull(profiles, "profiles");
      return this;
    }

    /**
     * Sets the clock used to turn reset times into waits. Default: the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how many body bytes are read at most. Default {@value ResponseSnapshot#DEFAULT_PEEK_LIMIT}.
     *
     * @param bytes the most body bytes read; at least 64
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is below 64
     */
    public Builder peekLimit(int bytes) {
      if (bytes < 64) {
        throw new IllegalArgumentException("Invalid peekLimit (" + bytes + "): must be >= 64 bytes");
      }
      this.peekLimit = bytes;
      return this;
    }

    /** {@return the classifier} */
    public ResponseClassifier build() {
      return new ResponseClassifier(this);
    }
  }
}
