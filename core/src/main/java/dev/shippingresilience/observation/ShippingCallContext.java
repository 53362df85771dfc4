package dev.shippingresilience.observation;

import java.util.Objects;

/**
 * The context of a {@value ShippingObservations#CALL} observation: one logical call, from
 * {@code ShippingPolicy.execute} (or {@code executeAsync}) to its result or exception. Its parent is the observation
 * current when the call began (Spring's {@code http.client.requests} under a {@code RestClient}); its children are the
 * call's attempts and waits. Filled by the engine; not thread-safe, but each step of a call happens after the last.
 */
public class ShippingCallContext extends ShippingObservationContext {
  private final String method;
  private final String url;
  private String outcome = ShippingObservations.NONE;
  private String decision = ShippingObservations.NONE;
  private String code = ShippingObservations.NONE;
  private int attempts;
  private int polls;

  /**
   * Creates the context of a call as it begins.
   *
   * @param provider the provider id
   * @param operation the operation name
   * @param method the HTTP method of the request
   * @param url the request's URL, secrets already redacted
   */
  public ShippingCallContext(String provider, String operation, String method, String url) {
    super(provider, operation);
    this.method = Objects.requireNonNull(method, "method");
    this.url = Objects.requireNonNull(url, "url");
  }

  /** {@return the HTTP method of the request} */
  public String method() {
    return method;
  }

  /** {@return the request's URL with the profile's secret query parameters redacted} */
  public String url() {
    return url;
  }

  /**
   * {@return how the call ended, as the {@code shipping.resilience.calls} meter tags it ({@code succeeded},
   * {@code duplicate}, {@code failed}, {@code pending}, {@code retries_exhausted}, {@code breaker_open},
   * {@code poll_timeout}, {@code deadline_exceeded}, {@code cancelled}, {@code io_error}, ...); {@code none} until it
   * ends}
   */
  public String outcome() {
    return outcome;
  }

  /** {@return the decision of the last answer, or {@code none} when there was none} */
  public String decision() {
    return decision;
  }

  /** {@return the last answer's code as the meters tag it (a known code, {@code other} or {@code none})} */
  public String code() {
    return code;
  }

  /** {@return the requests the call sent, polls included} */
  public int attempts() {
    return attempts;
  }

  /** {@return the polls the call sent} */
  public int polls() {
    return polls;
  }

  /**
   * Records how the call ended.
   *
   * @param outcome how it ended (see {@link #outcome()})
   * @param decision the last answer's decision, or {@code none}
   * @param code the last answer's code tag, or {@code none}
   * @param attempts the requests sent
   * @param polls the polls sent
   */
  public void ended(String outcome, String decision, String code, int attempts, int polls) {
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.decision = Objects.requireNonNull(decision, "decision");
    this.code = Objects.requireNonNull(code, "code");
    this.attempts = attempts;
    this.polls = polls;
  }
}
