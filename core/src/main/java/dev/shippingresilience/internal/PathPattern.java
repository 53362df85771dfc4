package dev.shippingresilience.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A request path pattern: '*' matches one segment, '**' any number of segments (zero included), '{name}' one
 * segment captured by name. Literal segments compare case-insensitively (ASCII letters). A trailing slash on the
 * request path is ignored; an empty segment ("/a//b") matches nothing. Matching allocates nothing. Immutable.
 */
public final class PathPattern {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final String ONE = "*";
  private static final String ANY = "**";

  private final String source;
  /** Per segment: the literal text, {@link #ONE}, {@link #ANY}, or null for a variable. */
  private final String[] segments;
  /** Per segment: the index of its variable, or -1. */
  private final int[] variableIndex;
  private final List<String> variables;

  private PathPattern(String source, String[] segments, int[] variableIndex, List<String> variables) {
    this.source = source;
    this.segments = segments;
    this.variableIndex = variableIndex;
    this.variables = List.copyOf(variables);
  }

  /**
   * Compiles {@code pattern}.
   *
   * @throws IllegalArgumentException with the problem as a sentence
   */
  public static PathPattern compile(String pattern) {
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("a path pattern must start with '/', got '" + pattern + "'");
    }
    List<String> kept = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    List<String> vars = new ArrayList<>();
    String[] parts = pattern.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i];
      if (s.isEmpty()) {
        if (i == parts.length - 1) {
          break; // trailing slash
        }
        throw new IllegalArgumentException("empty segment in path pattern '" + pattern + "'");
      }
      if (s.equals(ANY) || s.equals(ONE)) {
        kept.add(s.equals(ANY) ? ANY : ONE);
        indexes.add(-1);
      } else if (s.startsWith("{") && s.endsWith("}")) {
        String name = s.substring(1, s.length() - 1);
        if (!NAME.matcher(name).matches()) {
          throw new IllegalArgumentException("bad variable name '" + name + "' in path pattern '" + pattern + "'");
        }
        kept.add(null);
        indexes.add(vars.size());
        vars.add(name);
      } else if (s.contains("*") || s.contains("{") || s.contains("}")) {
        throw new IllegalArgumentException(
            "'*', '**' and '{name}' must fill a whole segment in path pattern '" + pattern + "'");
      } else {
        kept.add(s);
        indexes.add(-1);
      }
    }
    return new PathPattern(pattern, kept.toArray(new String[0]),
        indexes.stream().mapToInt(Integer::intValue).toArray(), vars);
  }

  /** Returns {@code true} when {@code path} (the raw URL path) matches. */
  public boolean matches(String path) {
    String p = path.isEmpty() ? "/" : path;
    int end = end(p);
    return end >= 0 && matchFrom(p, end, 0, 0, null);
  }

  /** Returns the captured variables when {@code path} matches, else {@code null}. */
  public java.util.@Nullable Map<String, String> match(String path) {
    String p = path.isEmpty() ? "/" : path;
    int end = end(p);
    String[] captured = new String[variables.size()];
    if (end < 0 || !matchFrom(p, end, 0, 0, captured)) {
      return null;
    }
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < variables.size(); i++) {
      out.put(variables.get(i), captured[i]);
    }
    return out;
  }

  /**
   * Returns where the path's segments end (before one trailing slash), or -1 when the path cannot match any
   * pattern: it does not start with '/' or has an empty segment.
   */
  private static int end(String path) {
    if (path.charAt(0) != '/') {
      return -1;
    }
    if (path.length() == 1) {
      return 0;
    }
    int end = path.charAt(path.length() - 1) == '/' ? path.length() - 1 : path.length();
    if (path.charAt(end - 1) == '/') {
      return -1; // "//", "/a//"
    }
    for (int i = 1; i < end; i++) {
      if (path.charAt(i) == '/' && path.charAt(i - 1) == '/') {
        return -1;
      }
    }
    return end;
  }

  /**
   * Matches pattern segments from {@code k} against the path's segments from {@code at} (the position of a '/'
   * that starts a segment, or {@code end}). '**' tries the most segments first, as a greedy regular expression
   * would, so captures after it are the same.
   */
  private boolean matchFrom(String path, int end, int k, int at, String @Nullable [] captured) {
    if (k == segments.length) {
      return at >= end;
    }
    String segment = segments[k];
    if (segment == ANY) {
      for (int next = end; next >= at; next = previousSlash(path, at, next)) {
        if (matchFrom(path, end, k + 1, next, captured)) {
          return true;
        }
        if (next == at) {
          break;
        }
      }
      return false;
    }
    if (at >= end) {
      return false;
    }
    int segmentEnd = path.indexOf('/', at + 1);
    if (segmentEnd < 0 || segmentEnd > end) {
      segmentEnd = end;
    }
    if (segment == null) {
      if (captured != null) {
        captured[variableIndex[k]] = path.substring(at + 1, segmentEnd);
      }
    } else if (segment != ONE && !sameIgnoringAsciiCase(path, at + 1, segmentEnd, segment)) {
      return false;
    }
    return matchFrom(path, end, k + 1, segmentEnd, captured);
  }

  /** Returns the start of the segment before the one starting at {@code from}, not before {@code floor}. */
  private static int previousSlash(String path, int floor, int from) {
    int i = from - 1;
    while (i > floor && path.charAt(i) != '/') {
      i--;
    }
    return Math.max(i, floor);
  }

  private static boolean sameIgnoringAsciiCase(String path, int from, int to, String literal) {
    if (to - from != literal.length()) {
      return false;
    }
    for (int i = 0; i < literal.length(); i++) {
      char a = path.charAt(from + i);
      char b = literal.charAt(i);
      if (a != b && (a | 0x20) != (b | 0x20) || a != b && !isAsciiLetter(a)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  /** Returns the variable names in order. */
  public List<String> variables() {
    return variables;
  }

  @Override
  public String toString() {
    return source;
  }
}
