package dev.shippingresilience;

import java.io.IOException;
import java.util.concurrent.CompletionStage;

/**
 * Sends one attempt without blocking: the asynchronous twin of {@link Attempt}, for
 * {@link ShippingPolicy#executeAsync}. An adapter implements it once, typically by starting the transport's own
 * asynchronous call (OkHttp's {@code enqueue}, a reactive client) and completing a {@code CompletableFuture} from its
 * callback; the engine calls it as often as its decisions require, never concurrently for one logical call.
 *
 * <pre>{@code
 * AsyncAttempt<Response> attempt = request -> {
 *   CompletableFuture<ProviderResponse<Response>> answer = new CompletableFuture<>();
 *   Call call = client.newCall(toOkHttp(request));
 *   answer.whenComplete((r, e) -> { if (answer.isCancelled()) call.cancel(); });
 *   call.enqueue(new Callback() {
 *     public void onResponse(Call c, Response response) {
 *       if (!answer.complete(wrap(response))) response.close(); // cancelled meanwhile: nobody reads it
 *     }
 *     public void onFailure(Call c, IOException e) { answer.completeExceptionally(e); }
 *   });
 *   return answer;
 * };
 * }</pre>
 *
 * @param <R> the transport's response type
 */
@FunctionalInterface
public interface AsyncAttempt<R> {
  /**
   * Starts sending {@code request} and returns a stage that completes with the response. Must return promptly: it
   * runs on the caller's thread for the first attempt and on the policy's scheduler, or the previous attempt's
   * callback thread, for the others.
   *
   * <p>The stage completes exceptionally with the transport's {@link IOException} on a transport failure, read as
   * for {@link Attempt#send}: {@link java.net.ConnectException}, {@link java.net.UnknownHostException} and
   * {@link java.net.NoRouteToHostException} mean the request never reached the server. A
   * {@link java.util.concurrent.CompletionException} or {@link java.util.concurrent.ExecutionException} around it is
   * looked through. When the logical call is cancelled, the engine cancels the stage
   * ({@code toCompletableFuture().cancel(true)}): the transport should then abandon the request, and close a response
   * it can no longer complete the stage with (a stage that completes anyway, ignoring the cancellation, has its
   * response closed by the engine). The stage must support {@code toCompletableFuture()}.
   *
   * @param request what to send, told the time left until the call's deadline ({@link AttemptRequest#timeLeft()}):
   *     the transport should give the attempt no longer
   * @return the response, body unread
   * @throws IOException a failure found before anything was sent; treated as if the stage had completed with it
   */
  CompletionStage<ProviderResponse<R>> send(AttemptRequest request) throws IOException;
}
