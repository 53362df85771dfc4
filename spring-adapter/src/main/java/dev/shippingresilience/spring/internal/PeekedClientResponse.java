package dev.shippingresilience.spring.internal;

import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.ResponseSnapshot;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.function.client.ClientResponse;
import reactor.util.context.Context;

/**
 * A WebClient response whose first body bytes were read to classify it: the engine sees a snapshot (status, headers,
 * a prefix of at most the peek limit), the caller gets a {@link ClientResponse} whose body is the whole original
 * body ({@link PeekedBody}). {@link #close()} discards the body (released, never read by anyone).
 */
public final class PeekedClientResponse implements ProviderResponse<PeekedClientResponse> {
  private final ClientResponse response;
  private final PeekedBody body;
  private final ResponseSnapshot snapshot;

  private PeekedClientResponse(ClientResponse response, PeekedBody body, ResponseSnapshot snapshot) {
    this.response = response;
    this.body = body;
    this.snapshot = snapshot;
  }

  /**
   * Starts reading the first {@code peekLimit + 1} body bytes of {@code response}; {@code onPeeked} receives the
   * peeked response, unless the returned peek is {@linkplain PeekedBody#dispose() cancelled} first.
   */
  public static PeekedBody peek(ClientResponse response, int peekLimit, Context context,
      Consumer<PeekedClientResponse> onPeeked) {
    int status = response.statusCode().value();
    HeaderValues headers = PeekingResponse.headerValues(response.headers().asHttpHeaders());
    return PeekedBody.peek(response.bodyToFlux(DataBuffer.class), peekLimit, context, body -> onPeeked.accept(
        new PeekedClientResponse(response, body, ResponseSnapshot.of(status, headers, body.prefix(), body.cut()))));
  }

  /**
   * Returns the response for the caller: the original's status and headers plus {@code extraHeaders}, and the whole
   * body, which can be read once.
   */
  public ClientResponse toClientResponse(Map<String, String> extraHeaders) {
    // body(Function), not body(Flux): the latter would drain the original body, which the peek already reads
    return response.mutate()
        .headers(headers -> extraHeaders.forEach(headers::set))
        .body(original -> body)
        .build();
  }

  @Override
  public ResponseSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public PeekedClientResponse unwrap() {
    return this;
  }

  /** Discards the body: drained and released, unless someone already reads it. Never throws. */
  @Override
  public void close() {
    body.discard();
  }

  @Override
  public String toString() {
    return "PeekedClientResponse{" + snapshot + "}";
  }
}
