package dev.shippingresilience.redis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Masks credentials in Redis URIs before they reach a log or an exception message. */
final class RedisUris {
  /** {@code scheme://userinfo@}: Lettuce reads {@code password@}, {@code :password@} and {@code user:password@}. */
  private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^@/\\s]*)@");
  static final String MASK = "****";

  private RedisUris() {}

  /** Returns {@code uri} with its password (or its whole user info when that is the password) masked. */
  static String mask(String uri) {
    return maskAll(uri);
  }

  /** Masks the credentials of every URI in {@code text}. */
  static String maskAll(String text) {
    Matcher m = USER_INFO.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String userInfo = m.group(2);
      int colon = userInfo.indexOf(':');
      String masked = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + masked + "@"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Returns the password in {@code uri}'s user info, or {@code null}. */
  static @Nullable String password(String uri) {
    Matcher m = USER_INFO.matcher(uri);
    if (!m.find()) {
      return null;
    }
    String userInfo = m.group(2);
    int colon = userInfo.indexOf(':');
    String password = colon < 0 ? userInfo : userInfo.substring(colon + 1);
    return password.isEmpty() ? null : password;
  }

  /** Returns {@code text} with every occurrence of {@code password} (raw or percent-decoded) masked. */
  static String maskPassword(String text, @Nullable String password) {
    if (password == null || password.isEmpty()) {
      return text;
    }
    String masked = text.replace(password, MASK);
    try {
      String decoded = java.net.URLDecoder.decode(password, java.nio.charset.StandardCharsets.UTF_8);
      if (!decoded.isEmpty()) {
        masked = masked.replace(decoded, MASK);
      }
    } catch (IllegalArgumentException e) {
      // not percent-encoded: the raw form was masked
    }
    return masked;
  }
}
