package dev.shippingresilience.okhttp.testing;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/** The callback of one enqueued call: what the call ended with, how often the callback ran, and on which thread. */
public final class Enqueued implements Callback {
  private static final long WAIT_SECONDS = 30;

  private final CompletableFuture<Response> outcome = new CompletableFuture<>();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile @Nullable String thread;

  /** Enqueues {@code call} with a new callback, and returns the callback. */
  public static Enqueued start(Call call) {
    Enqueued callback = new Enqueued();
    call.enqueue(callback);
    return callback;
  }

  @Override
  public void onFailure(Call call, IOException e) {
    ran();
    outcome.completeExceptionally(e);
  }

  @Override
  public void onResponse(Call call, Response response) {
    ran();
    outcome.complete(response);
  }

  private void ran() {
    thread = Thread.currentThread().getName();
    calls.incrementAndGet();
  }

  /** Returns what the call ended with: the response, or the failure. */
  public CompletableFuture<Response> outcome() {
    return outcome;
  }

  /** Returns how often OkHttp's contract allows once: the callback's runs so far. */
  public int calls() {
    return calls.get();
  }

  /** Returns the name of the thread the callback ran on, {@code null} before it ran. */
  public @Nullable String thread() {
    return thread;
  }

  /** Waits for the callback and returns the response it got, or throws the failure it got. */
  public Response response() throws IOException, InterruptedException, TimeoutException {
    try {
      return outcome.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (IOException) e.getCause();
    }
  }

  /** Waits for the callback and returns the failure it got; fails (closing the response) if it got a response. */
  public IOException failure() throws InterruptedException, TimeoutException {
    try (Response r = outcome.get(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("expected a failure, got " + r);
    } catch (ExecutionException e) {
      return (IOException) e.getCause();
    }
  }
}
