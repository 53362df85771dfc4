package dev.shippingresilience.examples;

/**
 * A command-line or input-line mistake. The message is one line that names the bad argument or field, holds no
 * secret, and is shown to the user as is (no stack trace).
 */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
