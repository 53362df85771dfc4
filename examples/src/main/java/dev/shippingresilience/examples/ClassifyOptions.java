package dev.shippingresilience.examples;

/**
 * What the {@code classify} arguments ask for: help, JSON lines from stdin, or one exchange. Immutable; built by
 * {@link ClassifyArguments#parse}.
 */
sealed interface ClassifyOptions {

  /** {@code --help}: print the command's usage. */
  record Help() implements ClassifyOptions {}

  /** {@code --jsonl}: classify one JSON line of stdin at a time. */
  record JsonLines() implements ClassifyOptions {}

  /**
   * Classify the one exchange the arguments describe.
   *
   * @param input the exchange
   */
  record Single(ClassifyInput input) implements ClassifyOptions {}
}
