package dev.shippingresilience.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code shipping-resilience-examples.jar}: dispatches to a subcommand.
 *
 * <pre>{@code
 * java -jar shipping-resilience-examples.jar classify --url URL --status N [options]
 * java -jar shipping-resilience-examples.jar classify --jsonl < exchanges.jsonl
 * java -jar shipping-resilience-examples.jar demo [--spring]
 * java -jar shipping-resilience-examples.jar --version
 * }</pre>
 *
 * <p>Exit codes: 0 success, 2 usage mistake; {@code demo} also exits 1 when it finds misbehaviour; {@code classify}
 * exits 1 when stdin cannot be read and, with {@code --jsonl}, 3 when any line failed.
 */
@Command(name = "java -jar shipping-resilience-examples.jar", mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class, usageHelpWidth = 110, synopsisHeading = "usage: ",
    synopsisSubcommandLabel = "<command>",
    commandListHeading = "%ncommands:%n", footerHeading = "%n",
    footer = "Run '<command> --help' for the command's options.")
public final class Main implements Callable<Integer> {
  /** The exit code of a usage mistake: {@value}. */
  static final int EXIT_USAGE = 2;

  @Spec
  @Nullable CommandSpec spec;

  private final PrintStream stderr;

  private Main(PrintStream stderr) {
    this.stderr = stderr;
  }

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
    CommandLine cli = new CommandLine(new Main(stderr))
        // A new command is one more subcommand here.
        .addSubcommand(new ClassifyArguments(new ClassifyCommand(), stdin, stdout, stderr))
        .addSubcommand(new DemoCommand(stdout, stderr))
        .addSubcommand(new CommandLine.HelpCommand());
    return Cli.execute(cli, args.toArray(new String[0]), stdout, stderr);
  }

  /** No command given: the usage on stderr, a usage mistake. */
  @Override
  public Integer call() {
    stderr.println(Objects.requireNonNull(spec).commandLine().getUsageMessage());
    return EXIT_USAGE;
  }
}
