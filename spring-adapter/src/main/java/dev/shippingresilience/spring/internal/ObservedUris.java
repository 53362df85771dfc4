package dev.shippingresilience.spring.internal;

import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.Redaction;
import io.micrometer.common.KeyValue;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in the URIs Spring's HTTP client observations record (the {@code uri} tag, the {@code http.url}
 * key): URI credentials, and the value of every query, matrix or fragment parameter any profile (or the default
 * redaction) names secret. A value that is a URI-template variable ({@code key={key}}) is kept: it holds no secret
 * and keeps the tag's cardinality low. Immutable and thread-safe.
 */
public final class ObservedUris {
  /** A matrix parameter in the path: {@code ;name=value}, the value running to the next {@code ;}, / or ?. */
  private static final Pattern MATRIX = Pattern.compile("(;)([^=?&;#/]*+)=([^;/?#]*+)");
  /**
   * A parameter in the query or the fragment, after {@code ?}, {@code &}, {@code ;} or {@code #}; as in core's
   * redaction, the value runs to the next {@code &} or {@code #}, whatever it contains.
   */
  private static final Pattern PARAMETER = Pattern.compile("([?&;#])([^=?&;#/]*+)=([^&#]*+)");
  private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{[^{}]*+\\}");

  private final List<Redaction> redactions;

  /** @param profiles the profiles whose secret query names are masked, with the default ones */
  public ObservedUris(ProviderProfiles profiles) {
    List<Redaction> all = new ArrayList<>();
    all.add(Redaction.defaults());
    for (ProviderProfile profile : profiles.all()) {
      all.add(profile.redaction());
    }
    this.redactions = List.copyOf(all);
  }

  /** {@return {@code value} with the same key and its secrets masked} */
  public KeyValue redact(KeyValue value) {
    String redacted = redact(value.getValue());
    return redacted.equals(value.getValue()) ? value : KeyValue.of(value.getKey(), redacted);
  }

  /** {@return {@code uri} (a URI, a path or a URI template) with its secrets masked} */
  public String redact(String uri) {
    String out = Redaction.defaults().uriCredentials(uri);
    if (out.indexOf('=') < 0) {
      return out;
    }
    int pathEnd = pathEnd(out);
    return mask(MATRIX, out.substring(0, pathEnd)) + mask(PARAMETER, out.substring(pathEnd));
  }

  /** Where the path ends: at the first {@code ?} or {@code #}, else at the end. */
  private static int pathEnd(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '?' || c == '#') {
        return i;
      }
    }
    return uri.length();
  }

  private String mask(Pattern parameter, String text) {
    Matcher m = parameter.matcher(text);
    StringBuilder sb = new StringBuilder(text.length());
    while (m.find()) {
      String value = m.group(3);
      boolean masked = isSecret(m.group(2)) && !TEMPLATE_VARIABLE.matcher(value).matches();
      m.appendReplacement(sb, Matcher.quoteReplacement(
          masked ? m.group(1) + m.group(2) + "=" + Redaction.MASK : m.group()));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private boolean isSecret(String name) {
    String decoded = decode(name);
    for (Redaction redaction : redactions) {
      if (redaction.isSecretQueryName(name) || redaction.isSecretQueryName(decoded)) {
        return true;
      }
    }
    return false;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
