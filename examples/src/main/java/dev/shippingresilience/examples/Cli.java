package dev.shippingresilience.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line's shared plumbing over picocli: one way to run a command, and one set of mistake messages for
 * every command. A mistake is one stderr line, {@code <command>: <what is wrong> (see <command> --help)}, naming
 * the argument and never quoting a secret (picocli's own messages quote values whole, so none is shown); the exit
 * code is then {@value Main#EXIT_USAGE}.
 */
final class Cli {
  private Cli() {}

  /**
   * Runs {@code command} (a picocli {@code @Command} that is a {@code Callable<Integer>}) on {@code args}: help and
   * version go to {@code stdout}, mistakes to {@code stderr}.
   *
   * @return the command's exit code, 0 after help, {@value Main#EXIT_USAGE} after a usage mistake
   */
  static int execute(CommandLine cli, String[] args, PrintStream stdout, PrintStream stderr) {
    return cli
        // an argument starting with '@' is a value (a body, a URL), never a file of arguments to expand
        .setExpandAtFiles(false)
        .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
        .setOut(writer(stdout))
        .setErr(writer(stderr))
        .setParameterExceptionHandler((e, all) -> {
          CommandLine failed = e.getCommandLine();
          if (failed.getCommand() instanceof Main) {
            // the top level: the command word itself was wrong
            stderr.println(mainMistake(e));
            stderr.println(failed.getUsageMessage());
            return Main.EXIT_USAGE;
          }
          return mistake(failed.getCommandSpec(), stderr, message(e, all.length));
        })
        .execute(args);
  }

  /** Prints {@code message} as {@code spec}'s usage mistake on {@code stderr}; returns {@value Main#EXIT_USAGE}. */
  static int mistake(CommandSpec spec, PrintStream stderr, String message) {
    String name = spec.name();
    stderr.println(name + ": " + message + " (see " + name + " --help)");
    stderr.flush();
    return Main.EXIT_USAGE;
  }

  private static String mainMistake(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.isUnknownOption()) {
      return "unknown command '" + ClassifyInput.quote(unmatched.getUnmatched().get(0)) + "'";
    }
    return message(e, 0);
  }

  /**
   * Says what is wrong, naming the option; quotes a value only through {@link ClassifyInput#quote} (masked, cut).
   *
   * @param argCount how many arguments the command line had, to number an unexpected one
   */
  static String message(ParameterException e, int argCount) {
    if (e instanceof UnmatchedArgumentException unmatched) {
      // picocli stops at the first argument it cannot place and hands back the rest of the line
      String arg = unmatched.getUnmatched().get(0);
      int position = argCount - unmatched.getUnmatched().size() + 1;
      return unexpected(e.getCommandLine().getCommandSpec(), position, arg, unmatched.isUnknownOption());
    }
    if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
      return name(missing.getMissing().get(0)) + " needs a value";
    }
    if (e instanceof OverwrittenOptionException overwritten) {
      return name(overwritten.getOverwritten()) + " given more than once";
    }
    ArgSpec spec = e.getArgSpec();
    if (spec == null) {
      return "could not read the arguments";
    }
    Class<?> type = spec.type();
    if (type == boolean.class || type == Boolean.class) {
      return name(spec) + " takes no value";
    }
    String value = e.getValue() == null ? "" : ", got '" + ClassifyInput.quote(e.getValue()) + "'";
    boolean integer = type == int.class || type == long.class || type == Integer.class || type == Long.class;
    return name(spec) + " must be " + (integer ? "an integer" : "a number") + value;
  }

  /**
   * Says argument {@code position} was not expected. It is quoted only when it holds no sign of a URL's user
   * info, query or fragment (an unquoted header value or URL split by the shell lands here).
   */
  private static String unexpected(CommandSpec command, int position, String arg, boolean option) {
    if (arg.indexOf('@') >= 0 || arg.indexOf('?') >= 0 || arg.indexOf('#') >= 0) {
      return "unexpected argument " + position + " (not an option"
          + (command.findOption("--url") == null ? "" : "; a URL goes after --url, quoted") + ")";
    }
    return (option ? "unknown " + command.name() + " argument" : "unexpected argument") + " '"
        + ClassifyInput.quote(arg) + "'";
  }

  private static String name(ArgSpec spec) {
    return spec instanceof OptionSpec option ? option.longestName() : spec.paramLabel();
  }

  /** A writer that prints through {@code out}, so picocli's text uses the stream's own charset. */
  private static PrintWriter writer(PrintStream out) {
    return new PrintWriter(new Writer() {
      @Override
      public void write(char[] chars, int offset, int length) {
        out.print(new String(chars, offset, length));
      }

      @Override
      public void flush() {
        out.flush();
      }

      @Override
      public void close() {
        out.flush();
      }
    }, true);
  }

  /** {@code --version}: the project version, from a resource Maven filters at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    /** The resource holding {@code version=<project version>}. */
    static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() {
      return new String[] {"shipping-resilience " + projectVersion(),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }

    /** Returns the version Maven built this jar as, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String projectVersion() {
      Properties properties = new Properties();
      try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the jar (a packaging bug)");
        }
        properties.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return properties.getProperty("version", "unknown");
    }
  }
}
