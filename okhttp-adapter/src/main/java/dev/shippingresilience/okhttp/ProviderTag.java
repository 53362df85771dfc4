package dev.shippingresilience.okhttp;

import java.util.Objects;

/**
 * A request tag that pins the provider profile instead of detecting it from the host:
 * {@code new Request.Builder().tag(ProviderTag.class, new ProviderTag("clickpost"))}.
 *
 * @param providerId the profile id, e.g. {@code clickpost}
 */
public record ProviderTag(String providerId) {
  /**
   * Validates the id.
   *
   * @param providerId the profile id, e.g. {@code clickpost}
   */
  public ProviderTag {
    Objects.requireNonNull(providerId, "providerId");
  }
}
