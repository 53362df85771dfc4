package dev.shippingresilience.spring.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Extra host-to-provider mappings, matched like profile hosts: the host itself or any subdomain of it, the longest
 * match winning. Immutable and thread-safe.
 */
public final class HostMappings {
  private static final HostMappings NONE = new HostMappings(Map.of());

  private final Map<String, String> byHost;
  /** The hosts of {@link #byHost} and their providers, by index: a lookup iterates them without allocating. */
  private final String[] hosts;
  private final String[] providers;

  private HostMappings(Map<String, String> byHost) {
    this.byHost = byHost;
    this.hosts = byHost.keySet().toArray(new String[0]);
    this.providers = new String[hosts.length];
    for (int i = 0; i < hosts.length; i++) {
      providers[i] = byHost.get(hosts[i]);
    }
  }

  /** Returns mappings holding {@code hostToProvider} (host names compared case-insensitively). */
  public static HostMappings of(Map<String, String> hostToProvider) {
    if (hostToProvider.isEmpty()) {
      return NONE;
    }
    Map<String, String> copy = new LinkedHashMap<>();
    hostToProvider.forEach((host, provider) -> copy.put(normalize(host), provider));
    return new HostMappings(Map.copyOf(copy));
  }

  /** Returns the provider id mapped to {@code host} or to its closest parent domain, or {@code null}. */
  public @Nullable String providerFor(@Nullable String host) {
    if (host == null || hosts.length == 0) {
      return null;
    }
    String h = normalize(host);
    String best = null;
    int bestLength = 0;
    for (int i = 0; i < hosts.length; i++) {
      String suffix = hosts[i];
      if (suffix.length() > bestLength && isHostOrSubdomain(h, suffix)) {
        best = providers[i];
        bestLength = suffix.length();
      }
    }
    return best;
  }

  /** Returns the mappings, host to provider id. */
  public Map<String, String> asMap() {
    return byHost;
  }

  /** Whether {@code host} is {@code domain} or ends with {@code "." + domain}, without building that string. */
  private static boolean isHostOrSubdomain(String host, String domain) {
    int dot = host.length() - domain.length() - 1;
    return host.equals(domain) || dot >= 0 && host.charAt(dot) == '.' && host.endsWith(domain);
  }

  private static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    // URI.getHost() keeps the brackets of an IPv6 literal; accept the mapping with or without them.
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h;
  }

  @Override
  public String toString() {
    return "HostMappings" + byHost;
  }
}
