package dev.shippingresilience.internal;

import java.util.regex.Pattern;

/**
 * The one definition of a provider code, shared by the classifier (which reads codes from bodies) and the profile
 * loader (which accepts codes in tables), so a table can hold exactly the codes a body can produce.
 */
public final class Codes {
  /** The most characters of a code after its optional leading '-': {@value}. */
  public static final int MAX_LENGTH = 40;

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
    return PLAIN_CODE.matcher(code).matches();
  }
}
