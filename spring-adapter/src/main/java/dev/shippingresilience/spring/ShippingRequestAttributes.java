package dev.shippingresilience.spring;

/**
 * Names of the {@code RestClient} request attributes that {@link ShippingResilienceInterceptor} reads to override
 * the policy's settings for one call. Set them per request, or for every request of a client:
 *
 * <pre>{@code
 * restClient.post().uri("https://www.clickpost.in/api/v3/create-order/?username={u}&key={k}", user, key)
 *     .attribute(ShippingRequestAttributes.CARRIER, "5")
 *     .attribute(ShippingRequestAttributes.DEADLINE, Duration.ofSeconds(30))
 *     .body(order)
 *     .retrieve()
 *     .body(String.class);
 *
 * RestClient clickpost = builder
 *     .defaultRequest(r -> r.attribute(ShippingRequestAttributes.PROVIDER, "clickpost"))
 *     .build();
 * }</pre>
 *
 * <p>A value of the wrong type makes the interceptor throw {@link IllegalArgumentException} naming the attribute;
 * an unknown {@link #PROVIDER} id makes it throw {@link IllegalArgumentException} listing the known ids. Neither
 * sends anything.
 */
public final class ShippingRequestAttributes {
  /**
   * The provider id whose policy applies, e.g. {@code "clickpost"} ({@link String}); overrides detection by host.
   */
  public static final String PROVIDER = "dev.shippingresilience.provider";

  /**
   * The profile operation to classify with instead of matching method and path, e.g. {@code "create-order"}
   * ({@link String}).
   */
  public static final String OPERATION = "dev.shippingresilience.operation";

  /**
   * The carrier id used as breaker scope, e.g. {@code "5"} ({@link String} or {@link Number}); without it the
   * carrier is read from the request as the profile describes (Clickpost's {@code courier_partner}).
   */
  public static final String CARRIER = "dev.shippingresilience.carrier";

  /**
   * The idempotency key sent on every attempt of the call ({@link String}); the policy must name the header. With
   * a key, a POST may be repeated.
   */
  public static final String IDEMPOTENCY_KEY = "dev.shippingresilience.idempotency-key";

  /** The total deadline of the call, retries, waits and polls included ({@link java.time.Duration}). */
  public static final String DEADLINE = "dev.shippingresilience.deadline";

  /**
   * {@link Boolean#TRUE} to vouch that the request may be repeated although its method is not idempotent (a read
   * sent as POST, such as Abicart's JSON-RPC {@code Order.get}).
   */
  public static final String SAFE_TO_REPEAT = "dev.shippingresilience.safe-to-repeat";

  /**
   * Complete {@link dev.shippingresilience.CallOptions} to start from (for a cancellation token, for example); the
   * other attributes override its values.
   */
  public static final String CALL_OPTIONS = "dev.shippingresilience.call-options";

  private ShippingRequestAttributes() {}
}
