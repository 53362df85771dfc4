package dev.shippingresilience.spring;

import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.spring.internal.ObservedUris;
import io.micrometer.common.KeyValue;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;
import org.springframework.web.reactive.function.client.DefaultClientRequestObservationConvention;

/**
 * Spring WebFlux's observation convention for {@code WebClient} requests ({@code http.client.requests}), with
 * secrets masked in the {@code uri} tag and the {@code http.url} key exactly as
 * {@link RedactingClientRequestObservationConvention} masks them for {@code RestClient}: secret query parameter
 * values and URI credentials, URI-template variables kept.
 *
 * <p>Spring Boot picks up a bean of this type for its auto-configured {@code WebClient.Builder};
 * {@link ShippingResilienceAutoConfiguration} defines one, with WebFlux on the classpath, unless the application
 * has its own WebFlux {@code ClientRequestObservationConvention}. Immutable and thread-safe.
 */
public class RedactingWebClientObservationConvention extends DefaultClientRequestObservationConvention {
  private final ObservedUris uris;

  /**
   * Creates the convention with Spring's default observation name, {@code http.client.requests}.
   *
   * @param profiles the profiles whose secret query names are masked (the default names always are)
   */
  public RedactingWebClientObservationConvention(ProviderProfiles profiles) {
    this("http.client.requests", profiles);
  }

  /**
   * Creates the convention.
   *
   * @param name the observation (and meter) name, e.g. {@code http.client.requests}
   * @param profiles the profiles whose secret query names are masked (the default names always are)
   */
  public RedactingWebClientObservationConvention(String name, ProviderProfiles profiles) {
    super(name);
    this.uris = new ObservedUris(profiles);
  }

  /** {@return Spring's {@code uri} tag with secrets masked} */
  @Override
  protected KeyValue uri(ClientRequestObservationContext context) {
    return uris.redact(super.uri(context));
  }

  /** {@return Spring's {@code http.url} key with secrets masked} */
  @Override
  protected KeyValue httpUrl(ClientRequestObservationContext context) {
    return uris.redact(super.httpUrl(context));
  }
}
