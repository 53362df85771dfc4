package dev.shippingresilience.okhttp.internal;

import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.ResponseSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

/** Adapts an OkHttp response to the engine: a bounded peek for the snapshot, the untouched response for the caller. */
public final class OkHttpResponse implements ProviderResponse<Response> {
  private final Response response;
  private final ResponseSnapshot snapshot;
  private final boolean peekBroken;

  /**
   * Peeks at up to {@code peekLimit} bytes of the body (reading from the network, on the calling thread) without
   * consuming them.
   */
  public OkHttpResponse(Response response, int peekLimit) {
    this.response = response;
    ResponseSnapshot s;
    boolean broken = false;
    HeaderValues headers = OkHttpRequests.headers(response.headers());
    try {
      s = peek(response.code(), headers, response.body().source(), peekLimit);
    } catch (IOException e) {
      // A body that breaks while peeking is not a body the peek limit cut: nothing of it is readable, so it is
      // never a success where the body must carry the code. The caller's read fails too.
      s = ResponseSnapshot.withoutBody(response.code(), headers);
      broken = true;
    }
    this.snapshot = s;
    this.peekBroken = broken;
  }

  /**
   * Reads up to {@code peekLimit + 1} bytes of the body into the source's own buffer without consuming them, and
   * returns a snapshot of the first {@code peekLimit}. When they sit in the buffer's first segment (any body of up to
   * a few KiB), the snapshot reads them there in place ({@link ResponseSnapshot#lent}): the segment is left alone
   * until the caller reads the body, after the engine is done. Otherwise they are copied out; not with
   * {@code Response.peekBody}, which would share the buffer's segments so that they cannot be reused, and the
   * caller's read of the body would allocate fresh 8 KiB segments.
   */
  private static ResponseSnapshot peek(int status, HeaderValues headers, BufferedSource source, int peekLimit)
      throws IOException {
    source.request(peekLimit + 1L);
    Buffer buffer = source.getBuffer();
    int length = (int) Math.min(buffer.size(), peekLimit + 1L);
    boolean cut = length > peekLimit;
    int kept = cut ? peekLimit : length;
    if (length == 0) {
      return ResponseSnapshot.withoutBody(status, headers);
    }
    try (Buffer.UnsafeCursor head = buffer.readUnsafe(new Buffer.UnsafeCursor())) {
      head.seek(0);
      if (head.end - head.start >= kept) {
        return ResponseSnapshot.lent(status, headers, head.data, head.start, kept, cut);
      }
    }
    byte[] out = new byte[kept];
    buffer.copyTo(new ArrayOutput(out), 0, kept);
    return ResponseSnapshot.of(status, headers, out, cut);
  }

  /** Returns {@code true} when reading the body for the snapshot failed. */
  public boolean peekBroken() {
    return peekBroken;
  }

  @Override
  public ResponseSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public Response unwrap() {
    return response;
  }

  @Override
  public void close() {
    response.close();
  }

  /** Receives {@code Buffer.copyTo}'s segments into an array of the right size. */
  private static final class ArrayOutput extends OutputStream {
    private final byte[] target;
    private int position;

    ArrayOutput(byte[] target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      target[position++] = (byte) b;
    }

    @Override
    public void write(byte[] data, int offset, int length) {
      System.arraycopy(data, offset, target, position, length);
      position += length;
    }
  }
}
