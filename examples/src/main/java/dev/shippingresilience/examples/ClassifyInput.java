package dev.shippingresilience.examples;

import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One exchange to classify, from the command line or from one JSON line: the request (provider, method, URL) and
 * the response (status, headers, full body). The static methods validate single values the same way for both
 * sources; {@code label} is the name the user knows the value by ({@code --url} or {@code url}).
 *
 * @param provider the profile id, or {@code null} to detect it from the URL host
 * @param method the upper-case HTTP method
 * @param url the absolute http or https request URL
 * @param status the HTTP status, 100..599
 * @param headers the response headers
 * @param body the whole response body (not copied)
 */
record ClassifyInput(@Nullable String provider, String method, URI url, int status, HeaderValues headers,
    byte[] body) {

  /** The method used when none is given: {@value}. */
  static final String DEFAULT_METHOD = "GET";

  /** RFC 9110 token characters. */
  private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  ClassifyInput {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
  }

  /** Returns {@code raw} as an absolute http(s) URI; the message quotes the URL with its secrets masked. */
  static URI url(String label, String raw) throws UsageException {
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw invalidUrl(label, raw);
    }
    String scheme = uri.getScheme();
    if (scheme == null || uri.getHost() == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw invalidUrl(label, raw);
    }
    return uri;
  }

  private static UsageException invalidUrl(String label, String raw) {
    return new UsageException(label + " must be an absolute http or https URL, got '"
        + Printable.url(raw) + "'");
  }

  /** Returns {@code status} when it lies in 100..599. */
  static int status(String label, long status) throws UsageException {
    if (status < 100 || status > 599) {
      throw new UsageException(label + " must be an integer 100..599, got " + status);
    }
    return (int) status;
  }

  /** Returns {@code raw} parsed as a status in 100..599. */
  static int status(String label, String raw) throws UsageException {
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(label + " must be an integer 100..599, got '" + Printable.text(raw) + "'");
    }
    return status(label, value);
  }

  /** Returns {@code raw} upper-cased when it is an HTTP method token. */
  static String method(String label, String raw) throws UsageException {
    if (!METHOD.matcher(raw).matches()) {
      throw new UsageException(label + " must be an HTTP method such as GET or POST, got '"
          + Printable.text(raw) + "'");
    }
    return raw.toUpperCase(Locale.ROOT);
  }

  /** Returns {@code id} when {@code profiles} holds a profile with that id. */
  static String provider(String label, String id, ProviderProfiles profiles) throws UsageException {
    if (profiles.find(id) == null) {
      StringBuilder known = new StringBuilder();
      profiles.all().forEach(p -> known.append(known.length() == 0 ? "" : ", ").append(p.id()));
      throw new UsageException(label + " names an unknown provider '" + Printable.text(id)
          + "' (known: " + known + ")");
    }
    return id;
  }

  /** Returns the body's length only: bodies may hold secrets. */
  @Override
  public String toString() {
    return "ClassifyInput{" + provider + ", " + method + " " + Redaction.defaults().url(url.toString())
        + ", status=" + status + ", headers=" + headers + ", body=" + body.length + " bytes}";
  }
}
