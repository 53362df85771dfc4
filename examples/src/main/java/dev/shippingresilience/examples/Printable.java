package dev.shippingresilience.examples;

import dev.shippingresilience.Redaction;
import java.nio.charset.StandardCharsets;

/**
 * Makes user input safe to quote in a one-line error message: secrets masked, no line breaks or control
 * characters.
 */
final class Printable {
  private Printable() {}

  /**
   * Returns {@code raw} (a URL, or an argument that may be one) with secret query values masked. Whitespace,
   * control characters, quotes and angle brackets are percent-encoded first: {@link Redaction#url} ends a
   * value at those characters, so a malformed URL like {@code ?key=AB CD} would otherwise print {@code CD}.
   */
  static String url(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    raw.codePoints().forEach(cp -> {
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
          || "\"'<>".indexOf(cp) >= 0) {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(String.format("%02X", b & 0xFF));
        }
      } else {
        out.appendCodePoint(cp);
      }
    });
    return Redaction.defaults().url(out.toString());
  }

  /** Returns {@code raw} with secrets masked ({@link Redaction#text}) and control characters escaped. */
  static String text(String raw) {
    String masked = Redaction.defaults().text(raw);
    StringBuilder out = new StringBuilder(masked.length());
    masked.chars().forEach(c -> {
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.append((char) c);
      }
    });
    return out.toString();
  }
}
