package dev.shippingresilience.examples;

import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Parses the arguments of the {@code classify} command into {@link ClassifyOptions}. */
final class ClassifyArguments {
  /** Options that take a value; {@code --header} may repeat, the others may not. */
  private static final Set<String> VALUED =
      Set.of("--url", "--status", "--method", "--provider", "--header", "--body", "--body-file");

  /** Options that take no value. */
  private static final Set<String> FLAGS = Set.of("--jsonl", "--help");

  /** RFC 9110 field-name characters. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private ClassifyArguments() {}

  /**
   * Parses the arguments after {@code classify}. Values come as the next argument or after {@code =}
   * ({@code --status=429}). Reads {@code --body-file} as far as the classifier looks: {@code peekLimit + 1} bytes
   * at most, the last one only to know the body goes on.
   *
   * @param peekLimit the body bytes the classifier reads
   * @throws UsageException with one line naming the bad argument
   */
  static ClassifyOptions parse(List<String> args, ProviderProfiles profiles, int peekLimit) throws UsageException {
    Map<String, String> single = new LinkedHashMap<>();
    List<String> headers = new ArrayList<>();
    boolean jsonl = false;
    boolean help = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        throw unexpected(i + 1, arg);
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (FLAGS.contains(name)) {
        if (eq >= 0) {
          throw new UsageException(name + " takes no value");
        }
        jsonl |= name.equals("--jsonl");
        help |= name.equals("--help");
        continue;
      }
      if (!VALUED.contains(name)) {
        throw new UsageException("unknown option " + ClassifyInput.quote(name));
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        value = args.get(++i);
      } else {
        throw new UsageException(name + " needs a value");
      }
      if (name.equals("--header")) {
        headers.add(value);
      } else if (single.putIfAbsent(name, value) != null) {
        throw new UsageException(name + " given more than once");
      }
    }
    if (help) {
      return new ClassifyOptions.Help();
    }
    if (jsonl) {
      if (!single.isEmpty() || !headers.isEmpty()) {
        String other = single.isEmpty() ? "--header" : single.keySet().iterator().next();
        throw new UsageException("--jsonl cannot be combined with " + other
            + ": each stdin line carries its own exchange");
      }
      return new ClassifyOptions.JsonLines();
    }
    return new ClassifyOptions.Single(input(single, headers, profiles, peekLimit));
  }

  /**
   * Says argument {@code position} is not an option. It is quoted only when it holds no sign of a URL's user
   * info, query or fragment (an unquoted header value or URL split by the shell lands here).
   */
  private static UsageException unexpected(int position, String arg) {
    if (arg.indexOf('@') >= 0 || arg.indexOf('?') >= 0 || arg.indexOf('#') >= 0) {
      return new UsageException("unexpected argument " + position
          + " (not an option; a URL goes after --url, quoted)");
    }
    return new UsageException("unexpected argument '" + ClassifyInput.quote(arg) + "'");
  }

  private static ClassifyInput input(Map<String, String> values, List<String> headerArgs, ProviderProfiles profiles,
      int peekLimit) throws UsageException {
    String rawUrl = values.get("--url");
    String rawStatus = values.get("--status");
    if (rawUrl == null) {
      throw new UsageException("missing --url");
    }
    if (rawStatus == null) {
      throw new UsageException("missing --status");
    }
    if (values.containsKey("--body") && values.containsKey("--body-file")) {
      throw new UsageException("--body and --body-file cannot be combined");
    }
    URI url = ClassifyInput.url("--url", rawUrl);
    int status = ClassifyInput.status("--status", rawStatus);
    String method = ClassifyInput.method("--method", values.getOrDefault("--method", ClassifyInput.DEFAULT_METHOD));
    String provider = values.get("--provider");
    if (provider != null) {
      ClassifyInput.provider("--provider", provider, profiles);
    }
    HeaderValues headers = headers(headerArgs);
    byte[] body = body(values.get("--body"), values.get("--body-file"), peekLimit);
    return ClassifyInput.of(provider, method, url, status, headers, body, peekLimit);
  }

  private static HeaderValues headers(List<String> headerArgs) throws UsageException {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (String header : headerArgs) {
      int colon = header.indexOf(':');
      if (colon < 0) {
        // The value is not quoted back: it may be a credential.
        throw new UsageException("--header must look like 'Name: value' (no ':' found)");
      }
      String name = header.substring(0, colon).trim();
      if (!HEADER_NAME.matcher(name).matches()) {
        throw new UsageException("--header has an empty or invalid name before ':'");
      }
      fields.computeIfAbsent(name, k -> new ArrayList<>()).add(header.substring(colon + 1).trim());
    }
    return HeaderValues.of(fields);
  }

  /** Returns the body's first {@code peekLimit + 1} bytes at most. */
  private static byte[] body(@Nullable String text, @Nullable String file, int peekLimit) throws UsageException {
    if (text != null) {
      return ClassifyInput.bodyHead(text, peekLimit);
    }
    if (file == null) {
      return new byte[0];
    }
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw new UsageException("--body-file is not a valid path: " + ClassifyInput.quote(file));
    }
    if (Files.isDirectory(path)) {
      throw new UsageException("--body-file is a directory, not a file: " + ClassifyInput.quote(file));
    }
    try (InputStream in = Files.newInputStream(path)) {
      return in.readNBytes(peekLimit + 1);
    } catch (NoSuchFileException e) {
      throw new UsageException("--body-file not found: " + ClassifyInput.quote(file));
    } catch (IOException | SecurityException e) {
      throw new UsageException("--body-file could not be read: " + ClassifyInput.quote(file)
          + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
