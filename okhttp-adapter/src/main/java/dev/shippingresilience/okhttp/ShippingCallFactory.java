package dev.shippingresilience.okhttp;

import dev.shippingresilience.CallOptions;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * An OkHttp {@link Call.Factory} that applies the shipping-resilience engine to every call, like
 * {@link ShippingInterceptor}, but whose {@link Call#enqueue enqueue} holds no thread and no dispatcher slot while
 * the engine waits (a backoff, a 429 pause, Clickpost's poll every 10 s for up to 3 minutes). Retrofit takes it as
 * its call factory:
 *
 * <pre>{@code
 * Retrofit retrofit = new Retrofit.Builder()
 *     .baseUrl("https://www.clickpost.in/")
 *     .callFactory(ShippingCallFactory.wrap(okHttpClient, ShippingPolicies.builder().build()))
 *     .build();
 * }</pre>
 *
 * <p>{@code enqueue} runs each attempt as a plain asynchronous call of the wrapped client
 * ({@code client.newCall(attempt).enqueue(...)}) through {@link ShippingPolicy#executeAsync}: an attempt takes a
 * dispatcher slot only while it is exchanged, and the engine schedules every wait on the policy's scheduler. The
 * callback receives the final response, its full body unread, with the same four result headers as the
 * interceptor's ({@link ShippingInterceptor#DECISION_HEADER} and the others), or an {@link java.io.IOException}:
 * the engine's {@link dev.shippingresilience.ShippingCallException}s, the transport's failure, a
 * {@link dev.shippingresilience.CallCancelledException} after {@link Call#cancel()}, anything else wrapped. The
 * callback runs on an OkHttp dispatcher thread: the one the final answer came in on, or one of the dispatcher's
 * executor when the call ended elsewhere (after a wait, or when cancelled).
 *
 * <p>{@code execute} blocks as before: it runs the call through a {@link ShippingInterceptor} on a client derived
 * from the wrapped one, so its result is the interceptor's.
 *
 * <p>Both read the request's tags as the interceptor does ({@link CallOptions}, {@link ProviderTag}), and keep its
 * duties: every intermediate response is closed, a one-shot or duplex body is never sent twice, OkHttp never
 * re-sends a non-idempotent request on its own (its attempts use a client derived once with
 * {@code retryOnConnectionFailure(false)}, sharing the wrapped client's pool and dispatcher), and a response that
 * arrives after a cancel is closed.
 *
 * <p>The call's {@link Call#timeout() timeout} (seeded from the client's call timeout) is the logical call's: it
 * ends the engine's deadline (or the {@link CallOptions#deadline()}, whichever ends first), and it covers the
 * caller's read of the final body, as OkHttp's call timeout does. With {@code enqueue}, each attempt gets only the
 * time left until the deadline, counted from the moment it is handed to the dispatcher (a wait in the dispatcher's
 * queue counts) up to the classified peek of its body; a call whose time ran out ends with
 * {@link dev.shippingresilience.DeadlineExceededException}.
 *
 * <p>Thread-safe; make one per client and share it. The wrapped client's interceptors run for each attempt.
 */
public final class ShippingCallFactory implements Call.Factory {
  /** The wrapped client: attempts OkHttp may repeat on a connection failure, and the dispatcher's executor. */
  final OkHttpClient client;
  /** The wrapped client with {@code retryOnConnectionFailure(false)}: the first send of a non-idempotent request. */
  final OkHttpClient noSilentRetry;
  /** The wrapped client with a {@link ShippingInterceptor} first: {@code execute()}. */
  final OkHttpClient blocking;
  final @Nullable ShippingPolicies policies;
  final @Nullable ShippingPolicy policy;

  private ShippingCallFactory(OkHttpClient client, @Nullable ShippingPolicies policies,
      @Nullable ShippingPolicy policy, ShippingInterceptor interceptor) {
    this.client = client;
    this.noSilentRetry = client.retryOnConnectionFailure()
        ? client.newBuilder().retryOnConnectionFailure(false).build()
        : client;
    OkHttpClient.Builder b = client.newBuilder();
    // Application interceptors run in the order added: the engine's goes first, as ShippingInterceptor's docs ask.
    b.interceptors().add(0, interceptor);
    this.blocking = b.build();
    this.policies = policies;
    this.policy = policy;
  }

  /**
   * {@return a factory whose calls pick each request's policy from {@code policies} by host or tag, and send through
   * {@code client}}
   *
   * @param client the client to send each attempt with (its pool, dispatcher, timeouts and interceptors), without a
   *     {@link ShippingInterceptor} of its own
   * @param policies the policies, one per provider
   * @throws IllegalArgumentException if {@code client} has a {@link ShippingInterceptor}: every call would run the
   *     engine twice
   */
  public static ShippingCallFactory wrap(OkHttpClient client, ShippingPolicies policies) {
    checkNotIntercepted(client);
    return new ShippingCallFactory(client, Objects.requireNonNull(policies, "policies"), null,
        ShippingInterceptor.of(policies));
  }

  /**
   * {@return a factory whose calls apply {@code policy} to every request, and send through {@code client}}
   *
   * @param client the client to send each attempt with (its pool, dispatcher, timeouts and interceptors), without a
   *     {@link ShippingInterceptor} of its own
   * @param policy the policy
   * @throws IllegalArgumentException if {@code client} has a {@link ShippingInterceptor}: every call would run the
   *     engine twice
   */
  public static ShippingCallFactory wrap(OkHttpClient client, ShippingPolicy policy) {
    checkNotIntercepted(client);
    return new ShippingCallFactory(client, null, Objects.requireNonNull(policy, "policy"),
        ShippingInterceptor.of(policy));
  }

  private static void checkNotIntercepted(OkHttpClient client) {
    Objects.requireNonNull(client, "client");
    for (Interceptor i : client.interceptors()) {
      if (i instanceof ShippingInterceptor) {
        throw new IllegalArgumentException("Invalid client for ShippingCallFactory.wrap: it already has a "
            + "ShippingInterceptor, so every call would run the engine twice; wrap a client without it");
      }
    }
  }

  /**
   * {@return a call of {@code request} through the engine; not yet started}
   *
   * @param request the request as the caller would send it, with its {@link CallOptions} and {@link ProviderTag}
   *     tags
   */
  @Override
  public Call newCall(Request request) {
    return new ShippingCall(this, Objects.requireNonNull(request, "request"));
  }

  @Override
  public String toString() {
    return "ShippingCallFactory{" + (policy != null ? policy.provider() : "by host") + "}";
  }
}
