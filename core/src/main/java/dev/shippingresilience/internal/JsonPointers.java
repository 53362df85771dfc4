package dev.shippingresilience.internal;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

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

  /**
   * The segment that stands for every element of an array ({@code /errors/*}{@code /code}) in the profile pointers
   * that allow it: a JSON Pointer has no wildcard, and no provider names a member {@code *}.
   */
  public static final String EVERY = "*";

  /** Returns how many segments of {@code pointer} are exactly {@value #EVERY}. */
  public static int everyCount(String pointer) {
    int count = 0;
    for (int at = everyAt(pointer, 0); at >= 0; at = everyAt(pointer, at + 2)) {
      count++;
    }
    return count;
  }

  /**
   * Returns the array a pointer with one {@value #EVERY} segment reads element by element ({@code /errors} for
   * {@code /errors/*}{@code /code}, {@code ""} for {@code /*}{@code /code}), or {@code null} when it has none.
   */
  public static @Nullable String everyArray(String pointer) {
    int at = everyAt(pointer, 0);
    return at < 0 ? null : pointer.substring(0, at);
  }

  /**
   * Returns the part of a pointer with one {@value #EVERY} segment inside each element ({@code /code} for
   * {@code /errors/*}{@code /code}, {@code ""} for {@code /errors/*}), or the pointer itself when it has none.
   */
  public static String everyElement(String pointer) {
    int at = everyAt(pointer, 0);
    return at < 0 ? pointer : pointer.substring(at + 2);
  }

  /** Returns where the first {@value #EVERY} segment at or after {@code from} starts (its slash), or -1. */
  private static int everyAt(String pointer, int from) {
    int at = from;
    while ((at = pointer.indexOf("/*", at)) >= 0) {
      int end = at + 2;
      if (end == pointer.length() || pointer.charAt(end) == '/') {
        return at;
      }
      at = end;
    }
    return -1;
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
