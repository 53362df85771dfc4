package dev.shippingresilience.internal;

import java.util.ArrayList;
import java.util.List;

/** JSON Pointer (RFC 6901) helpers. */
public final class JsonPointers {
  private JsonPointers() {}

  /**
   * Checks that {@code pointer} is a syntactically valid JSON Pointer: empty, or '/' followed by segments
   * where '~' is only used as '~0' or '~1'.
   *
   * @return {@code null} when valid, else the problem as a sentence
   */
  public static String problem(String pointer) {
    if (pointer.isEmpty()) {
      return null;
    }
    if (pointer.charAt(0) != '/') {
      return "a JSON Pointer must be empty or start with '/', got '" + pointer + "'";
    }
    for (int i = 0; i < pointer.length(); i++) {
      if (pointer.charAt(i) == '~') {
        char next = i + 1 < pointer.length() ? pointer.charAt(i + 1) : ' ';
        if (next != '0' && next != '1') {
          return "'~' must be followed by 0 or 1 in JSON Pointer '" + pointer + "'";
        }
      }
    }
    return null;
  }

  /** Returns {@code name} escaped as one pointer segment. */
  public static String escape(String name) {
    if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
      return name;
    }
    return name.replace("~", "~0").replace("/", "~1");
  }

  /** Returns one pointer segment unescaped: {@code ~1} is '/', {@code ~0} is '~' (the inverse of {@link #escape}). */
  public static String unescape(String segment) {
    return segment.indexOf('~') < 0 ? segment : segment.replace("~1", "/").replace("~0", "~");
  }

  /** Returns the pointer and every prefix of it, shortest first, e.g. "", "/a", "/a/b". */
  public static List<String> prefixes(String pointer) {
    List<String> out = new ArrayList<>();
    out.add("");
    int from = 1;
    while (from <= pointer.length()) {
      int slash = pointer.indexOf('/', from);
      int end = slash < 0 ? pointer.length() : slash;
      out.add(pointer.substring(0, end));
      if (slash < 0) {
        break;
      }
      from = slash + 1;
    }
    return out;
  }
}
