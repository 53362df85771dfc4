package dev.shippingresilience.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code shipping-resilience-examples.jar}: dispatches to a subcommand.
 *
 * <pre>{@code
 * java -jar shipping-resilience-examples.jar classify --url URL --status N [options]
 * java -jar shipping-resilience-examples.jar classify --jsonl < exchanges.jsonl
 * java -jar shipping-resilience-examples.jar demo [--spring]
 * }</pre>
 *
 * <p>Exit codes: 0 success, 2 usage mistake; {@code demo} also exits 1 when it finds misbehaviour; {@code classify}
 * exits 1 when stdin cannot be read and, with {@code --jsonl}, 3 when any line failed.
 */
public final class Main {
  /** The exit code of a usage mistake: {@value}. */
  static final int EXIT_USAGE = 2;

  static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar shipping-resilience-examples.jar <command> [options]",
      "",
      "commands:",
      "  classify   classify a provider response (--url, --status, ...) or JSON lines from stdin (--jsonl)",
      "  demo       run calls against an embedded simulated provider (OkHttp, or --spring for RestClient)",
      "",
      "Run '<command> --help' for the command's options.");

  private Main() {}

  /**
   * Runs the command named by {@code args[0]} and exits the JVM with its exit code.
   *
   * @param args the subcommand followed by its arguments
   */
  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.in, System.out, System.err));
  }

  /** Runs the command named by {@code args[0]} on the given streams and returns its exit code. */
  static int run(List<String> args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    if (args.isEmpty()) {
      stderr.println(USAGE);
      return EXIT_USAGE;
    }
    String command = args.get(0);
    List<String> rest = args.subList(1, args.size());
    switch (command) {
      case "classify":
        return new ClassifyCommand().run(rest, stdin, stdout, stderr);
      case "demo":
        return DemoCommand.run(rest.toArray(new String[0]), stdout, stderr);
      // A new command is one more case here and one more line in USAGE.
      case "--help":
      case "-h":
      case "help":
        stdout.println(USAGE);
        return 0;
      default:
        stderr.println("unknown command '" + ClassifyInput.quote(command) + "'");
        stderr.println(USAGE);
        return EXIT_USAGE;
    }
  }
}
