package dev.shippingresilience.spring.internal;

import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.ResponseSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.CollectionUtils;

/**
 * A {@link ClientHttpResponse} whose first bytes were read to classify it: the engine sees a snapshot (status,
 * headers, a prefix of at most the peek limit), the caller reads the full body (the buffered prefix, then the rest
 * of the original stream). Never buffers more than {@code peekLimit + 1} bytes. {@link #close()} closes the original
 * once. Not thread-safe, like the response it wraps.
 */
public final class PeekingResponse implements ClientHttpResponse, ProviderResponse<PeekingResponse> {
  private static final int FIRST_CHUNK = 8192;
  /** The headers the interceptor adds to a final response. */
  private static final int RESULT_HEADERS = 4;

  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(PeekingResponse.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ClientHttpResponse delegate;
  private final HttpStatusCode status;
  private final HttpHeaders headers;
  private final InputStream body;
  private final ResponseSnapshot snapshot;
  private final boolean peekBroken;
  @SuppressWarnings("unused") // through CLOSED
  private volatile boolean closed;

  private PeekingResponse(ClientHttpResponse delegate, HttpStatusCode status, HttpHeaders headers, InputStream body,
      ResponseSnapshot snapshot, boolean peekBroken) {
    this.delegate = delegate;
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.snapshot = snapshot;
    this.peekBroken = peekBroken;
  }

  /**
   * Reads status, headers and up to {@code peekLimit + 1} body bytes of {@code response}. A body that fails while
   * being read is classified on what arrived, as a body that ends early (never a success where the body must carry
   * the code); the caller's read fails too.
   *
   * @throws IOException if the status cannot be read; {@code response} is closed then
   */
  public static PeekingResponse peek(ClientHttpResponse response, int peekLimit) throws IOException {
    try {
      HttpStatusCode status = response.getStatusCode();
      HttpHeaders original = response.getHeaders();
      // One pass over the response's headers fills both the caller's writable copy (the original's are not touched)
      // and the engine's view. The copy has room for the result headers, so adding them never grows its tables.
      HttpHeaders headers = new HttpHeaders(CollectionUtils.toMultiValueMap(
          new ResponseHeaderMap(original.size() + RESULT_HEADERS)));
      Fields fields = new Fields(original.size(), headers);
      HttpHeaders.readOnlyHttpHeaders(original).forEach(fields);
      HeaderValues headerValues = fields.toHeaderValues();

      int limit = peekLimit + 1;
      // A declared length within the peek sizes the buffer exactly, so the snapshot can share it without a copy.
      long declared = original.getContentLength();
      boolean exact = declared >= 0 && declared <= peekLimit;
      byte[] buffer = exact ? new byte[(int) declared] : new byte[Math.min(limit, FIRST_CHUNK)];
      int read = 0;
      boolean ended = false;
      boolean broken = false;
      InputStream in = null;
      try {
        in = response.getBody();
        while (read < limit) {
          if (read == buffer.length) {
            if (exact) {
              // all declared bytes are in: one more read tells the end from a body longer than it said
              int next = in.read();
              if (next < 0) {
                ended = true;
                break;
              }
              exact = false;
              buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max(FIRST_CHUNK, buffer.length * 2L)));
              buffer[read++] = (byte) next;
              continue;
            }
            buffer = Arrays.copyOf(buffer, (int) Math.min(limit, buffer.length * 2L));
          }
          int n = in.read(buffer, read, buffer.length - read);
          if (n < 0) {
            ended = true;
            break;
          }
          read += n;
        }
      } catch (IOException e) {
        broken = true;
      }
      // A body that broke while being read ends early: that is a truncated body, not one the peek limit cut.
      boolean cut = !broken && read > peekLimit;
      byte[] prefix = read == buffer.length && read <= peekLimit
          ? buffer : Arrays.copyOf(buffer, Math.min(read, peekLimit));
      ResponseSnapshot snapshot = ResponseSnapshot.of(status.value(), headerValues, prefix, cut);

      InputStream peeked = new ByteArrayInputStream(buffer, 0, read);
      InputStream body = ended || in == null ? peeked : new SequenceInputStream(peeked, in);
      return new PeekingResponse(response, status, headers, body, snapshot, broken);
    } catch (IOException | RuntimeException e) {
      response.close();
      throw e;
    }
  }

  /**
   * Returns Spring headers as core's client-independent view: one pass over the names as the headers store them
   * (Spring's own iteration first copies every name into a case-insensitive set), one array of fields, copied once
   * into the view.
   */
  public static HeaderValues headerValues(HttpHeaders headers) {
    Fields fields = new Fields(headers.size(), null);
    HttpHeaders.readOnlyHttpHeaders(headers).forEach(fields);
    if (fields.hasCaseVariants()) {
      // A map that keeps names as sent can hold one header under two spellings, each with all the values: Spring's
      // case-insensitive iteration lists it once.
      fields = new Fields(headers.size(), null);
      headers.forEach(fields);
    }
    return fields.toHeaderValues();
  }

  /** Collects header fields as alternating names and values, and copies each header into a target if any. */
  private static final class Fields implements BiConsumer<String, List<String>> {
    private final @Nullable HttpHeaders copy;
    private String[] fields;
    private int size;

    Fields(int names, @Nullable HttpHeaders copy) {
      this.fields = new String[Math.max(2, names * 2)];
      this.copy = copy;
    }

    @Override
    public void accept(String name, List<String> values) {
      if (copy != null) {
        copy.put(name, values);
      }
      for (int i = 0, n = values.size(); i < n; i++) {
        if (size == fields.length) {
          fields = Arrays.copyOf(fields, size * 2);
        }
        fields[size++] = name;
        fields[size++] = values.get(i);
      }
    }

    /** Whether two of the names differ only in case. */
    boolean hasCaseVariants() {
      for (int i = 2; i < size; i += 2) {
        for (int j = 0; j < i; j += 2) {
          if (!fields[i].equals(fields[j]) && fields[i].equalsIgnoreCase(fields[j])) {
            return true;
          }
        }
      }
      return false;
    }

    HeaderValues toHeaderValues() {
      String[] f = fields;
      return HeaderValues.of(size / 2, i -> f[2 * i], i -> f[2 * i + 1]);
    }
  }

  /** Sets a response header the caller will see (the interceptor adds the decision headers this way). */
  public void setHeader(String name, String value) {
    headers.set(name, value);
  }

  /** Returns {@code true} when reading the body's first bytes failed (the snapshot is then marked as cut). */
  public boolean peekBroken() {
    return peekBroken;
  }

  /** Returns {@code true} once {@link #close()} has run. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public ResponseSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public PeekingResponse unwrap() {
    return this;
  }

  @Override
  public HttpStatusCode getStatusCode() {
    return status;
  }

  @Override
  public String getStatusText() throws IOException {
    return delegate.getStatusText();
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  /** Returns the full body: the peeked prefix, then the rest of the original stream. The same stream each time. */
  @Override
  public InputStream getBody() {
    return body;
  }

  /** Closes the original response, once; later calls do nothing. Never throws. */
  @Override
  public void close() {
    if (CLOSED.compareAndSet(this, false, true)) {
      try {
        delegate.close();
      } catch (RuntimeException e) {
        // ProviderResponse.close must not throw; the connection is gone either way.
      }
    }
  }

  @Override
  public String toString() {
    return "PeekingResponse{" + snapshot + "}";
  }
}
