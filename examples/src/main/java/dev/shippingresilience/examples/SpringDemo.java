package dev.shippingresilience.examples;

import java.io.PrintStream;

/** The demo's {@code --spring} path: the same pipeline through Spring's RestClient. */
final class SpringDemo {
  private SpringDemo() {}

  static int run(DemoCommand.Options options, DemoCommand.Output out, PrintStream stderr) {
    stderr.println("demo: --spring is not available in this build yet");
    return 2;
  }
}
