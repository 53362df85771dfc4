package dev.shippingresilience.examples;

import dev.shippingresilience.ProviderProfiles;

/**
 * What the {@code classify} arguments ask for: JSON lines from stdin, or one exchange, each classified against
 * the built-in profiles plus any {@code --profile} files. Immutable; built by {@link ClassifyArguments#options}.
 */
sealed interface ClassifyOptions {
  /** Returns the profiles to classify with: the built-in ones and those {@code --profile} loaded. */
  ProviderProfiles profiles();

  /**
   * {@code --jsonl}: classify one JSON line of stdin at a time.
   *
   * @param profiles the profiles to classify with
   */
  record JsonLines(ProviderProfiles profiles) implements ClassifyOptions {}

  /**
   * Classify the one exchange the arguments describe.
   *
   * @param profiles the profiles to classify with
   * @param input the exchange
   */
  record Single(ProviderProfiles profiles, ClassifyInput input) implements ClassifyOptions {}
}
