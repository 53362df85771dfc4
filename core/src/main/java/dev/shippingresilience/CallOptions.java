package dev.shippingresilience;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Per-call overrides: operation, carrier scope, idempotency key, deadline and cancellation. Immutable; no global
 * state. {@link #none()} uses the policy's settings for everything.
 */
public final class CallOptions {
  private static final CallOptions NONE = new Builder().build();

  private final @Nullable String operation;
  private final @Nullable String carrier;
  private final @Nullable String idempotencyKey;
  private final @Nullable Duration deadline;
  private final @Nullable CancellationToken cancellation;
  private final boolean bodyRepeatable;
  private final boolean safeToRepeat;

  private CallOptions(Builder b) {
    this.operation = b.operation;
    this.carrier = b.carrier;
    this.idempotencyKey = b.idempotencyKey;
    this.deadline = b.deadline;
    this.cancellation = b.cancellation;
    this.bodyRepeatable = b.bodyRepeatable;
    this.safeToRepeat = b.safeToRepeat;
  }

  /** {@return options that override nothing} */
  public static CallOptions none() {
    return NONE;
  }

  /** {@return a builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the operation name to classify with instead of matching method and path, or {@code null}} */
  public @Nullable String operation() {
    return operation;
  }

  /** {@return the carrier id used as breaker scope, or {@code null} to read it from the exchange} */
  public @Nullable String carrier() {
    return carrier;
  }

  /** {@return the idempotency key to send on every attempt, or {@code null}} */
  public @Nullable String idempotencyKey() {
    return idempotencyKey;
  }

  /** {@return the total deadline of this call, or {@code null} for the policy's} */
  public @Nullable Duration deadline() {
    return deadline;
  }

  /** {@return the cancellation token, or {@code null}} */
  public @Nullable CancellationToken cancellation() {
    return cancellation;
  }

  /**
   * {@return {@code false} when the request body can be sent only once (a stream, a one-shot or duplex body): then
   * the original request is never sent twice, whatever the decision} Default {@code true}.
   */
  public boolean bodyRepeatable() {
    return bodyRepeatable;
  }

  /**
   * {@return {@code true} when the caller vouches that repeating this request is safe even though its method is
   * not idempotent (a JSON-RPC read sent as POST, such as Abicart's {@code Order.get})} Default {@code false}.
   */
  public boolean safeToRepeat() {
    return safeToRepeat;
  }

  /** {@return a builder holding these options} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.operation = operation;
    b.carrier = carrier;
    b.idempotencyKey = idempotencyKey;
    b.deadline = deadline;
    b.cancellation = cancellation;
    b.bodyRepeatable = bodyRepeatable;
    b.safeToRepeat = safeToRepeat;
    return b;
  }

  /** Builds {@link CallOptions}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String operation;
    private @Nullable String carrier;
    private @Nullable String idempotencyKey;
    private @Nullable Duration deadline;
    private @Nullable CancellationToken cancellation;
    private boolean bodyRepeatable = true;
    private boolean safeToRepeat;

    private Builder() {}

    /**
     * Sets the operation name (one of the profile's, or any name for metrics).
     *
     * @param operation the operation name, or {@code null} to match it from the request's method and path
     * @return this builder
     */
    public Builder operation(@Nullable String operation) {
      this.operation = operation;
      return this;
    }

    /**
     * Sets the carrier id used as breaker scope.
     *
     * @param carrier the carrier id, or {@code null} to read it from the exchange
     * @return this builder
     */
    public Builder carrier(@Nullable String carrier) {
      this.carrier = carrier;
      return this;
    }

    /**
     * Sets the idempotency key sent on every attempt of this call (the policy must name the header). With a key,
     * a non-idempotent request may be repeated.
     *
     * @param key the key, or {@code null} for none
     * @return this builder
     */
    public Builder idempotencyKey(@Nullable String key) {
      this.idempotencyKey = key;
      return this;
    }

    /**
     * Sets the total deadline of this call.
     *
     * @param deadline the deadline, or {@code null} for the policy's
     * @return this builder
     * @throws IllegalArgumentException if not positive, or longer than 3650 days
     */
    public Builder deadline(@Nullable Duration deadline) {
      if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
        throw new IllegalArgumentException("Invalid deadline (" + deadline + "): must be positive");
      }
      this.deadline = deadline == null ? null : ShippingPolicy.Builder.notBeyondLongest("deadline", deadline);
      return this;
    }

    /**
     * Sets the token that cancels this call's waits and polls.
     *
     * @param token the token, or {@code null} for none
     * @return this builder
     */
    public Builder cancellation(@Nullable CancellationToken token) {
      this.cancellation = token;
      return this;
    }

    /**
     * Declares whether the request body may be sent more than once (default {@code true}).
     *
     * @param repeatable {@code false} when the body is a stream, a one-shot or a duplex body
     * @return this builder
     */
    public Builder bodyRepeatable(boolean repeatable) {
      this.bodyRepeatable = repeatable;
      return this;
    }

    /**
     * Vouches that this request may be repeated although its method is not idempotent (a read over POST).
     * Never needed for GET, PUT, DELETE or operations the profile marks repeat-safe.
     *
     * @param safe {@code true} when repeating this request cannot do harm
     * @return this builder
     */
    public Builder safeToRepeat(boolean safe) {
      this.safeToRepeat = safe;
      return this;
    }

    /** {@return the options} */
    public CallOptions build() {
      return new CallOptions(this);
    }
  }

  @Override
  public String toString() {
    return "CallOptions{operation=" + operation + ", carrier=" + carrier + ", idempotencyKey="
        + (idempotencyKey == null ? "none" : "set") + ", deadline=" + deadline + "}";
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CallOptions c && Objects.equals(operation, c.operation) && Objects.equals(carrier, c.carrier)
        && Objects.equals(idempotencyKey, c.idempotencyKey) && Objects.equals(deadline, c.deadline)
        && cancellation == c.cancellation && bodyRepeatable == c.bodyRepeatable
        && safeToRepeat == c.safeToRepeat;
  }

  @Override
  public int hashCode() {
    return Objects.hash(operation, carrier, idempotencyKey, deadline, bodyRepeatable, safeToRepeat);
  }
}
