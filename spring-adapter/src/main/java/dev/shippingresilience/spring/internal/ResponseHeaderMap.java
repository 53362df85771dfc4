package dev.shippingresilience.spring.internal;

import dev.shippingresilience.ResultHeaders;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.util.LinkedCaseInsensitiveMap;

/**
 * The map under the caller's copy of a response's headers: Spring's case-insensitive map, whose lower-case keys for
 * the result headers and the most common response headers are made once, not on every response (the default makes
 * a new lower-case string for every name that has a capital letter, on every put and lookup). A name sent in lower
 * case needs no entry: its lower-case form is itself. Not thread-safe, like the map it extends.
 */
final class ResponseHeaderMap extends LinkedCaseInsensitiveMap<List<String>> {
  private static final long serialVersionUID = 1L;

  /** Header names, any case, to their lower-case form: a lookup compares a few names and allocates nothing. */
  private static final Map<String, String> LOWER_CASE = lowerCase(
      ResultHeaders.DECISION, ResultHeaders.DUPLICATE, ResultHeaders.ATTEMPTS, ResultHeaders.CODE,
      "Accept-Ranges", "Access-Control-Allow-Origin", "Age", "Cache-Control", "Connection", "Content-Encoding",
      "Content-Language", "Content-Length", "Content-Type", "Date", "ETag", "Expires", "Keep-Alive", "Last-Modified",
      "Location", "Pragma", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Referrer-Policy",
      "Retry-After", "Server", "Set-Cookie", "Strict-Transport-Security", "Transfer-Encoding", "Vary", "Via",
      "WWW-Authenticate", "X-Cache", "X-Content-Type-Options", "X-Correlation-Id", "X-Frame-Options",
      "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-Id", "X-XSS-Protection");

  /** A map for {@code expectedSize} headers, its tables sized so that they do not grow. */
  ResponseHeaderMap(int expectedSize) {
    super(expectedSize, Locale.ROOT);
  }

  @Override
  protected String convertKey(String key) {
    String lower = LOWER_CASE.get(key);
    // ignoring case also folds a few non-ASCII letters onto ASCII ones (U+017F onto s): those go the default way
    return lower != null && isAscii(key) ? lower : super.convertKey(key);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Compared ignoring case, so that any spelling finds its name ("Content-type", as some servers write it). */
  private static Map<String, String> lowerCase(String... names) {
    TreeMap<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : names) {
      map.put(name, name.toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableMap(map);
  }
}
