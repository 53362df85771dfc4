package dev.shippingresilience.spring;

import dev.shippingresilience.Attempt;
import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResultHeaders;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.spring.internal.AttemptDeadline;
import dev.shippingresilience.spring.internal.AttemptHttpRequest;
import dev.shippingresilience.spring.internal.AttributeOptions;
import dev.shippingresilience.spring.internal.PeekingResponse;
import dev.shippingresilience.spring.internal.PolicySelector;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@link ClientHttpRequestInterceptor} that applies the shipping-resilience engine to {@code RestClient} (and
 * {@code RestTemplate}) calls: it picks the provider's policy, classifies each response from a bounded peek of its
 * body, and lets the core engine retry, poll, break or fail. The caller receives the final response with its full
 * body unread. The retry and poll loop is core's; this class only translates Spring's request and response.
 *
 * <pre>{@code
 * RestClient client = RestClient.builder()
 *     .requestFactory(DeadlineRequestFactories.jdk(HttpClient.newHttpClient(), Duration.ofSeconds(30)))
 *     .apply(new ShippingResilienceCustomizer(ShippingResilienceInterceptor.of(ShippingPolicies.builder().build())))
 *     .build();
 * try {
 *   String order = client.post().uri(createOrderUrl).body(json).retrieve().body(String.class);
 * } catch (ResourceAccessException e) {
 *   if (e.getCause() instanceof BreakerOpenException open) { ... } // failed fast, nothing sent
 * }
 * }</pre>
 *
 * <p><b>Which policy.</b> In order: the {@link ShippingRequestAttributes#PROVIDER} attribute; the extra host
 * mappings ({@link Builder#host(String, String)}); the profile whose hosts match the request host
 * ({@link ShippingPolicies#forUri(URI)}); else the {@code generic-http} policy, unless
 * {@link Builder#genericFallback(boolean) genericFallback(false)}, in which case the request passes through
 * untouched. Per-call overrides travel as request attributes, see {@link ShippingRequestAttributes}.
 *
 * <p><b>Errors.</b> The engine's exceptions ({@link dev.shippingresilience.BreakerOpenException},
 * {@link dev.shippingresilience.PollTimeoutException}, {@link dev.shippingresilience.DeadlineExceededException},
 * {@link dev.shippingresilience.CallCancelledException}, and {@link dev.shippingresilience.ShippingCallException}
 * when the policy throws on failure) and transport failures that may not be repeated are {@link IOException}s:
 * this interceptor lets them propagate, so {@code RestClient} throws a
 * {@link org.springframework.web.client.ResourceAccessException} whose {@code getCause()} is the engine's exception
 * (the message has the URL without its query string; ours never hold secrets). A FAIL, or a BREAK or RETRY whose
 * retries ran out, returns the provider's last response as usual, so {@code retrieve()} turns a 4xx/5xx into its
 * {@code HttpClientErrorException}/{@code HttpServerErrorException} and a 200 with a failure code is returned:
 * look at {@value #DECISION_HEADER}. An unknown {@link ShippingRequestAttributes#PROVIDER} id or a request attribute
 * of the wrong type throws {@link IllegalArgumentException} before anything is sent.
 *
 * <p><b>Responses.</b> Every intermediate response is closed by the engine; a response that arrived before an
 * exception is closed too. The final response adds four headers: {@value #DECISION_HEADER},
 * {@value #DUPLICATE_HEADER}, {@value #ATTEMPTS_HEADER} and, when the provider sent a code, {@value #CODE_HEADER}.
 * Reading the body for classification reads at most the policy's peek limit
 * ({@code policy.classifier().peekLimit()}, default 64 KiB) plus one byte into memory; the rest streams on.
 *
 * <p><b>Safety.</b> The request body is Spring's buffered byte array, so it can be sent again, but a POST is
 * repeated only when core's rules allow it (never after an ambiguous failure such as a connection reset). Prefer a
 * client that does not re-send requests by itself: {@code JdkClientHttpRequestFactory} does not re-send a POST;
 * {@code SimpleClientHttpRequestFactory} ({@code HttpURLConnection}) may silently re-send one on a stale
 * keep-alive connection unless {@code -Dsun.net.http.retryPost=false}.
 *
 * <p><b>Deadline.</b> The call's deadline ({@link ShippingRequestAttributes#DEADLINE} or the policy's) bounds every
 * wait, and each attempt's request gets only the time left when its request factory can take a time limit per
 * request: {@link DeadlineRequestFactories#jdk(java.net.http.HttpClient, Duration)} (the whole exchange) and
 * {@link DeadlineRequestFactories#simple()} (connect and each read). Spring's own factories hold their timeouts per
 * factory: through them a request already sent runs to the factory's own timeouts. A factory of your own can read
 * the time left with {@link #attemptTimeLeft()}. When an attempt runs out of time the call ends with
 * {@link dev.shippingresilience.DeadlineExceededException}, carrying the last classification.
 *
 * <p>Thread-safe; share one instance. Add it as the first interceptor so that every attempt passes through the
 * interceptors after it (authentication, signing, logging), as {@link ShippingResilienceCustomizer} does.
 */
public final class ShippingResilienceInterceptor implements ClientHttpRequestInterceptor {
  /** Response header added with the final decision, e.g. {@code SUCCEED}. */
  public static final String DECISION_HEADER = ResultHeaders.DECISION;
  /** Response header added with {@code true} when an earlier attempt already reached the goal (Clickpost 323). */
  public static final String DUPLICATE_HEADER = ResultHeaders.DUPLICATE;
  /** Response header added with the number of sends, polls included. */
  public static final String ATTEMPTS_HEADER = ResultHeaders.ATTEMPTS;
  /** Response header added with the provider code of the final response, when it had one. */
  public static final String CODE_HEADER = ResultHeaders.CODE;

  private final PolicySelector selector;

  private ShippingResilienceInterceptor(Builder b) {
    this.selector = PolicySelector.of(b.policies, b.hosts, b.genericFallback);
  }

  /**
   * {@return an interceptor that picks each request's policy from {@code policies} by the
   * {@link ShippingRequestAttributes#PROVIDER} attribute or the request host, falling back to {@code generic-http}}
   *
   * @param policies the policies, one per provider
   */
  public static ShippingResilienceInterceptor of(ShippingPolicies policies) {
    return builder(policies).build();
  }

  /**
   * {@return a builder over {@code policies}}
   *
   * @param policies the policies, one per provider
   */
  public static Builder builder(ShippingPolicies policies) {
    return new Builder(policies);
  }

  /** {@return the policies this interceptor picks from} */
  public ShippingPolicies policies() {
    return selector.policies();
  }

  /** {@return the extra host mappings, host to provider id} */
  public Map<String, String> hosts() {
    return selector.hosts();
  }

  /** {@return whether requests to hosts no profile claims get the {@code generic-http} policy} */
  public boolean genericFallback() {
    return selector.genericFallback();
  }

  /**
   * {@return the time left until the call's deadline for the attempt the current thread is sending through a
   * {@code ShippingResilienceInterceptor}, rounded up to whole milliseconds, or {@code null} outside an attempt}
   * Spring creates the transport request on the interceptor's thread, so a {@code ClientHttpRequestFactory} can call
   * this from {@code createRequest} to give that one request no more time (as
   * {@link DeadlineRequestFactories} does).
   */
  public static @Nullable Duration attemptTimeLeft() {
    return AttemptDeadline.timeLeft();
  }

  /**
   * {@return the policy that applies to {@code request}, or {@code null} when it passes through untouched}
   *
   * @param request the request
   * @throws IllegalArgumentException if the {@link ShippingRequestAttributes#PROVIDER} attribute is not a known id
   */
  public @Nullable ShippingPolicy policyFor(HttpRequest request) {
    return selector.select(request.getAttributes(), request.getURI());
  }

  /**
   * Runs the call through the engine.
   *
   * @throws IOException the engine's {@link dev.shippingresilience.ShippingCallException}s, or the transport's
   *     failure when it may not be repeated; {@code RestClient} wraps them in a {@code ResourceAccessException}
   */
  @Override
  public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
      throws IOException {
    ShippingPolicy policy = policyFor(request);
    if (policy == null) {
      return execution.execute(request, body);
    }
    CallOptions options = AttributeOptions.from(request.getAttributes());
    RequestSnapshot snapshot = RequestSnapshot.of(request.getMethod().name(), request.getURI(),
        PeekingResponse.headerValues(request.getHeaders()), body.length == 0 ? null : body);
    Attempt<PeekingResponse> attempt = new Send(request, body, execution, policy.classifier().peekLimit());
    CallResult<PeekingResponse> result = policy.execute(snapshot, options, attempt);
    PeekingResponse response = result.response();
    try {
      result.resultHeaders().forEach(response::setHeader);
      return response;
    } catch (RuntimeException e) {
      // Spring's contract: a response received before the interceptor throws is closed.
      response.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return "ShippingResilienceInterceptor{" + selector + "}";
  }

  /**
   * One call's attempts: each sends the request (or the poll request) through the rest of the chain with the
   * attempt's deadline visible to the request factory, and peeks the response. One object per call, nothing more
   * per attempt.
   */
  private static final class Send implements Attempt<PeekingResponse>, AttemptDeadline.Send<PeekingResponse> {
    private final HttpRequest request;
    private final byte[] body;
    private final ClientHttpRequestExecution execution;
    private final int peekLimit;
    /** The attempt being sent; set just before {@link #send()} runs, on the calling thread. */
    private @Nullable AttemptRequest current;

    Send(HttpRequest request, byte[] body, ClientHttpRequestExecution execution, int peekLimit) {
      this.request = request;
      this.body = body;
      this.execution = execution;
      this.peekLimit = peekLimit;
    }

    @Override
    public PeekingResponse send(AttemptRequest attemptRequest) throws IOException {
      long deadline = AttemptDeadline.deadlineNanos(attemptRequest.timeLeftMillis());
      current = attemptRequest;
      PeekingResponse response = AttemptDeadline.during(deadline, this);
      if (response.peekBroken() && System.nanoTime() - deadline >= 0) {
        // The body was cut off when the attempt's time ran out: no answer, the call ends at its deadline.
        response.close();
        throw new InterruptedIOException("the attempt ran out of the call's time");
      }
      return response;
    }

    @Override
    public PeekingResponse send() throws IOException {
      AttemptRequest attemptRequest = Objects.requireNonNull(current);
      return PeekingResponse.peek(execution.execute(AttemptHttpRequest.of(request, attemptRequest),
          AttemptHttpRequest.body(body, attemptRequest)), peekLimit);
    }
  }

  /** Builds a {@link ShippingResilienceInterceptor}. Not thread-safe. */
  public static final class Builder {
    private final ShippingPolicies policies;
    private final Map<String, String> hosts = new LinkedHashMap<>();
    private boolean genericFallback = true;

    private Builder(ShippingPolicies policies) {
      this.policies = Objects.requireNonNull(policies, "policies");
    }

    /**
     * Sends requests to {@code host}, and to its subdomains, through {@code providerId}'s policy, before profile
     * host detection (for a provider behind a proxy or gateway host, or a sandbox host the profile lacks). The
     * longest matching host wins.
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

    /** {@return the interceptor} */
    public ShippingResilienceInterceptor build() {
      return new ShippingResilienceInterceptor(this);
    }
  }
}
