package dev.shippingresilience;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A logical call ended without a response to hand back, or the user opted into exceptions for FAIL and exhausted
 * retries. An {@link IOException} so OkHttp and Spring can carry it. The message says provider, decision, code
 * and attempts, e.g. {@code provider clickpost: BREAK after 4 attempts (http 200, code 322)}; it never contains
 * secrets. Earlier failures of the same call are attached as suppressed exceptions.
 */
public class ShippingCallException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The provider id. */
  private final String provider;
  /** The last decision, or {@code null} when no response arrived. */
  private final @Nullable Decision decision;
  /** The last provider code, or {@code null}. */
  private final @Nullable String code;
  /** The attempts made, polls included. */
  private final int attempts;
  private final transient @Nullable Classification classification;

  /**
   * Creates the exception.
   *
   * @param message the whole message (no secrets)
   * @param provider the provider id
   * @param classification the last classification, or {@code null} when no response arrived
   * @param attempts the attempts made, polls included
   * @param cause the underlying I/O failure, or {@code null}
   */
  public ShippingCallException(String message, String provider, @Nullable Classification classification,
      int attempts, @Nullable Throwable cause) {
    super(message, cause);
    this.provider = provider;
    this.classification = classification;
    this.decision = classification == null ? null : classification.decision();
    this.code = classification == null ? null : classification.code();
    this.attempts = attempts;
  }

  /** Returns a message in the house format: {@code provider P: DECISION after N attempts (http S, code C)}. */
  static String describe(String provider, @Nullable Classification c, int attempts, String what) {
    StringBuilder sb = new StringBuilder("provider ").append(provider).append(": ").append(what);
    sb.append(" after ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
    if (c != null) {
      sb.append(" (http ").append(c.httpStatus());
      if (c.code() != null) {
        sb.append(", code ").append(c.code());
      }
      sb.append(", ").append(c.reason()).append(')');
    }
    return sb.toString();
  }

  /** {@return the provider id} */
  public String provider() {
    return provider;
  }

  /** {@return the last decision, or {@code null} when no response arrived} */
  public @Nullable Decision decision() {
    return decision;
  }

  /** {@return the last provider code, or {@code null}} */
  public @Nullable String code() {
    return code;
  }

  /** {@return the number of sends, polls included} */
  public int attempts() {
    return attempts;
  }

  /** {@return the last classification, or {@code null} when no response arrived} */
  public @Nullable Classification classification() {
    return classification;
  }
}
