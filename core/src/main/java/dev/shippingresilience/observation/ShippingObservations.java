package dev.shippingresilience.observation;

/**
 * The names and key names of the engine's observations, as the default conventions write them. Every key is present
 * on every observation of its name (a value of {@value #NONE} when there is nothing to say), so metrics made from
 * them keep one set of tags.
 */
public final class ShippingObservations {
  /** One logical call: every attempt, poll and wait of it. */
  public static final String CALL = "shipping.resilience.call";
  /** One request sent (the first, a retry or a poll), from the send to its answer or failure. */
  public static final String ATTEMPT = "shipping.resilience.attempt";
  /** One wait between requests, from its start to its end or cancellation. */
  public static final String WAIT = "shipping.resilience.wait";

  /** Low cardinality: the provider id, e.g. {@code clickpost}. */
  public static final String PROVIDER = "provider";
  /** Low cardinality: the operation name of the profile, e.g. {@code create-order}, or {@code other}. */
  public static final String OPERATION = "operation";
  /** Low cardinality: the decision, e.g. {@code POLL}, or {@value #NONE}. */
  public static final String DECISION = "decision";
  /**
   * Low cardinality: the business code when the profile knows it, {@code other} for a code it does not know,
   * {@code io} for a transport failure, {@value #NONE} without a code (as the meters tag it).
   */
  public static final String CODE = "code";
  /** Low cardinality: how it ended (a closed set per observation; see the conventions). */
  public static final String OUTCOME = "outcome";
  /** Low cardinality: the simple class name of the exception it ended with, or {@value #NONE}. */
  public static final String EXCEPTION = "exception";
  /** Low cardinality: the HTTP method of an attempt. */
  public static final String METHOD = "method";
  /** Low cardinality: what an attempt is: {@code attempt}, {@code poll} or {@code reconcile} (a lookup). */
  public static final String KIND = "kind";
  /** Low cardinality: why the engine waits: {@code backoff}, {@code retry_after}, {@code poll}, ... */
  public static final String CAUSE = "cause";
  /** High cardinality: the attempt number (1 for the first send; polls keep their attempt's number). */
  public static final String ATTEMPT_NUMBER = "attempt";
  /** High cardinality: the poll number, 0 unless the send is a poll. */
  public static final String POLL_NUMBER = "poll";
  /** High cardinality: the breaker scope that classified an answer, e.g. {@code clickpost/carrier:5}. */
  public static final String SCOPE = "scope";
  /** High cardinality: the URL with the profile's secret query parameters redacted. */
  public static final String URL = "url";
  /** High cardinality: the wait the engine planned, ISO-8601 (e.g. {@code PT10S}). */
  public static final String PLANNED = "planned";
  /** High cardinality: the requests a call sent. */
  public static final String ATTEMPTS = "attempts";
  /** High cardinality: the polls a call sent. */
  public static final String POLLS = "polls";
  /** The value of a key with nothing to say. */
  public static final String NONE = "none";

  private ShippingObservations() {}
}
