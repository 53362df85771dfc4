package dev.shippingresilience.spring.internal;

import dev.shippingresilience.AsyncAttempt;
import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.ProviderResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * One WebClient call as core's {@link AsyncAttempt}: each attempt is the next exchange function's exchange of the
 * original request (or of the profile's poll request), subscribed in the caller's Reactor context, its body peeked
 * ({@link PeekedClientResponse}), and given no longer than the time left until the call's deadline. Nothing blocks:
 * the answer completes the attempt's stage on the transport's thread. Cancelling the stage cancels the exchange or
 * the peek, whichever runs.
 */
public final class ExchangeCall implements AsyncAttempt<PeekedClientResponse> {
  private final ClientRequest original;
  private final ExchangeFunction next;
  private final int peekLimit;
  private final Context context;
  /** The transport's last failure as WebClient reported it, to hand back in place of the cause the engine saw. */
  private volatile @Nullable WebClientRequestException lastTransportFailure;

  /**
   * Creates the call.
   *
   * @param original the request as the caller made it
   * @param next the rest of the filter chain and the connector
   * @param peekLimit the body bytes to classify from
   * @param context the caller's Reactor context, in which every attempt runs
   */
  public ExchangeCall(ClientRequest original, ExchangeFunction next, int peekLimit, ContextView context) {
    this.original = original;
    this.next = next;
    this.peekLimit = peekLimit;
    this.context = Context.of(context);
  }

  @Override
  public CompletionStage<ProviderResponse<PeekedClientResponse>> send(AttemptRequest attempt) {
    InFlight inFlight = new InFlight();
    inFlight.start(next.exchange(requestFor(original, attempt)), attempt.timeLeftMillis());
    return inFlight;
  }

  /**
   * Returns the request to send for {@code attempt}: {@code original} itself when nothing changes, else a copy
   * (attributes, cookies, body inserter and all) with the extra headers, or the poll request: its method and URL,
   * no body and none of the body's headers.
   */
  static ClientRequest requestFor(ClientRequest original, AttemptRequest attempt) {
    if (attempt.original() && attempt.extraHeaders().isEmpty()) {
      return original;
    }
    ClientRequest.Builder request = ClientRequest.from(original);
    if (!attempt.original()) {
      request.method(HttpMethod.valueOf(attempt.method())).url(attempt.uri()).body(BodyInserters.empty())
          .headers(AttemptHttpRequest::removeBodyHeaders);
    }
    return request.headers(headers -> attempt.extraHeaders().forEach(headers::set)).build();
  }

  /** Returns the caller's response for the call's result, with the result headers. */
  public ClientResponse response(CallResult<PeekedClientResponse> result) {
    return result.response().toClientResponse(result.resultHeaders());
  }

  /**
   * Returns what the caller's Mono fails with for the call's {@code failure}: the transport's failure as WebClient
   * reported it ({@link WebClientRequestException}, the engine saw its cause), else the engine's exception itself.
   */
  public Throwable failure(Throwable failure) {
    WebClientRequestException reported = lastTransportFailure;
    return reported != null && reported.getCause() == failure ? reported : failure;
  }

  /** Returns the failure as the engine reads it: a transport's {@link IOException} unwrapped from WebClient's. */
  private Throwable transportFailure(Throwable failure) {
    if (failure instanceof WebClientRequestException reported && reported.getCause() instanceof IOException cause) {
      lastTransportFailure = reported;
      return cause;
    }
    return failure;
  }

  /** One attempt in flight: the stage the engine waits for. */
  private final class InFlight extends CompletableFuture<ProviderResponse<PeekedClientResponse>> {
    /** The exchange and the peek, cancelled when the stage ends otherwise than with the peeked response. */
    private final Disposable.Composite running = Disposables.composite();

    void start(Mono<ClientResponse> exchange, long timeLeftMillis) {
      Disposable timer = Schedulers.parallel().schedule(this::timeUp, timeLeftMillis, TimeUnit.MILLISECONDS);
      whenComplete((response, failure) -> {
        timer.dispose();
        if (failure != null) {
          running.dispose();
        }
      });
      Answer answer = new Answer();
      running.add(answer);
      exchange.subscribe(answer);
    }

    /** The deadline came first: the call ends at its deadline (core reads a failure after it that way). */
    private void timeUp() {
      completeExceptionally(new InterruptedIOException("the attempt ran out of the call's time"));
    }

    private void peeked(PeekedClientResponse response) {
      if (!complete(response)) {
        response.close(); // cancelled or timed out meanwhile: nobody reads it
      }
    }

    /** Receives the exchange's response and starts its peek. */
    private final class Answer extends BaseSubscriber<ClientResponse> {
      private boolean answered;

      @Override
      public Context currentContext() {
        return context;
      }

      @Override
      protected void hookOnNext(ClientResponse response) {
        answered = true;
        if (isDone()) {
          response.releaseBody().subscribe(); // cancelled or timed out as it came
          return;
        }
        running.add(PeekedClientResponse.peek(response, peekLimit, context, InFlight.this::peeked));
      }

      @Override
      protected void hookOnError(Throwable failure) {
        completeExceptionally(transportFailure(failure));
      }

      @Override
      protected void hookOnComplete() {
        if (!answered) {
          completeExceptionally(new IllegalStateException("The exchange completed without a response"));
        }
      }
    }
  }
}
