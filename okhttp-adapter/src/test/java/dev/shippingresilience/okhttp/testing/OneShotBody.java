package dev.shippingresilience.okhttp.testing;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/** A JSON request body that may be written once only ({@link RequestBody#isOneShot()}): it must never be re-sent. */
public final class OneShotBody extends RequestBody {
  private static final MediaType JSON = MediaType.get("application/json");

  private final String json;

  /** A one-shot body of {@code json}. */
  public OneShotBody(String json) {
    this.json = json;
  }

  @Override
  public MediaType contentType() {
    return JSON;
  }

  @Override
  public boolean isOneShot() {
    return true;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    sink.writeUtf8(json);
  }
}
