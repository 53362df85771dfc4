package dev.shippingresilience;

import java.util.Objects;

/**
 * What the classifier reads of a response: the status, the headers and a bounded prefix of the body. Immutable.
 *
 * <p>Transports take the prefix with a bounded peek (default {@value #DEFAULT_PEEK_LIMIT} bytes) and leave the
 * full body to the caller.
 */
public final class ResponseSnapshot {
  /** The default number of body bytes the library reads to classify a response: {@value} (64 KiB). */
  public static final int DEFAULT_PEEK_LIMIT = 64 * 1024;

  private static final byte[] NO_BYTES = new byte[0];

  private final int status;
  private final HeaderValues headers;
  private final byte[] bodyPrefix;
  private final boolean cutByPeekLimit;

  private ResponseSnapshot(int status, HeaderValues headers, byte[] bodyPrefix, boolean cutByPeekLimit) {
    this.status = status;
    this.headers = headers;
    this.bodyPrefix = bodyPrefix;
    this.cutByPeekLimit = cutByPeekLimit;
  }

  /**
   * {@return a snapshot}
   *
   * @param status the HTTP status code
   * @param headers the response headers
   * @param bodyPrefix the first bytes of the body (not copied; do not modify it afterwards)
   * @param cutByPeekLimit {@code true} when the body continues past {@code bodyPrefix}
   */
  public static ResponseSnapshot of(int status, HeaderValues headers, byte[] bodyPrefix, boolean cutByPeekLimit) {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(bodyPrefix, "bodyPrefix");
    return new ResponseSnapshot(status, headers, bodyPrefix, cutByPeekLimit);
  }

  /**
   * {@return a snapshot of a complete body given as UTF-8 text (convenient for tests and the CLI)}
   *
   * @param status the HTTP status code
   * @param headers the response headers
   * @param body the whole body
   */
  public static ResponseSnapshot of(int status, HeaderValues headers, String body) {
    return of(status, headers, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
  }

  /**
   * {@return a snapshot with no body}
   *
   * @param status the HTTP status code
   * @param headers the response headers
   */
  public static ResponseSnapshot withoutBody(int status, HeaderValues headers) {
    return of(status, headers, NO_BYTES, false);
  }

  /** {@return the HTTP status code} */
  public int status() {
    return status;
  }

  /** {@return the response headers} */
  public HeaderValues headers() {
    return headers;
  }

  /** {@return the body prefix} Do not modify the array. */
  public byte[] bodyPrefix() {
    return bodyPrefix;
  }

  /** {@return {@code true} when the body is longer than {@link #bodyPrefix()}} */
  public boolean cutByPeekLimit() {
    return cutByPeekLimit;
  }

  /** Returns the status and prefix length only: bodies may hold secrets. */
  @Override
  public String toString() {
    return "ResponseSnapshot{status=" + status + ", prefix=" + bodyPrefix.length + " bytes"
        + (cutByPeekLimit ? ", cut" : "") + "}";
  }
}
