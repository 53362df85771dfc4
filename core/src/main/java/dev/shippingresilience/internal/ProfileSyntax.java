package dev.shippingresilience.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Syntax checks for profile values that end up in HTTP: host names, header names, methods, URL paths and query
 * names. Each returns {@code null} when the value is valid, else the problem as a sentence quoting the value.
 */
public final class ProfileSyntax {
  /** An RFC 9110 token (tchar): header names and methods. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  /** RFC 3986 path characters, plus the '{name}' of templates and the '*' of patterns. */
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@%/{}-]*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9-]+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  /** What may stand between the brackets of an IPv6 literal; never a name, so never a DNS lookup. */
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*");
  private static final int MAX_HOST = 253;
  private static final int MAX_LABEL = 63;

  private ProfileSyntax() {}

  /**
   * Checks a profile host: a DNS name of at least two labels ({@code localhost} excepted), an IPv4 address or a
   * bracketed IPv6 address, as {@link java.net.URI#getHost()} returns it. Wildcards are refused: an entry already
   * matches its subdomains.
   */
  public static @Nullable String hostProblem(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    String shown = "'" + shown(host) + "'";
    if (h.isEmpty()) {
      return "not a host name: empty";
    }
    if (h.contains("://")) {
      return shown + " is a URL: write a host name, not a URL";
    }
    if (h.startsWith("*.")) {
      return shown + " is a wildcard, but hosts already match every subdomain: write '" + shown(host.substring(2))
          + "' for " + shown;
    }
    if (h.startsWith("[") || h.endsWith("]")) {
      return ipv6Problem(h, shown);
    }
    if (h.indexOf('/') >= 0) {
      return shown + " has a path: write a host name without a path";
    }
    if (h.indexOf(':') >= 0) {
      return h.indexOf(':') == h.lastIndexOf(':')
          ? shown + " has a port: write a host name without a port (an entry matches every port)"
          : shown + " looks like an IPv6 address: write it in brackets, e.g. '[::1]'";
    }
    if (h.length() > MAX_HOST) {
      return shown + " is longer than " + MAX_HOST + " characters";
    }
    String[] labels = h.split("\\.", -1);
    if (DIGITS.matcher(labels[labels.length - 1]).matches()) {
      return ipv4(labels) ? null : shown + " is not a valid IPv4 address (four numbers from 0 to 255)";
    }
    for (String label : labels) {
      if (label.isEmpty()) {
        return shown + " has an empty label";
      }
      if (label.length() > MAX_LABEL) {
        return shown + " has a label longer than " + MAX_LABEL + " characters";
      }
      if (!LABEL.matcher(label).matches()) {
        return shown + " is not a valid host name: labels hold only letters, digits and '-'";
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return shown + ": label '" + label + "' must not start or end with '-'";
      }
    }
    if (labels.length < 2 && !h.equals("localhost")) {
      return shown + " needs at least two labels (a top-level domain would match every host under it); "
          + "'localhost' is the one single-label host accepted";
    }
    return null;
  }

  private static boolean ipv4(String[] labels) {
    if (labels.length != 4) {
      return false;
    }
    for (String label : labels) {
      if (!OCTET.matcher(label).matches() || Integer.parseInt(label) > 255) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable String ipv6Problem(String h, String shown) {
    String problem = shown + " is not a valid IPv6 address (write it as the URL does, e.g. '[::1]')";
    if (h.length() < 3 || !h.startsWith("[") || !h.endsWith("]")
        || !IPV6_CHARS.matcher(h.substring(1, h.length() - 1)).matches()) {
      return problem;
    }
    try {
      // A bracketed literal is parsed, never looked up.
      InetAddress.getByName(h);
      return null;
    } catch (UnknownHostException | IllegalArgumentException e) {
      return problem;
    }
  }

  /** Checks an HTTP header name: an RFC 9110 token. */
  public static @Nullable String headerNameProblem(String name) {
    return TOKEN.matcher(name).matches() ? null : "'" + shown(name) + "' is not a valid HTTP header name "
        + "(an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~, no spaces, colons or line breaks)";
  }

  /** Checks an HTTP method: an RFC 9110 token. */
  public static @Nullable String methodProblem(String method) {
    return TOKEN.matcher(method).matches() ? null : "'" + shown(method) + "' is not a valid HTTP method "
        + "(an RFC 9110 token, e.g. GET or POST)";
  }

  /** Checks the characters of a path pattern or template: RFC 3986 path characters, '*' and '{name}'. */
  public static @Nullable String pathProblem(String path) {
    return PATH.matcher(path).matches() ? null : "'" + shown(path) + "' may only hold URL path characters "
        + "(letters, digits, -._~!$&'()*+,;=:@%/, '*' and '{name}'), no query, fragment or spaces";
  }

  /** Checks a query parameter name as it stands in a raw URL. */
  public static @Nullable String queryNameProblem(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '&' || c == '=' || c == '#') {
        return "'" + shown(name) + "' is not a valid query parameter name (no white space, '&', '=' or '#')";
      }
    }
    return name.isEmpty() ? "'' is not a valid query parameter name (it must not be empty)" : null;
  }

  /** Returns {@code value} with control characters escaped, so a message stays on one line. */
  public static String shown(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
