package dev.shippingresilience;

import java.util.Arrays;
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
  private final byte[] body;
  private final int bodyOffset;
  private final int bodyLength;
  /** Whether {@link #body} is the snapshot's own array, unchanged for its life; else a region lent by a transport. */
  private final boolean owned;
  private final boolean cutByPeekLimit;

  private ResponseSnapshot(int status, HeaderValues headers, byte[] body, int bodyOffset, int bodyLength,
      boolean owned, boolean cutByPeekLimit) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.bodyOffset = bodyOffset;
    this.bodyLength = bodyLength;
    this.owned = owned;
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
    return new ResponseSnapshot(status, headers, bodyPrefix, 0, bodyPrefix.length, true, cutByPeekLimit);
  }

  /**
   * {@return a snapshot that reads its body prefix in place, from a buffer the transport lends}
   *
   * <p>For transports whose response body already sits in an array (OkHttp's buffer segments): nothing is copied on
   * the path of a call. The region must stay unchanged while the engine reads the response, which it does before it
   * closes the response or hands it back (OkHttp changes a segment only once its bytes are consumed). Whatever keeps a
   * snapshot beyond that ({@link PollTimeoutException}) keeps {@link #detached()}.
   *
   * @param status the HTTP status code
   * @param headers the response headers
   * @param buffer the array holding the first bytes of the body
   * @param offset where they start in {@code buffer}
   * @param length how many there are
   * @param cutByPeekLimit {@code true} when the body continues past them
   * @throws IndexOutOfBoundsException when the region is outside {@code buffer}
   */
  public static ResponseSnapshot lent(int status, HeaderValues headers, byte[] buffer, int offset, int length,
      boolean cutByPeekLimit) {
    Objects.requireNonNull(headers, "headers");
    Objects.checkFromIndexSize(offset, length, buffer.length);
    return new ResponseSnapshot(status, headers, buffer, offset, length, false, cutByPeekLimit);
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

  /**
   * {@return the body prefix} Do not modify the array. A snapshot made by {@link #of of} returns its own array; a
   * {@link #lent lent} one returns a copy of its region.
   */
  public byte[] bodyPrefix() {
    return owned ? body : Arrays.copyOfRange(body, bodyOffset, bodyOffset + bodyLength);
  }

  /** {@return how many bytes the body prefix has} */
  public int bodyLength() {
    return bodyLength;
  }

  /**
   * {@return the array the body prefix is read from in place, bytes {@link #bodyOffset()} to {@code bodyOffset() +
   * bodyLength()}} For readers that must not copy it (the classifier); do not modify the array or keep it.
   */
  public byte[] bodyArray() {
    return body;
  }

  /** {@return where the body prefix starts in {@link #bodyArray()}} */
  public int bodyOffset() {
    return bodyOffset;
  }

  /** {@return this snapshot when it owns its bytes, else a copy that does (to keep after the response is closed)} */
  public ResponseSnapshot detached() {
    return owned ? this : new ResponseSnapshot(status, headers, bodyPrefix(), 0, bodyLength, true, cutByPeekLimit);
  }

  /** {@return {@code true} when the body is longer than {@link #bodyPrefix()}} */
  public boolean cutByPeekLimit() {
    return cutByPeekLimit;
  }

  /** Returns the status and prefix length only: bodies may hold secrets. */
  @Override
  public String toString() {
    return "ResponseSnapshot{status=" + status + ", prefix=" + bodyLength + " bytes"
        + (cutByPeekLimit ? ", cut" : "") + "}";
  }
}
