package dev.shippingresilience.spring.internal;

import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.web.reactive.function.BodyInserter;
import reactor.core.publisher.Mono;

/**
 * A request body of known bytes: written as they are, as often as the engine sends the request, and read by the
 * engine for the call's snapshot (a profile that finds the carrier in the request body needs it). Immutable.
 */
public final class KnownBody implements BodyInserter<byte[], ReactiveHttpOutputMessage> {
  private final byte[] bytes;

  /** Holds {@code bytes}, not copied: the caller hands them over. */
  public KnownBody(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Returns the bytes, not copied: the engine only reads them. */
  public byte[] bytes() {
    return bytes;
  }

  @Override
  public Mono<Void> insert(ReactiveHttpOutputMessage message, Context context) {
    if (message.getHeaders().getContentLength() < 0) {
      message.getHeaders().setContentLength(bytes.length);
    }
    return message.writeWith(Mono.fromSupplier(() -> message.bufferFactory().wrap(bytes)));
  }

  @Override
  public String toString() {
    return "KnownBody{" + bytes.length + " bytes}";
  }
}
