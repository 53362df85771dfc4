package dev.shippingresilience.spring.internal;

import dev.shippingresilience.ResultHeaders;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.util.LinkedCaseInsensitiveMap;

/**
 * The map under the caller's copy of a response's headers: Spring's case-insensitive map, whose lower-case keys for
 * the result headers and the most common response headers are made once, not on every response (the default makes
 * a new lower-case string for every name that has a capital letter, on every put and lookup). Not thread-safe,
 * like the map it extends.
 */
final class ResponseHeaderMap extends LinkedCaseInsensitiveMap<List<String>> {
  private static final long serialVersionUID = 1L;

  /** Header name as usually sent, to its lower-case form. */
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
    return lower != null ? lower : super.convertKey(key);
  }

  private static Map<String, String> lowerCase(String... names) {
    // (a name sent in lower case needs no entry: its lower-case form is itself, no new string)
    Map<String, String> map = new HashMap<>();
    for (String name : names) {
      map.put(name, name.toLowerCase(Locale.ROOT));
    }
    return Map.copyOf(map);
  }
}
