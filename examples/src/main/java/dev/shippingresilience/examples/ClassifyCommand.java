package dev.shippingresilience.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shippingresilience.Classification;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * The {@code classify} command: tells what a provider response means, as one JSON object a line.
 *
 * <pre>{@code
 * classify --url URL --status N [--method M] [--provider ID] [--header 'Name: value']...
 *          [--body JSON | --body-file PATH] [--request-body JSON | --request-body-file PATH] [--profile FILE]...
 * classify --jsonl [--profile FILE]... < exchanges.jsonl
 * }</pre>
 *
 * <p>Output fields, in order: {@code provider, operation, action, httpStatus, code, retryAfterMs, scope,
 * duplicate, reason, items}; the reason is printed whole. Headers and bodies are never echoed. With
 * {@code --jsonl} every input line yields exactly one output line, {@code {"error": "line N: ..."}} when the line
 * cannot be read, flushed as it is written; then the next line is read.
 *
 * <p>Input is read with bounds: of a body only what the classifier reads (its peek limit, 64 KiB by default), of a
 * request body what the OkHttp adapter reads ({@value ClassifyInput#MAX_REQUEST_BODY} bytes); lines end at LF
 * (CRLF is one line ending, a lone CR stays in its line) and hold at most {@value #MAX_LINE_BYTES} bytes: the rest
 * of a longer line is skipped and it yields one error.
 *
 * <p>Exit codes: 0 done, 2 usage mistake (one line on stderr naming the argument), 1 stdin could not be read,
 * 3 ({@code --jsonl}) some lines failed: their output lines are errors and stderr says how many.
 * Thread-safe.
 */
final class ClassifyCommand {
  /** The exit code when stdin fails mid-stream: {@value}. */
  static final int EXIT_IO = 1;

  /** The exit code when some {@code --jsonl} lines failed (each has its {@code {"error"}} line): {@value}. */
  static final int EXIT_SOME_LINES_FAILED = 3;

  /** The most bytes a {@code --jsonl} line may hold, its line ending not counted: {@value} (32 MiB). */
  static final int MAX_LINE_BYTES = 32 * 1024 * 1024;

  /** How every error output line starts; a result line starts with {@code {"provider"}. */
  private static final String ERROR_START = "{\"error\":";

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
    this.lineReader = new JsonLineReader(classifier.profiles(), classifier.peekLimit());
  }

  /** Returns the profiles this command classifies with, before any {@code --profile}. */
  ProviderProfiles profiles() {
    return classifier.profiles();
  }

  /** Returns how many body bytes the classifier reads. */
  int peekLimit() {
    return classifier.peekLimit();
  }

  /**
   * Runs the command.
   *
   * @param args the arguments after {@code classify}
   * @param stdin read with {@code --jsonl} only, as UTF-8
   * @param stdout where results and help go
   * @param stderr where mistakes go
   * @return the exit code
   */
  int run(List<String> args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    return Cli.execute(new CommandLine(new ClassifyArguments(this, stdin, stdout, stderr)),
        args.toArray(new String[0]), stdout, stderr);
  }

  /** Runs what the checked arguments ask for; returns the exit code. */
  int run(ClassifyOptions options, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    // --profile files make a classifier of their own; without them the options hold this command's profiles
    ClassifyCommand command = options.profiles() == classifier.profiles() ? this
        : new ClassifyCommand(ResponseClassifier.builder().profiles(options.profiles()).peekLimit(peekLimit()).build());
    if (options instanceof ClassifyOptions.Single single) {
      stdout.println(write(ClassificationJson.of(command.classify(single.input()))));
      stdout.flush();
      return 0;
    }
    return command.classifyLines(stdin, stdout, stderr);
  }

  private int classifyLines(InputStream stdin, PrintStream stdout, PrintStream stderr) {
    LineSplitter lines = new LineSplitter(stdin, MAX_LINE_BYTES);
    long number = 0;
    long failed = 0;
    try {
      while (lines.next()) {
        number++;
        String output = lines.tooLong()
            ? error(number, "longer than " + MAX_LINE_BYTES + " bytes (the limit per line); skipped")
            : classifyLine(number, lines.text());
        if (output.startsWith(ERROR_START)) {
          failed++;
        }
        stdout.println(output);
        stdout.flush();
      }
    } catch (IOException e) {
      stderr.println("classify: could not read stdin after line " + number + " (" + e.getClass().getSimpleName()
          + ")");
      return EXIT_IO;
    }
    if (failed > 0) {
      stderr.println("classify: " + failed + " of " + number + " lines failed");
      return EXIT_SOME_LINES_FAILED;
    }
    return 0;
  }

  /**
   * Classifies one {@code --jsonl} input line and returns the output line (without a line break): the result, or
   * {@code {"error": "line N: ..."}} naming the field when the line cannot be read. Never throws.
   *
   * @param number the line's number, from 1
   * @param jsonLine the line without its line ending
   */
  String classifyLine(long number, String jsonLine) {
    if (jsonLine.isBlank()) {
      return error(number, "empty line");
    }
    ClassifyInput input;
    try {
      input = lineReader.read(jsonLine);
    } catch (UsageException e) {
      return error(number, e.getMessage());
    } catch (RuntimeException e) {
      // Not expected from Jackson on any input; if it happens, this line fails and the stream goes on.
      return error(number, "could not be read (" + e.getClass().getName() + ")");
    }
    try {
      return write(ClassificationJson.of(classify(input)));
    } catch (RuntimeException e) {
      // The classifier promises not to throw; if it does, keep the stream going and keep its message (which
      // could quote input) out of the output.
      return error(number, "classifier failed: " + e.getClass().getName());
    }
  }

  private static String error(long number, String message) {
    return write(ClassificationJson.error("line " + number + ": " + message));
  }

  /** Classifies {@code input} with its provider, or the one its URL host selects. */
  Classification classify(ClassifyInput input) {
    RequestSnapshot request = RequestSnapshot.of(input.method(), input.url(), HeaderValues.empty(),
        input.requestBody());
    ResponseSnapshot response = ResponseSnapshot.of(input.status(), input.headers(), input.body(), input.bodyCut());
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

  /**
   * Splits a byte stream into lines at LF, holding at most {@code max} bytes of a line: a CRLF ending is one line
   * ending, a lone CR belongs to its line ({@link java.io.BufferedReader#readLine} would end the line there). Of a
   * longer line the rest is read and dropped. Not thread-safe.
   */
  static final class LineSplitter {
    private final InputStream in;
    private final int max;
    private final byte[] chunk = new byte[64 * 1024];
    private int pos;
    private int end;
    /** The line so far: {@code max + 1} bytes at most, room for a CR before the LF. */
    private byte[] line = new byte[8 * 1024];
    private int length;
    private boolean tooLong;

    LineSplitter(InputStream in, int max) {
      this.in = in;
      this.max = max;
    }

    /** Reads the next line; returns {@code false} at the end of input. */
    boolean next() throws IOException {
      length = 0;
      tooLong = false;
      boolean any = false;
      while (true) {
        if (pos == end) {
          int n = in.read(chunk);
          if (n < 0) {
            tooLong |= length > max;
            return any;
          }
          pos = 0;
          end = n;
          continue;
        }
        any = true;
        int lf = pos;
        while (lf < end && chunk[lf] != '\n') {
          lf++;
        }
        append(pos, lf);
        pos = lf < end ? lf + 1 : end;
        if (lf < end) {
          if (length > 0 && line[length - 1] == '\r') {
            length--;
          }
          tooLong |= length > max;
          return true;
        }
      }
    }

    /** Returns {@code true} when the line held more than {@code max} bytes; {@link #text()} is then not the line. */
    boolean tooLong() {
      return tooLong;
    }

    /** Returns the line read last, without its line ending, decoded as UTF-8. */
    String text() {
      return new String(line, 0, length, StandardCharsets.UTF_8);
    }

    private void append(int from, int to) {
      int n = to - from;
      if (tooLong || length + n > max + 1) {
        tooLong = true;
        return;
      }
      if (length + n > line.length) {
        line = Arrays.copyOf(line, (int) Math.min(max + 1L, Math.max(length + n, 2L * line.length)));
      }
      System.arraycopy(chunk, from, line, length, n);
      length += n;
    }
  }
}
