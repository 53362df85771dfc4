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
import org.jspecify.annotations.Nullable;

/**
 * The one redaction utility of the library: masks API keys and tokens in URLs (query parameters), header values
 * and JSON bodies before anything is logged, put in a message or shown to a user. Immutable and thread-safe.
 *
 * <p>The defaults cover every seed provider: query {@code key}, {@code username}, {@code auth}, {@code session};
 * headers {@code as-api-key}, {@code postmen-api-key}, {@code aftership-api-key}, {@code 17token},
 * {@code Authorization} (and any {@code as-signature-*}); body field {@code key}. Profiles add their own names
 * through {@link #with(Collection, Collection, Collection)}. Besides these, any name ending in {@code secret},
 * {@code token}, {@code password}, {@code passwd}, {@code api_key}, {@code apikey}, {@code api-key},
 * {@code access_key} or {@code private_key} is secret everywhere ({@code client_secret}, {@code apiKey},
 * {@code x-auth-token}). Names are compared case-insensitively.
 *
 * <p>Every rule runs in time linear in the length of its input, however long and however close to a secret it
 * looks.
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

  /**
   * Any name with a secret ending. Only ever tried where a name starts (after a non-name character), so the
   * backtracking over the name's own characters stays linear.
   */
  private static final String SECRET_ENDING =
      "[a-z0-9_-]*(?:secret|token|password|passwd|api[_-]?key|access[_-]?key|private[_-]?key)";
  private static final Pattern SECRET_ENDING_NAME =
      Pattern.compile(SECRET_ENDING, Pattern.CASE_INSENSITIVE);
  private static final String SIGNATURE_HEADER = "as-signature-[a-z0-9-]*+";
  /** No name character right before: a rule never starts inside a longer name ({@code monkey=}). */
  private static final String NAME_START = "(?<![a-z0-9_-])";
  private static final int FLAGS = Pattern.CASE_INSENSITIVE;

  /** {@code scheme://userinfo@} in free text, up to the last {@code @} before a slash or whitespace. */
  private static final Pattern USER_INFO = Pattern.compile("(?<![A-Za-z0-9+.-])([A-Za-z0-9+.-]++://)([^/\\s]*)@");
  /** {@code Bearer <token>} anywhere, as pasted from a header or a curl command. */
  private static final Pattern BEARER = Pattern.compile(NAME_START + "(bearer[ \\t]++)[a-z0-9._~+/=-]++", FLAGS);
  /** The shortest request secret looked for in shown values: {@value}; shorter ones match ordinary words. */
  public static final int MIN_SECRET_LENGTH = 6;

  private static final Redaction DEFAULTS = new Redaction(DEFAULT_QUERY, DEFAULT_HEADERS, DEFAULT_BODY_FIELDS);

  private final Set<String> queryNames;
  private final Set<String> headerNames;
  private final Set<String> bodyFields;
  private final Pattern queryPattern;
  private final Pattern textQueryPattern;
  private final Pattern jsonPattern;
  private final Pattern headerPattern;

  private Redaction(Set<String> queryNames, Set<String> headerNames, Set<String> bodyFields) {
    this.queryNames = lower(queryNames);
    this.headerNames = lower(headerNames);
    this.bodyFields = lower(bodyFields);
    Set<String> all = new TreeSet<>(this.queryNames);
    all.addAll(this.headerNames);
    all.addAll(this.bodyFields);
    String anyName = "(?:" + alternatives(all) + "|" + SIGNATURE_HEADER + "|" + SECRET_ENDING + ")";
    String headerName = "(?:" + alternatives(this.headerNames) + "|" + SIGNATURE_HEADER + "|" + SECRET_ENDING + ")";
    // In a URL a value runs to the next '&' or '#', whatever it contains (a malformed URL may hold spaces).
    this.queryPattern = Pattern.compile(
        "([?&;#](?:" + alternatives(this.queryNames) + "|" + SECRET_ENDING + ")=)[^&#]*+", FLAGS);
    // In free text a name=value pair may start anywhere a name can (the text's start, after ';', ',', a space or a
    // quote); its value also ends at whitespace, quotes or angle brackets, or is a bracketed list ({k=[v w]}).
    this.textQueryPattern = Pattern.compile(
        NAME_START + "(" + anyName + "=)(?:\\[[^\\]\\r\\n]*+\\]?|[^&#\\s\"'<>]*+)", FLAGS);
    this.jsonPattern = Pattern.compile(
        "(\"" + anyName + "\"\\s*+:\\s*+)(?:\"(?:[^\"\\\\]|\\\\.)*+\"?|[^,}\\]\\s]++)", FLAGS);
    // A header anywhere in a line: quoted ('x-api-key: v' in a curl command) its value ends at the closing quote,
    // else at the end of the line.
    this.headerPattern = Pattern.compile(
        "(['\"])(" + headerName + "[ \\t]*+:[ \\t]*+)(?:(?!\\1)[^\\r\\n])*+"
            + "|(?<![a-z0-9_\"'-])(" + headerName + "[ \\t]*+:[ \\t]*+)[^\\r\\n]*+", FLAGS);
  }

  /** {@return the default redaction, covering every built-in provider's secrets} */
  public static Redaction defaults() {
    return DEFAULTS;
  }

  /**
   * {@return a redaction that also masks the given names (case-insensitive: query parameters, headers and JSON
   * fields alike)}
   *
   * @param moreQueryNames more query parameter names to mask
   * @param moreHeaderNames more header names to mask
   * @param moreBodyFields more JSON field names to mask
   */
  public Redaction with(Collection<String> moreQueryNames, Collection<String> moreHeaderNames,
      Collection<String> moreBodyFields) {
    Set<String> q = new TreeSet<>(queryNames);
    q.addAll(lower(moreQueryNames));
    Set<String> h = new TreeSet<>(headerNames);
    h.addAll(lower(moreHeaderNames));
    Set<String> b = new TreeSet<>(bodyFields);
    b.addAll(lower(moreBodyFields));
    return new Redaction(q, h, b);
  }

  /**
   * {@return {@code url} with the values of secret query parameters (and fragment parameters) masked}
   *
   * @param url the URL, absolute or relative
   */
  public String url(String url) {
    return queryPattern.matcher(uriCredentials(url)).replaceAll("$1" + Matcher.quoteReplacement(MASK));
  }

  /**
   * {@return {@code true} when the query parameter {@code name} carries a secret (case-insensitive)}
   *
   * @param name the query parameter name
   */
  public boolean isSecretQueryName(String name) {
    return queryNames.contains(name.toLowerCase(Locale.ROOT)) || SECRET_ENDING_NAME.matcher(name).matches();
  }

  /**
   * {@return {@code true} when the header {@code name} carries a secret (case-insensitive)}
   *
   * @param name the header name
   */
  public boolean isSecretHeader(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return headerNames.contains(lower) || lower.startsWith("as-signature-")
        || SECRET_ENDING_NAME.matcher(name).matches();
  }

  /**
   * {@return the values the request carries in secret query parameters (raw and percent-decoded) and secret headers
   * (the whole value, the credentials after an auth scheme such as {@code Bearer t}, and the value of each
   * {@code name=value} pair, as in {@code Cookie}), for checking that nothing shown to a user echoes one of them}
   * Values shorter than {@value #MIN_SECRET_LENGTH} characters are left out: they would match ordinary words.
   *
   * @param request the request whose secrets are looked for
   */
  public List<String> secretValues(RequestSnapshot request) {
    List<String> out = new ArrayList<>(2);
    String rawQuery = request.rawQuery();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("[&;]")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && isSecretQueryName(decode(pair.substring(0, eq)))) {
          String raw = pair.substring(eq + 1);
          addSecret(out, raw);
          addSecret(out, decode(raw));
        }
      }
    }
    for (Map.Entry<String, List<String>> header : request.headers().asMap().entrySet()) {
      if (isSecretHeader(header.getKey())) {
        for (String value : header.getValue()) {
          String v = value.strip();
          addSecret(out, v);
          int space = v.indexOf(' ');
          if (space > 0) {
            addSecret(out, v.substring(space + 1));
          }
          for (String pair : v.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
              addSecret(out, pair.substring(eq + 1));
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * {@return {@code true} when {@code value} (say a code or message read from a response body) contains, or is, one
   * of the request's {@linkplain #secretValues secret values}, so it must not be shown}
   *
   * @param request the request the response answers
   * @param value the value to check
   */
  public boolean containsSecretOf(RequestSnapshot request, String value) {
    for (String secret : secretValues(request)) {
      if (value.contains(secret)) {
        return true;
      }
    }
    return false;
  }

  private static void addSecret(List<String> out, String value) {
    String v = value.strip();
    if (v.length() >= MIN_SECRET_LENGTH && !out.contains(v)) {
      out.add(v);
    }
  }

  /**
   * {@return {@code value}, or {@value #MASK} when header {@code name} carries a secret}
   *
   * @param name the header name
   * @param value the header value
   */
  public String headerValue(String name, String value) {
    return isSecretHeader(name) ? MASK : value;
  }

  /**
   * {@return JSON (or any text) with the values of secret fields ({@code "apiKey": "v"}, {@code "Key":"v"}, any
   * spacing, any case) replaced by {@code "***"}}
   *
   * @param json the JSON text
   */
  public String json(String json) {
    return jsonPattern.matcher(json).replaceAll("$1\"" + Matcher.quoteReplacement(MASK) + "\"");
  }

  /**
   * {@return free text (a log line, an exception message, a pasted response or curl command) with these masked:
   * URI credentials; {@code Bearer} tokens; {@code name=value} pairs of any secret name anywhere (at the start, after
   * {@code ?}, {@code &}, {@code ;}, {@code ,}, whitespace or a quote); secret JSON fields; and secret headers
   * {@code Name: value} anywhere in a line (to the closing quote when quoted, else to the end of the line)}
   *
   * @param text the text
   */
  public String text(String text) {
    String out = BEARER.matcher(uriCredentials(text)).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    out = textQueryPattern.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    out = json(out);
    return headerPattern.matcher(out).replaceAll(m -> Matcher.quoteReplacement(
        m.group(1) != null ? m.group(1) + m.group(2) + MASK : m.group(3) + MASK));
  }

  /**
   * {@return {@code true} when {@code value} (say a code or message read from a response body) is short and plain
   * enough to show in a reason, a summary or a header: 1 to {@code maxLength} characters from
   * {@code [A-Za-z0-9_.:-]} (so a negative number like {@code -18019909} passes), no whitespace, no control
   * characters, no quotes or other markup}
   *
   * @param value the value, or {@code null} (never showable)
   * @param maxLength the longest showable value
   * @throws IllegalArgumentException if {@code maxLength} is below 1
   */
  public static boolean isShowableToken(@Nullable String value, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("Invalid maxLength (" + maxLength + "): must be >= 1");
    }
    if (value == null || value.isEmpty() || value.length() > maxLength) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == ':' || c == '-';
      if (!plain) {
        return false;
      }
    }
    return true;
  }

  /** Percent-decodes {@code s}, or returns it as it is when it is not validly encoded. */
  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /**
   * Returns {@code text} with the credentials in the user info of every URI in it masked:
   * {@code redis://user:***@host}, {@code redis://***@host} (without a colon the whole user info is the password,
   * as Lettuce reads it). A password may itself contain {@code @}: the user info runs to the last {@code @} before
   * the host.
   *
   * @param text the text, which may hold URIs
   * @return the text with every URI's credentials masked
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
   * {@return {@code text} (a message that may quote {@code uri} whole, in part, or its password alone) with every
   * occurrence of {@code uri}'s password masked, raw or percent-decoded, then every URI's credentials as
   * {@link #uriCredentials(String)} does}
   *
   * @param text the text to mask
   * @param uri the URI whose password must not appear, e.g. a {@code redis://} URI
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

  /** The names as a regex alternation; one that never matches when there are none. */
  private static String alternatives(Set<String> names) {
    if (names.isEmpty()) {
      return "(?!)";
    }
    return names.stream().sorted().map(Pattern::quote).collect(Collectors.joining("|"));
  }

  @Override
  public String toString() {
    return "Redaction{query=" + new TreeSet<>(queryNames) + ", headers=" + new TreeSet<>(headerNames)
        + ", bodyFields=" + new TreeSet<>(bodyFields) + "}";
  }
}
