package dev.shippingresilience.spring;

import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.spring.internal.ObservedUris;
import io.micrometer.common.KeyValue;
import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;

/**
 * Spring's observation convention for {@code RestClient} and {@code RestTemplate} requests
 * ({@code http.client.requests}), with secrets masked in the {@code uri} tag and the {@code http.url} key: the value
 * of every query (or matrix, or fragment) parameter that a provider profile, or the default
 * {@link dev.shippingresilience.Redaction}, names secret ({@code key}, {@code username}, {@code auth}, ...), and URI
 * credentials. A URL written as a literal string ({@code .uri("https://.../orders?username=u&key=SECRET")}) is
 * recorded as {@code /orders?username=***&key=***}; a URI template ({@code .uri("/orders?key={key}", key)}) keeps
 * its template, which holds no secret.
 *
 * <p>Spring Boot picks up a bean of this type for its auto-configured {@code RestClient.Builder} and
 * {@code RestTemplateBuilder}; {@link ShippingResilienceAutoConfiguration} defines one unless the application has
 * its own {@code ClientRequestObservationConvention}. Immutable and thread-safe.
 */
public class RedactingClientRequestObservationConvention extends DefaultClientRequestObservationConvention {
  private final ObservedUris uris;

  /**
   * Creates the convention with Spring's default observation name, {@code http.client.requests}.
   *
   * @param profiles the profiles whose secret query names are masked (the default names always are)
   */
  public RedactingClientRequestObservationConvention(ProviderProfiles profiles) {
    this("http.client.requests", profiles);
  }

  /**
   * Creates the convention.
   *
   * @param name the observation (and meter) name, e.g. {@code http.client.requests}
   * @param profiles the profiles whose secret query names are masked (the default names always are)
   */
  public RedactingClientRequestObservationConvention(String name, ProviderProfiles profiles) {
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
  protected KeyValue requestUri(ClientRequestObservationContext context) {
    return uris.redact(super.requestUri(context));
  }
}
