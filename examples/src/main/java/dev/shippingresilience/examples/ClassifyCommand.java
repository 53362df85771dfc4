package dev.shippingresilience.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shippingresilience.Classification;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code classify} command: tells what a provider response means, as one JSON object a line.
 *
 * <pre>{@code
 * classify --url URL --status N [--method M] [--provider ID] [--header 'Name: value']...
 *          [--body JSON | --body-file PATH]
 * classify --jsonl < exchanges.jsonl
 * }</pre>
 *
 * <p>Output fields, in order: {@code provider, operation, action, httpStatus, code, retryAfterMs, scope,
 * duplicate, reason, items}. Headers and bodies are never echoed. With {@code --jsonl} every input line yields
 * exactly one output line, {@code {"error": "..."}} when the line cannot be read, flushed as it is written.
 *
 * <p>Exit codes: 0 done, 2 usage mistake (one line on stderr naming the argument), 1 stdin could not be read.
 * Thread-safe.
 */
final class ClassifyCommand {
  /** The exit code when stdin fails mid-stream: {@value}. */
  static final int EXIT_IO = 1;

  static final String USAGE = String.join(System.lineSeparator(),
      "usage: classify --url URL --status N [--method M] [--provider ID] [--header 'Name: value']...",
      "                [--body JSON | --body-file PATH]",
      "       classify --jsonl",
      "",
      "Classifies one provider response into SUCCEED, RETRY, POLL, BREAK or FAIL and prints it as one JSON line:",
      "  provider, operation, action, httpStatus, code, retryAfterMs, scope, duplicate, reason, items.",
      "",
      "  --url URL          the absolute http(s) request URL; its host picks the provider unless --provider",
      "  --status N         the HTTP status, 100..599",
      "  --method M         the request method (default GET)",
      "  --provider ID      the profile id, e.g. clickpost, aftership-shipping, 17track, abicart, generic-http",
      "  --header 'N: v'    a response header; repeatable",
      "  --body JSON        the whole response body",
      "  --body-file PATH   read the whole response body from PATH",
      "  --jsonl            read one exchange a line from stdin:",
      "                     {\"provider\"?, \"method\"?, \"url\", \"status\", \"headers\"?, \"body\"?}",
      "                     and print one result (or {\"error\": ...}) a line");

  private static final ObjectMapper WRITER = JsonMapper.builder()
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .build();

  private final ResponseClassifier classifier;
  private final JsonLineReader lineReader;

  /** Creates the command over the built-in profiles. */
  ClassifyCommand() {
    this(ResponseClassifier.builder().build());
  }

  /** Creates the command over {@code classifier} and its profiles. */
  ClassifyCommand(ResponseClassifier classifier) {
    this.classifier = classifier;
    this.lineReader = new JsonLineReader(classifier.profiles());
  }

  /**
   * Runs the command.
   *
   * @param args the arguments after {@code classify}
   * @param stdin read with {@code --jsonl} only, as UTF-8
   * @param stdout where results go
   * @param stderr where usage and mistakes go
   * @return the exit code
   */
  int run(List<String> args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    ClassifyOptions options;
    try {
      options = ClassifyArguments.parse(args, classifier.profiles());
    } catch (UsageException e) {
      stderr.println("classify: " + e.getMessage() + " (see classify --help)");
      return Main.EXIT_USAGE;
    }
    if (options instanceof ClassifyOptions.Help) {
      stdout.println(USAGE);
      return 0;
    }
    if (options instanceof ClassifyOptions.Single single) {
      stdout.println(write(ClassificationJson.of(classify(single.input()))));
      stdout.flush();
      return 0;
    }
    return classifyLines(stdin, stdout, stderr);
  }

  private int classifyLines(InputStream stdin, PrintStream stdout, PrintStream stderr) {
    BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
    try {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        stdout.println(classifyLine(line));
        stdout.flush();
      }
      return 0;
    } catch (IOException e) {
      stderr.println("classify: could not read stdin (" + e.getClass().getSimpleName() + ")");
      return EXIT_IO;
    }
  }

  /**
   * Classifies one {@code --jsonl} input line and returns the output line (without a line break): the result, or
   * {@code {"error": "..."}} naming the field when the line cannot be read. Never throws.
   */
  String classifyLine(String jsonLine) {
    if (jsonLine.isBlank()) {
      return write(ClassificationJson.error("empty line"));
    }
    ClassifyInput input;
    try {
      input = lineReader.read(jsonLine);
    } catch (UsageException e) {
      return write(ClassificationJson.error(e.getMessage()));
    }
    try {
      return write(ClassificationJson.of(classify(input)));
    } catch (RuntimeException e) {
      // The classifier promises not to throw; if it does, keep the stream going and keep its message (which
      // could quote input) out of the output.
      return write(ClassificationJson.error("classifier failed: " + e.getClass().getName()));
    }
  }

  /** Classifies {@code input} with its provider, or the one its URL host selects. */
  Classification classify(ClassifyInput input) {
    RequestSnapshot request = RequestSnapshot.of(input.method(), input.url(),
        HeaderValues.empty(), null);
    ResponseSnapshot response = ResponseSnapshot.of(input.status(), input.headers(), input.body(), false);
    return input.provider() == null
        ? classifier.classify(request, response)
        : classifier.classify(input.provider(), request, response);
  }

  private static String write(ObjectNode node) {
    try {
      return WRITER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a tree of strings and numbers always serialises
    }
  }
}
