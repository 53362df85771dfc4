package dev.shippingresilience.examples;

import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.InvalidProfileException;
import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.ProviderProfiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The arguments of the {@code classify} command, parsed by picocli (values after a space or an {@code =}:
 * {@code --status=429}), then checked here into {@link ClassifyOptions} and handed to {@link ClassifyCommand}.
 * Values are kept as text until checked, so every message names the option and quotes a value only masked and cut
 * ({@link ClassifyInput#quote}). One instance per command line.
 */
@Command(name = "classify", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    header = "classify a provider response (--url, --status, ...) or JSON lines from stdin (--jsonl)",
    usageHelpWidth = 110, sortOptions = false, synopsisHeading = "usage: ",
    customSynopsis = {
        "classify --url URL --status N [--method M] [--provider ID] [--header 'Name: value']...",
        "                [--body JSON | --body-file PATH] [--request-body JSON | --request-body-file PATH]",
        "                [--profile FILE]...",
        "       classify --jsonl [--profile FILE]... < exchanges.jsonl"},
    descriptionHeading = "%n",
    description = {
        "Classifies one provider response into SUCCEED, RETRY, POLL, BREAK or FAIL and prints it as one JSON line:",
        "  provider, operation, action, httpStatus, code, retryAfterMs, scope, duplicate, reason, items.",
        "Headers and bodies are never echoed; the reason is printed whole."},
    optionListHeading = "%n",
    exitCodeListHeading = "%nexit status:%n",
    exitCodeList = {"0:done", "1:stdin could not be read", "2:usage mistake (one line on stderr naming the argument)",
        "3:some --jsonl lines failed"})
final class ClassifyArguments implements Callable<Integer> {
  /** RFC 9110 field-name characters. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  @Option(names = "--url", paramLabel = "URL",
      description = "the absolute http(s) request URL; its host picks the provider unless --provider")
  @Nullable String url;

  @Option(names = "--status", paramLabel = "N", description = "the HTTP status, 100..599")
  @Nullable String status;

  @Option(names = "--method", paramLabel = "M", description = "the request method (default GET)")
  @Nullable String method;

  @Option(names = "--provider", paramLabel = "ID",
      description = "the profile id: clickpost, aftership-shipping, 17track, abicart, generic-http, or one --profile "
          + "loads")
  @Nullable String provider;

  @Option(names = "--header", paramLabel = "'N: v'", description = "a response header; repeatable")
  List<String> headers = new ArrayList<>();

  @Option(names = "--body", paramLabel = "JSON", description = "the response body")
  @Nullable String body;

  @Option(names = "--body-file", paramLabel = "PATH",
      description = "read the response body from PATH (only its first 64 KiB, as much as is classified)")
  @Nullable String bodyFile;

  @Option(names = "--request-body", paramLabel = "JSON",
      description = "the request body: where a profile reads the carrier (Clickpost's courier_partner), so a carrier "
          + "outage counts against that carrier's breaker; up to 256 KiB, as the OkHttp adapter reads")
  @Nullable String requestBody;

  @Option(names = "--request-body-file", paramLabel = "PATH", description = "read the request body from PATH")
  @Nullable String requestBodyFile;

  @Option(names = "--profile", paramLabel = "FILE",
      description = "load a provider profile (JSON, docs/profile-format.md) next to the built-ins; repeatable; one "
          + "with a built-in's id replaces it")
  List<String> profiles = new ArrayList<>();

  @Option(names = "--jsonl",
      description = "read one exchange a line from stdin: {\"provider\"?, \"method\"?, \"url\", \"status\", "
          + "\"headers\"?, \"body\"?, \"requestBody\"?}, and print one result (or {\"error\": \"line N: ...\"}) "
          + "a line; lines end with LF or CRLF and hold at most 32 MiB")
  boolean jsonl;

  @Spec
  @Nullable CommandSpec spec;

  private final ClassifyCommand command;
  private final InputStream stdin;
  private final PrintStream stdout;
  private final PrintStream stderr;

  /** Arguments that {@link #call()} hands to {@code command} with these streams. */
  ClassifyArguments(ClassifyCommand command, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    this.command = command;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Checks the parsed arguments and runs the command; a mistake is one stderr line and exit code 2. */
  @Override
  public Integer call() {
    ClassifyOptions options;
    try {
      options = options(command.profiles(), command.peekLimit());
    } catch (UsageException e) {
      return Cli.mistake(Objects.requireNonNull(spec), stderr, e.getMessage());
    }
    return command.run(options, stdin, stdout, stderr);
  }

  /**
   * Returns what the arguments ask for. Reads {@code --body-file} as far as the classifier looks:
   * {@code peekLimit + 1} bytes at most, the last one only to know the body goes on.
   *
   * @param builtIn the profiles {@code --profile} files are added to
   * @param peekLimit the body bytes the classifier reads
   * @throws UsageException with one line naming the bad argument
   */
  ClassifyOptions options(ProviderProfiles builtIn, int peekLimit) throws UsageException {
    List<ProviderProfile> loaded = loadProfiles();
    ProviderProfiles all = loaded.isEmpty() ? builtIn : builtIn.with(loaded);
    if (jsonl) {
      String other = firstSingleExchangeOption();
      if (other != null) {
        throw new UsageException("--jsonl cannot be combined with " + other
            + ": each stdin line carries its own exchange");
      }
      return new ClassifyOptions.JsonLines(all);
    }
    return new ClassifyOptions.Single(all, input(all, peekLimit));
  }

  private @Nullable String firstSingleExchangeOption() {
    Map<String, @Nullable Object> given = new LinkedHashMap<>();
    given.put("--url", url);
    given.put("--status", status);
    given.put("--method", method);
    given.put("--provider", provider);
    given.put("--body", body);
    given.put("--body-file", bodyFile);
    given.put("--request-body", requestBody);
    given.put("--request-body-file", requestBodyFile);
    given.put("--header", headers.isEmpty() ? null : headers);
    return given.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).findFirst()
        .orElse(null);
  }

  /** Loads every {@code --profile}; a broken one is named with its file, field and problem. */
  private List<ProviderProfile> loadProfiles() throws UsageException {
    List<ProviderProfile> loaded = new ArrayList<>();
    for (String file : profiles) {
      try {
        loaded.add(ProviderProfiles.load(path("--profile", file)));
      } catch (InvalidProfileException e) {
        // names the file, the field (codes."322".decision) and the problem
        throw new UsageException("--profile " + Printable.text(e.getMessage()));
      }
    }
    return loaded;
  }

  private ClassifyInput input(ProviderProfiles all, int peekLimit) throws UsageException {
    if (url == null) {
      throw new UsageException("missing --url");
    }
    if (status == null) {
      throw new UsageException("missing --status");
    }
    if (body != null && bodyFile != null) {
      throw new UsageException("--body and --body-file cannot be combined");
    }
    if (requestBody != null && requestBodyFile != null) {
      throw new UsageException("--request-body and --request-body-file cannot be combined");
    }
    URI uri = ClassifyInput.url("--url", url);
    int code = ClassifyInput.status("--status", status);
    String verb = ClassifyInput.method("--method", method == null ? ClassifyInput.DEFAULT_METHOD : method);
    if (provider != null) {
      ClassifyInput.provider("--provider", provider, all);
    }
    HeaderValues fields = headers(headers);
    byte[] responseHead = body != null ? ClassifyInput.bodyHead(body, peekLimit)
        : bodyFile != null ? readHead("--body-file", bodyFile, peekLimit)
        : new byte[0];
    byte[] requestHead = requestBody != null ? ClassifyInput.bodyHead(requestBody, ClassifyInput.MAX_REQUEST_BODY)
        : requestBodyFile != null ? readHead("--request-body-file", requestBodyFile, ClassifyInput.MAX_REQUEST_BODY)
        : null;
    return ClassifyInput.of(provider, verb, uri, code, fields, responseHead, peekLimit,
        ClassifyInput.requestBody(requestHead));
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

  private static Path path(String option, String file) throws UsageException {
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw new UsageException(option + " is not a valid path: " + ClassifyInput.quote(file));
    }
    if (Files.isDirectory(path)) {
      throw new UsageException(option + " is a directory, not a file: " + ClassifyInput.quote(file));
    }
    return path;
  }

  /** Returns the file's first {@code limit + 1} bytes at most, so a caller can tell it goes on. */
  private static byte[] readHead(String option, String file, int limit) throws UsageException {
    try (InputStream in = Files.newInputStream(path(option, file))) {
      return in.readNBytes(limit + 1);
    } catch (NoSuchFileException e) {
      throw new UsageException(option + " not found: " + ClassifyInput.quote(file));
    } catch (IOException | SecurityException e) {
      throw new UsageException(option + " could not be read: " + ClassifyInput.quote(file)
          + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
