package dev.shippingresilience.okhttp.internal;

import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.ResponseSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/** Adapts an OkHttp response to the engine: a bounded peek for the snapshot, the untouched response for the caller. */
public final class OkHttpResponse implements ProviderResponse<Response> {
  private static final byte[] EMPTY_BODY = new byte[0];

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
    try {
      byte[] peeked = peek(response, peekLimit);
      boolean cut = peeked.length > peekLimit;
      s = ResponseSnapshot.of(response.code(), OkHttpRequests.headers(response.headers()),
          cut ? Arrays.copyOf(peeked, peekLimit) : peeked, cut);
    } catch (IOException e) {
      // A body that breaks while peeking is not a body the peek limit cut: nothing of it is readable, so it is
      // never a success where the body must carry the code. The caller's read fails too.
      s = ResponseSnapshot.of(response.code(), OkHttpRequests.headers(response.headers()), new byte[0], false);
      broken = true;
    }
    this.snapshot = s;
    this.peekBroken = broken;
  }

  /**
   * Returns up to {@code peekLimit + 1} bytes of the body without consuming them. Copied out of the source's own
   * buffer: {@code Response.peekBody} would share the buffer's segments, which then cannot be reused, so the
   * caller's read of the body would allocate fresh 8 KiB segments.
   */
  private static byte[] peek(Response response, int peekLimit) throws IOException {
    ResponseBody body = response.body();
    BufferedSource source = body.source();
    source.request(peekLimit + 1L);
    Buffer buffer = source.getBuffer();
    int length = (int) Math.min(buffer.size(), peekLimit + 1L);
    if (length == 0) {
      return EMPTY_BODY;
    }
    byte[] out = new byte[length];
    buffer.copyTo(new ArrayOutput(out), 0, length);
    return out;
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
