package dev.shippingresilience.observation;

import dev.shippingresilience.Classification;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@value ShippingObservations#ATTEMPT} observation: one request sent, from the moment the engine
 * hands it to the transport to its classified answer or its failure. It is the current observation while the
 * transport's {@code send} runs (for an asynchronous transport: while it starts the request), so the transport's
 * own observation, if it has one, becomes its child.
 */
public class ShippingAttemptContext extends ShippingObservationContext {
  /** {@link #outcome()} of an attempt that got an answer. */
  public static final String ANSWERED = "answered";
  /** {@link #outcome()} of an attempt whose transport failed (no answer). */
  public static final String IO_ERROR = "io_error";
  /** {@link #outcome()} of an attempt ended by the call's cancellation, deadline or a crash. */
  public static final String ABANDONED = "abandoned";
  /** {@link #kind()} of a send of the original request. */
  public static final String KIND_ATTEMPT = "attempt";
  /** {@link #kind()} of a poll. */
  public static final String KIND_POLL = "poll";
  /** {@link #kind()} of a reconcile lookup: asks whether a create whose answer was lost was processed. */
  public static final String KIND_RECONCILE = "reconcile";

  private final int attempt;
  private final int poll;
  private final String method;
  private final String url;
  private final String kind;
  private String outcome = ShippingObservations.NONE;
  private String decision = ShippingObservations.NONE;
  private String code = ShippingObservations.NONE;
  private String scope = ShippingObservations.NONE;
  private @Nullable Classification classification;

  /**
   * Creates the context of an attempt as it is sent.
   *
   * @param provider the provider id
   * @param operation the call's operation name
   * @param attempt the attempt number, 1 for the first send (polls keep their attempt's number)
   * @param poll the poll number, 0 unless this send is a poll
   * @param method the HTTP method sent
   * @param url the URL sent to, secrets already redacted
   */
  public ShippingAttemptContext(String provider, String operation, int attempt, int poll, String method, String url) {
    this(provider, operation, attempt, poll, method, url, poll > 0 ? KIND_POLL : KIND_ATTEMPT);
  }

  /**
   * Creates the context of an attempt of a given kind as it is sent.
   *
   * @param provider the provider id
   * @param operation the call's operation name
   * @param attempt the attempt number, 1 for the first send (polls keep their attempt's number)
   * @param poll the poll number, 0 unless this send is a poll
   * @param method the HTTP method sent
   * @param url the URL sent to, secrets already redacted
   * @param kind {@value #KIND_ATTEMPT}, {@value #KIND_POLL} or {@value #KIND_RECONCILE}
   */
  public ShippingAttemptContext(String provider, String operation, int attempt, int poll, String method, String url,
      String kind) {
    super(provider, operation);
    this.attempt = attempt;
    this.poll = poll;
    this.method = Objects.requireNonNull(method, "method");
    this.url = Objects.requireNonNull(url, "url");
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** {@return {@value #KIND_ATTEMPT}, {@value #KIND_POLL} or {@value #KIND_RECONCILE}} */
  public String kind() {
    return kind;
  }

  /** {@return the attempt number, 1 for the first send} */
  public int attempt() {
    return attempt;
  }

  /** {@return the poll number, 0 unless this send is a poll} */
  public int poll() {
    return poll;
  }

  /** {@return the HTTP method sent} */
  public String method() {
    return method;
  }

  /** {@return the URL sent to, with the profile's secret query parameters redacted} */
  public String url() {
    return url;
  }

  /** {@return {@value #ANSWERED}, {@value #IO_ERROR}, {@value #ABANDONED}, or {@code none} while in flight} */
  public String outcome() {
    return outcome;
  }

  /** {@return the answer's decision; {@code BREAK} for a transport failure (as the meters count it); else none} */
  public String decision() {
    return decision;
  }

  /** {@return the answer's code tag: a known code, {@code other}, {@code io} for a transport failure, or none} */
  public String code() {
    return code;
  }

  /** {@return the breaker scope the answer was classified under, or {@code none}} */
  public String scope() {
    return scope;
  }

  /**
   * {@return the classification of the attempt's answer (decision, code, reason, scope), or {@code null} when it was
   * not answered} For a handler that tells what happened on a call, e.g. why it was retried; not an observation key
   * (the reason is free text).
   */
  public @Nullable Classification classification() {
    return classification;
  }

  /**
   * Records the classification of the attempt's answer; the engine calls it before {@link #ended}.
   *
   * @param classification the classification
   */
  public void classified(Classification classification) {
    this.classification = Objects.requireNonNull(classification, "classification");
  }

  /**
   * Records how the attempt ended.
   *
   * @param outcome {@value #ANSWERED}, {@value #IO_ERROR} or {@value #ABANDONED}
   * @param decision the decision, or {@code none}
   * @param code the code tag, or {@code none}
   * @param scope the breaker scope, or {@code none}
   */
  public void ended(String outcome, String decision, String code, String scope) {
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.decision = Objects.requireNonNull(decision, "decision");
    this.code = Objects.requireNonNull(code, "code");
    this.scope = Objects.requireNonNull(scope, "scope");
  }
}
