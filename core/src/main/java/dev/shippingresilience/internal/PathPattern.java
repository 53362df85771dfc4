package dev.shippingresilience.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A request path pattern: '*' matches one segment, '**' any number of segments (zero included), '{name}' one
 * segment captured by name. A trailing slash on the request path is ignored. Immutable.
 */
public final class PathPattern {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  private final String source;
  private final Pattern regex;
  private final List<String> variables;

  private PathPattern(String source, Pattern regex, List<String> variables) {
    this.source = source;
    this.regex = regex;
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
    StringBuilder re = new StringBuilder("^");
    List<String> vars = new ArrayList<>();
    String[] segments = pattern.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.isEmpty()) {
        if (i == segments.length - 1) {
          break; // trailing slash
        }
        throw new IllegalArgumentException("empty segment in path pattern '" + pattern + "'");
      }
      if (s.equals("**")) {
        re.append("(?:/[^/]+)*");
      } else if (s.equals("*")) {
        re.append("/[^/]+");
      } else if (s.startsWith("{") && s.endsWith("}")) {
        String name = s.substring(1, s.length() - 1);
        if (!NAME.matcher(name).matches()) {
          throw new IllegalArgumentException("bad variable name '" + name + "' in path pattern '" + pattern + "'");
        }
        vars.add(name);
        re.append("/([^/]+)");
      } else if (s.contains("*") || s.contains("{") || s.contains("}")) {
        throw new IllegalArgumentException(
            "'*', '**' and '{name}' must fill a whole segment in path pattern '" + pattern + "'");
      } else {
        re.append('/').append(Pattern.quote(s));
      }
    }
    re.append("/?$");
    return new PathPattern(pattern, Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE), vars);
  }

  /** Returns {@code true} when {@code path} (the raw URL path) matches. */
  public boolean matches(String path) {
    return regex.matcher(path.isEmpty() ? "/" : path).matches();
  }

  /** Returns the captured variables when {@code path} matches, else {@code null}. */
  public java.util.@Nullable Map<String, String> match(String path) {
    Matcher m = regex.matcher(path.isEmpty() ? "/" : path);
    if (!m.matches()) {
      return null;
    }
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < variables.size(); i++) {
      out.put(variables.get(i), m.group(i + 1));
    }
    return out;
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
