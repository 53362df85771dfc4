package dev.shippingresilience;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one redaction utility of the library: masks API keys and tokens in URLs (query parameters), header values
 * and JSON bodies before anything is logged, put in a message or shown to a user. Immutable and thread-safe.
 *
 * <p>The defaults cover every seed provider: query {@code key}, {@code username}, {@code auth}, {@code session};
 * headers {@code as-api-key}, {@code postmen-api-key}, {@code aftership-api-key}, {@code 17token},
 * {@code Authorization} (and any {@code as-signature-*}); body field {@code key}. Profiles add their own names
 * through {@link #with(Collection, Collection, Collection)}.
 */
public final class Redaction {
  /** What a secret value is replaced with: {@value}. */
  public static final String MASK = "***";

  private static final Set<String> DEFAULT_QUERY = Set.of(
      "key", "username", "auth", "session", "token", "api_key", "apikey", "access_token", "password", "secret");
  private static final Set<String> DEFAULT_HEADERS = Set.of(
      "as-api-key", "postmen-api-key", "aftership-api-key", "17token", "authorization", "proxy-authorization",
      "cookie", "set-cookie", "api-key", "x-api-key");
  private static final Set<String> DEFAULT_BODY_FIELDS = Set.of(
      "key", "password", "api_key", "apikey", "token", "access_token", "secret");

  /** {@code scheme://userinfo@} in free text, up to the last {@code @} before a slash or whitespace. */
  private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/\\s]*)@");

  private static final Redaction DEFAULTS = new Redaction(DEFAULT_QUERY, DEFAULT_HEADERS, DEFAULT_BODY_FIELDS);

  private final Set<String> queryNames;
  private final Set<String> headerNames;
  private final Set<String> bodyFields;
  private final Pattern queryPattern;
  private final Pattern textQueryPattern;
  private final Pattern jsonPattern;
  private final Pattern headerLinePattern;

  private Redaction(Set<String> queryNames, Set<String> headerNames, Set<String> bodyFields) {
    this.queryNames = lower(queryNames);
    this.headerNames = lower(headerNames);
    this.bodyFields = Set.copyOf(bodyFields);
    // In a URL a value runs to the next '&' or '#', whatever it contains (a malformed URL may hold spaces);
    // in free text it also ends at whitespace, quotes or angle brackets.
    this.queryPattern = Pattern.compile(
        "([?&;](?:" + alternatives(this.queryNames) + ")=)[^&#]*", Pattern.CASE_INSENSITIVE);
    this.textQueryPattern = Pattern.compile(
        "([?&;](?:" + alternatives(this.queryNames) + ")=)[^&#\\s\"'<>]*", Pattern.CASE_INSENSITIVE);
    this.jsonPattern = Pattern.compile(
        "(\"(?:" + alternatives(this.bodyFields) + ")\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"?|[^,}\\]\\s]+)");
    this.headerLinePattern = Pattern.compile(
        "(?im)^(\\s*(?:" + alternatives(this.headerNames) + "|as-signature-[a-z0-9-]+)\\s*:\\s*).*$");
  }

  /** Returns the default redaction, covering every built-in provider's secrets. */
  public static Redaction defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a redaction that also masks the given names (case-insensitive for query parameters and headers,
   * exact for JSON fields).
   */
  public Redaction with(Collection<String> moreQueryNames, Collection<String> moreHeaderNames,
      Collection<String> moreBodyFields) {
    Set<String> q = new TreeSet<>(queryNames);
    q.addAll(lower(moreQueryNames));
    Set<String> h = new TreeSet<>(headerNames);
    h.addAll(lower(moreHeaderNames));
    Set<String> b = new TreeSet<>(bodyFields);
    b.addAll(moreBodyFields);
    return new Redaction(q, h, b);
  }

  /** Returns {@code url} with the values of secret query parameters replaced by {@value #MASK}. */
  public String url(String url) {
    return queryPattern.matcher(url).replaceAll("$1" + Matcher.quoteReplacement(MASK));
  }

  /** Returns {@code true} when the header {@code name} carries a secret. */
  public boolean isSecretHeader(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return headerNames.contains(lower) || lower.startsWith("as-signature-");
  }

  /** Returns {@code true} when the query parameter {@code name} carries a secret (case-insensitive). */
  public boolean isSecretQueryParameter(String name) {
    return queryNames.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * Returns the values the request carries in secret query parameters and secret headers, for checking that
   * nothing shown to a user echoes one of them. Values shorter than {@value #MIN_SECRET_LENGTH} characters are left
   * out: they would match ordinary text.
   */
  public List<String> secretValues(RequestSnapshot request) {
    List<String> out = new ArrayList<>(2);
    String query = request.uri().getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && isSecretQueryParameter(decode(pair.substring(0, eq)))) {
          addSecret(out, decode(pair.substring(eq + 1)));
        }
      }
    }
    for (Map.Entry<String, List<String>> header : request.headers().asMap().entrySet()) {
      if (isSecretHeader(header.getKey())) {
        for (String value : header.getValue()) {
          addSecret(out, value);
          int space = value.indexOf(' '); // "Bearer abc": the credential alone may be echoed
          if (space > 0) {
            addSecret(out, value.substring(space + 1));
          }
        }
      }
    }
    return out;
  }

  /** Shortest value {@link #secretValues} reports: {@value}. */
  public static final int MIN_SECRET_LENGTH = 6;

  private static void addSecret(List<String> out, String value) {
    String v = value.strip();
    if (v.length() >= MIN_SECRET_LENGTH) {
      out.add(v);
    }
  }

  private static String decode(String text) {
    try {
      return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  /** Returns {@code value}, or {@value #MASK} when header {@code name} carries a secret. */
  public String headerValue(String name, String value) {
    return isSecretHeader(name) ? MASK : value;
  }

  /** Returns JSON (or any text) with the values of secret JSON fields replaced by {@code "***"}. */
  public String json(String json) {
    return jsonPattern.matcher(json).replaceAll("$1\"" + Matcher.quoteReplacement(MASK) + "\"");
  }

  /**
   * Returns free text (a log line, an exception message, a pasted response) with secret query parameters,
   * JSON fields, {@code Name: value} header lines and URI credentials masked.
   */
  public String text(String text) {
    String out = textQueryPattern.matcher(uriCredentials(text)).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    out = json(out);
    return headerLinePattern.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
  }

  /**
   * Returns {@code text} with the credentials in the user info of every URI in it masked:
   * {@code redis://user:***@host}, {@code redis://***@host} (without a colon the whole user info is the password,
   * as Lettuce reads it). A password may itself contain {@code @}: the user info runs to the last {@code @} before
   * the host.
   */
  public String uriCredentials(String text) {
    Matcher m = USER_INFO.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String userInfo = m.group(2);
      String user = userInfo.substring(0, userInfo.length() - password(userInfo).length());
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + user + MASK + "@"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Returns {@code text} (a message that may quote {@code uri} whole, in part, or its password alone) with every
   * occurrence of {@code uri}'s password masked, raw or percent-decoded, then every URI's credentials as
   * {@link #uriCredentials(String)} does.
   */
  public String uriCredentials(String text, String uri) {
    String masked = text;
    int start = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (start >= 0 && at >= start + 3) {
      // the user info as Lettuce reads it, even from a malformed URI (a space in the password)
      String password = password(uri.substring(start + 3, at));
      if (!password.isEmpty()) {
        masked = masked.replace(password, MASK);
        try {
          String decoded = java.net.URLDecoder.decode(password, java.nio.charset.StandardCharsets.UTF_8);
          if (!decoded.isEmpty()) {
            masked = masked.replace(decoded, MASK);
          }
        } catch (IllegalArgumentException e) {
          // not percent-encoded: the raw form was masked
        }
      }
    }
    return uriCredentials(masked);
  }

  /** The password part of a URI's user info: after the first colon, or all of it without one (as Lettuce reads it). */
  private static String password(String userInfo) {
    int colon = userInfo.indexOf(':');
    return colon < 0 ? userInfo : userInfo.substring(colon + 1);
  }

  private static Set<String> lower(Collection<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  private static String alternatives(Set<String> names) {
    return names.stream().sorted().map(Pattern::quote).collect(Collectors.joining("|"));
  }

  @Override
  public String toString() {
    return "Redaction{query=" + new TreeSet<>(queryNames) + ", headers=" + new TreeSet<>(headerNames)
        + ", bodyFields=" + new TreeSet<>(bodyFields) + "}";
  }
}
