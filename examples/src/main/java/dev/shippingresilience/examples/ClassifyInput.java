package dev.shippingresilience.examples;

import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One exchange to classify, from the command line or from one JSON line: the request (provider, method, URL) and
 * the response (status, headers, the body's first bytes). The static methods validate single values the same way
 * for both sources; {@code label} is the name the user knows the value by ({@code --url} or {@code url}).
 *
 * @param provider the profile id, or {@code null} to detect it from the URL host
 * @param method the upper-case HTTP method
 * @param url the absolute http or https request URL
 * @param status the HTTP status, 100..599
 * @param headers the response headers
 * @param body the body's first bytes, at most the classifier's peek limit (not copied)
 * @param bodyCut {@code true} when the body goes on past {@code body}
 * @param requestBody the request body (where a profile may read the carrier), or {@code null} when none was given
 *     or it is longer than {@link #MAX_REQUEST_BODY} (not copied)
 */
record ClassifyInput(@Nullable String provider, String method, URI url, int status, HeaderValues headers,
    byte[] body, boolean bodyCut, byte @Nullable [] requestBody) {

  /** The method used when none is given: {@value}. */
  static final String DEFAULT_METHOD = "GET";

  /**
   * The longest request body read for the carrier scope, in bytes: {@value}, as the OkHttp adapter
   * ({@link ShippingInterceptor#MAX_SNAPSHOT_REQUEST_BODY}); a longer one is not read, as there.
   */
  static final int MAX_REQUEST_BODY = (int) ShippingInterceptor.MAX_SNAPSHOT_REQUEST_BODY;

  /** The most characters of a user's value an error message quotes: {@value}. */
  static final int QUOTE_LIMIT = 64;

  /** RFC 9110 token characters. */
  private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  ClassifyInput {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
  }

  /**
   * Returns the exchange with the body cut to {@code peekLimit} bytes.
   *
   * @param bodyHead the body's first bytes: all of it, or at least {@code peekLimit + 1} bytes when it is longer
   * @param requestBody the request body, see {@link #requestBody(byte[])}
   */
  static ClassifyInput of(@Nullable String provider, String method, URI url, int status, HeaderValues headers,
      byte[] bodyHead, int peekLimit, byte @Nullable [] requestBody) {
    boolean cut = bodyHead.length > peekLimit;
    return new ClassifyInput(provider, method, url, status, headers,
        cut ? Arrays.copyOf(bodyHead, peekLimit) : bodyHead, cut, requestBody);
  }

  /**
   * Returns the request body from its first bytes ({@link #MAX_REQUEST_BODY} + 1 at most, see {@link #bodyHead}),
   * or {@code null} when it is absent or longer than {@link #MAX_REQUEST_BODY}: then the carrier is not read from
   * it, as in the OkHttp adapter.
   */
  static byte @Nullable [] requestBody(byte @Nullable [] head) {
    return head == null || head.length > MAX_REQUEST_BODY ? null : head;
  }

  /**
   * Returns the first UTF-8 bytes of {@code text}: all of them, or {@code peekLimit + 1} when there are more, so
   * {@link #of} can tell the body goes on without encoding all of it.
   */
  static byte[] bodyHead(String text, int peekLimit) {
    // Each character takes at least one byte, so peekLimit + 1 characters give at least peekLimit + 1 bytes.
    String head = text.length() > peekLimit + 1 ? text.substring(0, peekLimit + 1) : text;
    byte[] bytes = head.getBytes(StandardCharsets.UTF_8);
    return bytes.length > peekLimit + 1 ? Arrays.copyOf(bytes, peekLimit + 1) : bytes;
  }

  /**
   * Returns {@code raw} as an absolute http(s) URI. The message never quotes user info, query or fragment (any
   * of them may hold a credential): at most scheme, host, port and path.
   */
  static URI url(String label, String raw) throws UsageException {
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      // The reason and index only: getMessage() quotes the input.
      throw new UsageException(label + " is not a valid URL: " + e.getReason().toLowerCase(Locale.ROOT)
          + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
    }
    String scheme = uri.getScheme();
    String problem = scheme == null ? "one without a scheme"
        // Without a host what parsed as the scheme may be a user name ("user:password@host/").
        : uri.getHost() == null ? "one without a valid host"
        : scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https") ? null
        : "'" + schemeHostPath(uri) + "'";
    if (problem != null) {
      throw new UsageException(label + " must be an absolute http or https URL, got " + problem);
    }
    return uri;
  }

  /** Returns {@code scheme://host[:port]path} of {@code uri}, which has a host; the path cut to a quote. */
  static String schemeHostPath(URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + quote(path);
  }

  /**
   * Returns {@code raw} safe to quote in a one-line message: secrets masked ({@link Printable#text}), control
   * characters escaped, and cut to {@value #QUOTE_LIMIT} characters.
   */
  static String quote(String raw) {
    // Cut generously first (bounds the masking's work), mask, then cut to the limit: masking the final cut could
    // miss a secret whose name the cut had split.
    String head = raw.length() > 4 * QUOTE_LIMIT ? raw.substring(0, 4 * QUOTE_LIMIT) : raw;
    String printable = Printable.text(head);
    if (printable.length() <= QUOTE_LIMIT && head.length() == raw.length()) {
      return printable;
    }
    int end = Math.min(QUOTE_LIMIT, printable.length());
    if (Character.isHighSurrogate(printable.charAt(end - 1))) {
      end--;
    }
    return printable.substring(0, end) + "...";
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
      throw new UsageException(label + " must be an integer 100..599, got '" + quote(raw) + "'");
    }
    return status(label, value);
  }

  /** Returns {@code raw} upper-cased when it is an HTTP method token. */
  static String method(String label, String raw) throws UsageException {
    if (!METHOD.matcher(raw).matches()) {
      throw new UsageException(label + " must be an HTTP method such as GET or POST, got '"
          + quote(raw) + "'");
    }
    return raw.toUpperCase(Locale.ROOT);
  }

  /** Returns {@code id} when {@code profiles} holds a profile with that id. */
  static String provider(String label, String id, ProviderProfiles profiles) throws UsageException {
    if (profiles.find(id) == null) {
      StringBuilder known = new StringBuilder();
      profiles.all().forEach(p -> known.append(known.length() == 0 ? "" : ", ").append(p.id()));
      throw new UsageException(label + " names an unknown provider '" + quote(id)
          + "' (known: " + known + ")");
    }
    return id;
  }

  /** Returns the body's length only: bodies may hold secrets. */
  @Override
  public String toString() {
    return "ClassifyInput{" + provider + ", " + method + " " + schemeHostPath(url)
        + ", status=" + status + ", headers=" + headers + ", body=" + body.length + " bytes"
        + (bodyCut ? ", cut" : "")
        + (requestBody == null ? "" : ", requestBody=" + requestBody.length + " bytes") + "}";
  }
}
