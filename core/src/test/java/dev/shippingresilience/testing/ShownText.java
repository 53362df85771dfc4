package dev.shippingresilience.testing;

import java.util.ArrayList;
import java.util.List;

/** What a user is shown of an error, for checking that no secret is among it. */
public final class ShownText {
  private ShownText() {}

  /**
   * Returns the message and {@code toString()} of {@code t} and of each of its causes: the text the library wrote.
   * Suppressed exceptions are left out: they are the transport's own, attached as they were thrown.
   */
  public static List<String> ofChain(Throwable t) {
    List<String> texts = new ArrayList<>();
    for (Throwable c = t; c != null; c = c.getCause()) {
      texts.add(String.valueOf(c.getMessage()));
      texts.add(c.toString());
    }
    return texts;
  }
}
