package dev.shippingresilience.spring;

import java.util.Objects;
import java.util.function.Consumer;
import org.springframework.web.client.RestClient;

/**
 * Adds a {@link ShippingResilienceInterceptor} to a {@link RestClient.Builder}, as its first interceptor, so every
 * attempt passes through the builder's other interceptors (authentication, signing, logging). Applying it to a
 * builder that already has a {@code ShippingResilienceInterceptor} changes nothing: one engine per request.
 *
 * <pre>{@code
 * RestClient client = RestClient.builder()
 *     .apply(new ShippingResilienceCustomizer(ShippingResilienceInterceptor.of(policies)))
 *     .build();
 * }</pre>
 *
 * <p>Plain Spring; Spring Boot applies the same through a {@code RestClientCustomizer} from
 * {@link ShippingResilienceAutoConfiguration}. Immutable and thread-safe.
 */
public final class ShippingResilienceCustomizer implements Consumer<RestClient.Builder> {
  private final ShippingResilienceInterceptor interceptor;

  /**
   * Creates a customizer that adds {@code interceptor}.
   *
   * @param interceptor the interceptor to add
   */
  public ShippingResilienceCustomizer(ShippingResilienceInterceptor interceptor) {
    this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
  }

  /** {@return the interceptor this customizer adds} */
  public ShippingResilienceInterceptor interceptor() {
    return interceptor;
  }

  /** Adds the interceptor first, unless the builder already has a {@link ShippingResilienceInterceptor}. */
  @Override
  public void accept(RestClient.Builder builder) {
    builder.requestInterceptors(interceptors -> {
      if (interceptors.stream().noneMatch(ShippingResilienceInterceptor.class::isInstance)) {
        interceptors.add(0, interceptor);
      }
    });
  }

  @Override
  public String toString() {
    return "ShippingResilienceCustomizer{" + interceptor + "}";
  }
}
