package dev.shippingresilience.spring;

import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spring.internal.AttributeOptions;
import dev.shippingresilience.spring.internal.ExchangeCall;
import dev.shippingresilience.spring.internal.KnownBody;
import dev.shippingresilience.spring.internal.PeekedClientResponse;
import dev.shippingresilience.spring.internal.PeekingResponse;
import dev.shippingresilience.spring.internal.PolicySelector;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * An {@link ExchangeFilterFunction} that applies the shipping-resilience engine to Spring's reactive
 * {@link WebClient} without blocking a thread: it picks the provider's policy, classifies each response from a
 * bounded peek of its body, and lets core's asynchronous engine ({@link ShippingPolicy#executeAsync}) retry, poll,
 * break or fail. Every wait (a backoff, a 429 pause, Clickpost's poll every 10 s) is scheduled on the policy's
 * scheduler, never slept; each attempt is the next filter's exchange, so the filters after this one and the
 * connector see every attempt. The caller receives the final response with its full body.
 *
 * <pre>{@code
 * WebClient client = WebClient.builder()
 *     .apply(ShippingResilienceExchangeFilter.of(policies)::addTo)
 *     .build();
 * Mono<String> order = client.post().uri(createOrderUrl)
 *     .contentType(MediaType.APPLICATION_JSON)
 *     .body(ShippingResilienceExchangeFilter.bytes(orderJson))  // lets the engine read the carrier from it
 *     .retrieve()
 *     .bodyToMono(String.class)
 *     .onErrorResume(BreakerOpenException.class, e -> fallback()); // failed fast, nothing sent
 * }</pre>
 *
 * <p><b>Which policy.</b> As {@link ShippingResilienceInterceptor} picks it: the
 * {@link ShippingRequestAttributes#PROVIDER} attribute; the extra host mappings ({@link Builder#host}); the profile
 * whose hosts match the request host; else {@code generic-http}, unless {@link Builder#genericFallback(boolean)
 * genericFallback(false)}, in which case the request passes through untouched. {@link #of(ShippingPolicy)} applies
 * one policy to every request. The per-call overrides are the same request attributes
 * ({@link ShippingRequestAttributes}), set with {@code WebClient}'s {@code attribute(name, value)}.
 *
 * <p><b>Errors.</b> The Mono ends with the engine's exception itself, as {@code executeAsync} does:
 * {@link dev.shippingresilience.BreakerOpenException}, {@link dev.shippingresilience.PollTimeoutException},
 * {@link dev.shippingresilience.DeadlineExceededException}, {@link dev.shippingresilience.ShippingCallException}
 * when the policy throws on failure. A transport failure that may not be repeated ends it as {@code WebClient}
 * reports it, a {@link org.springframework.web.reactive.function.client.WebClientRequestException}. A FAIL, or a
 * BREAK or RETRY whose retries ran out, emits the provider's last response, so {@code retrieve()} turns a 4xx/5xx
 * into its {@code WebClientResponseException} and a 200 with a failure code is emitted: look at
 * {@link ShippingResilienceInterceptor#DECISION_HEADER}. An unknown {@link ShippingRequestAttributes#PROVIDER} id or
 * an attribute of the wrong type ends the Mono with {@link IllegalArgumentException} before anything is sent.
 *
 * <p><b>Responses.</b> The final response adds the same four headers as the interceptor's
 * ({@link ShippingResilienceInterceptor#DECISION_HEADER}, {@code DUPLICATE_HEADER}, {@code ATTEMPTS_HEADER}, and
 * {@code CODE_HEADER} when the provider sent a code). Its body is read once: first, buffer by buffer, until more than
 * the policy's peek limit ({@code policy.classifier().peekLimit()}, default 64 KiB) has arrived or the body ended;
 * nothing more is asked of the connection then. The caller's body is those buffers followed by the rest, untouched
 * and at the caller's pace; it can be subscribed once. Every intermediate response's body is drained and released;
 * a cancelled call releases what it holds.
 *
 * <p><b>Request bodies.</b> A retry or poll sends the original request again (a copy with the engine's extra
 * headers, or the profile's bodiless poll request), so its body inserter runs again: {@code bodyValue(...)} and
 * {@link #bytes(byte[])} can; a body from a one-shot {@code Publisher} (an {@code InputStream}'s {@code Flux})
 * cannot be written twice: give such a call {@link ShippingRequestAttributes#CALL_OPTIONS} with
 * {@code bodyRepeatable(false)}. The engine reads the request body (to find the carrier of a profile that names it
 * there, such as Clickpost's {@code courier_partner}) only when it is given with {@link #bytes(byte[])}; other
 * bodies are sent as usual but unseen: set {@link ShippingRequestAttributes#CARRIER} for such a provider. As with
 * {@code RestClient}, a POST is repeated only when core's rules allow it.
 *
 * <p><b>Deadline and cancellation.</b> The call's deadline ({@link ShippingRequestAttributes#DEADLINE} or the
 * policy's) bounds every wait, and each attempt, peek included, gets only the time left (a timer on Reactor's
 * parallel scheduler): when it runs out the Mono ends with {@link dev.shippingresilience.DeadlineExceededException}.
 * Cancelling the subscription (or {@code timeout(...)}, or a {@code take}) cancels the attempt in flight and every
 * later wait: nothing more is sent.
 *
 * <p><b>Threads.</b> The first attempt starts on the subscribing thread; later steps, and the emission of the
 * response, run on the transport's thread that answered or the policy's scheduler after a wait. None blocks.
 *
 * <p>Thread-safe; share one instance. Add it as the first filter ({@link #addTo(WebClient.Builder)} does) so that
 * every attempt passes through the filters after it (authentication, signing, logging).
 */
public final class ShippingResilienceExchangeFilter implements ExchangeFilterFunction {
  private final PolicySelector selector;

  private ShippingResilienceExchangeFilter(PolicySelector selector) {
    this.selector = selector;
  }

  /**
   * {@return a filter that picks each request's policy from {@code policies} by the
   * {@link ShippingRequestAttributes#PROVIDER} attribute or the request host, falling back to {@code generic-http}}
   *
   * @param policies the policies, one per provider
   */
  public static ShippingResilienceExchangeFilter of(ShippingPolicies policies) {
    return builder(policies).build();
  }

  /**
   * {@return a filter that applies {@code policy} to every request, whatever its host} A
   * {@link ShippingRequestAttributes#PROVIDER} attribute naming another provider is rejected.
   *
   * @param policy the policy of every request (a {@code WebClient} for one provider)
   */
  public static ShippingResilienceExchangeFilter of(ShippingPolicy policy) {
    return new ShippingResilienceExchangeFilter(PolicySelector.only(policy));
  }

  /**
   * {@return a builder over {@code policies}}
   *
   * @param policies the policies, one per provider
   */
  public static Builder builder(ShippingPolicies policies) {
    return new Builder(policies);
  }

  /**
   * {@return a request body of these bytes that the engine can read} Use it as {@code .body(bytes(json))} when the
   * provider's profile finds the carrier in the request body (Clickpost's {@code courier_partner}), so that the
   * carrier's breaker applies; it is written again, the same, for every attempt. The caller sets the content type.
   *
   * @param body the request body; copied
   */
  public static BodyInserter<byte[], ReactiveHttpOutputMessage> bytes(byte[] body) {
    return new KnownBody(body.clone());
  }

  /**
   * {@return a request body of this text, encoded as UTF-8, that the engine can read} See {@link #bytes(byte[])}.
   *
   * @param body the request body, e.g. JSON
   */
  public static BodyInserter<byte[], ReactiveHttpOutputMessage> bytes(String body) {
    return new KnownBody(body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@return the policy that applies to {@code request}, or {@code null} when it passes through untouched}
   *
   * @param request the request
   * @throws IllegalArgumentException if the {@link ShippingRequestAttributes#PROVIDER} attribute is not a known id
   */
  public @Nullable ShippingPolicy policyFor(ClientRequest request) {
    return selector.select(request.attributes(), request.url());
  }

  /**
   * Adds this filter to {@code builder} as its first filter, unless the builder already has a
   * {@code ShippingResilienceExchangeFilter} (one engine per request). Use it as
   * {@code WebClient.builder().apply(filter::addTo)}; Spring Boot's auto-configuration does the same to every
   * auto-configured builder.
   *
   * @param builder the builder to add this filter to
   */
  public void addTo(WebClient.Builder builder) {
    builder.filters(filters -> {
      if (filters.stream().noneMatch(ShippingResilienceExchangeFilter.class::isInstance)) {
        filters.add(0, this);
      }
    });
  }

  /**
   * Runs the call through the engine, without blocking: the returned Mono starts the call when subscribed, and
   * cancelling it cancels the call.
   *
   * @return the final response with the result headers, or the engine's exception (see the class description)
   */
  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    ShippingPolicy policy;
    CallOptions options;
    try {
      policy = policyFor(request);
      if (policy == null) {
        return next.exchange(request);
      }
      options = AttributeOptions.from(request.attributes());
    } catch (IllegalArgumentException e) {
      return Mono.error(e);
    }
    byte[] body = request.body() instanceof KnownBody known && known.bytes().length > 0 ? known.bytes() : null;
    RequestSnapshot snapshot = RequestSnapshot.of(request.method().name(), request.url(),
        PeekingResponse.headerValues(request.headers()), body);
    int peekLimit = policy.classifier().peekLimit();
    return Mono.deferContextual(context -> {
      ExchangeCall call = new ExchangeCall(request, next, peekLimit, context);
      // Mono.fromFuture(supplier) cancels the engine's future when the subscription is cancelled.
      return Mono.fromFuture(() -> policy.executeAsync(snapshot, options, call))
          .doOnDiscard(CallResult.class, ShippingResilienceExchangeFilter::discard)
          .map(call::response)
          .onErrorMap(call::failure);
    });
  }

  /** Releases the response of a call whose result came just as its subscription was cancelled. */
  private static void discard(CallResult<?> result) {
    if (result.response() instanceof PeekedClientResponse response) {
      response.close();
    }
  }

  @Override
  public String toString() {
    return "ShippingResilienceExchangeFilter{" + selector + "}";
  }

  /** Builds a {@link ShippingResilienceExchangeFilter}. Not thread-safe. */
  public static final class Builder {
    private final ShippingPolicies policies;
    private final Map<String, String> hosts = new LinkedHashMap<>();
    private boolean genericFallback = true;

    private Builder(ShippingPolicies policies) {
      this.policies = Objects.requireNonNull(policies, "policies");
    }

    /**
     * Sends requests to {@code host}, and to its subdomains, through {@code providerId}'s policy, before profile
     * host detection, as {@link ShippingResilienceInterceptor.Builder#host(String, String)} does.
     *
     * @param host the host name
     * @param providerId the profile id, e.g. {@code clickpost}
     * @return this builder
     * @throws IllegalArgumentException if {@code host} is blank or {@code providerId} has no policy
     */
    public Builder host(String host, String providerId) {
      PolicySelector.checkHost(policies, host, providerId);
      hosts.put(host, providerId);
      return this;
    }

    /**
     * Adds every mapping of {@code hostToProvider}, as {@link #host(String, String)} does.
     *
     * @param hostToProvider host names to profile ids
     * @return this builder
     */
    public Builder hosts(Map<String, String> hostToProvider) {
      hostToProvider.forEach(this::host);
      return this;
    }

    /**
     * Sets whether a request to a host that no profile or mapping claims gets the {@code generic-http} policy
     * ({@code true}, the default) or passes through untouched ({@code false}).
     *
     * @param genericFallback {@code false} to let such requests pass through untouched
     * @return this builder
     */
    public Builder genericFallback(boolean genericFallback) {
      this.genericFallback = genericFallback;
      return this;
    }

    /** {@return the filter} */
    public ShippingResilienceExchangeFilter build() {
      return new ShippingResilienceExchangeFilter(PolicySelector.of(policies, hosts, genericFallback));
    }
  }
}
