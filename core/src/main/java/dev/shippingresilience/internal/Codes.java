package dev.shippingresilience.internal;

import java.util.regex.Pattern;

/**
 * The one definition of a provider code, shared by the classifier (which reads codes from bodies) and the profile
 * loader (which accepts codes in tables), so a table can hold exactly the codes a body can produce.
 */
public final class Codes {
  /**
   * The most characters of a code after its optional leading '-': {@value} (the longest documented code of a
   * built-in profile has 43). A JSON number in a body still reads as a code only up to 40 digits
   * ({@link StreamingExtractor#MAX_NUMBER_LENGTH}), so a longer code is one a provider sends as text.
   */
  public static final int MAX_LENGTH = 64;

  /**
   * A plain code: an optional '-', then 1 to {@value #MAX_LENGTH} of {@code A-Z a-z 0-9 _ . : -}. A body value
   * that does not match is not a code; a table key that does not match could never be looked up.
   */
  public static final Pattern PLAIN_CODE = Pattern.compile("-?[0-9A-Za-z_.:-]{1," + MAX_LENGTH + "}");

  /** What {@link #PLAIN_CODE} allows, in words, for error messages. */
  public static final String PLAIN_CODE_WORDS =
      "a code is 1 to " + MAX_LENGTH + " of A-Z a-z 0-9 _ . : - after an optional '-'";

  private Codes() {}

  /** Returns {@code true} when {@code code} is a plain code ({@link #PLAIN_CODE}). */
  public static boolean isPlain(String code) {
    int length = code.length();
    if (length == 0 || length > (code.charAt(0) == '-' ? MAX_LENGTH + 1 : MAX_LENGTH)) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = code.charAt(i);
      boolean allowed = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
          || c == '_' || c == '.' || c == ':' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true; // what PLAIN_CODE matches, without a matcher per call (CodesTest holds the two equal)
  }
}
