package dev.shippingresilience.spring.internal;

import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Finds the valid name a mistyped one most likely meant ({@code max-atempts} for {@code max-attempts},
 * {@code provders} for {@code providers}), for "did you mean" hints.
 */
public final class Nearest {
  private Nearest() {}

  /**
   * Returns the candidate closest to {@code given}, or {@code null} when none is close: at most two edits (a letter
   * added, dropped, changed, or two neighbours swapped), or a third of the name's length for long names. Case,
   * {@code -} and {@code _} are ignored, as Spring Boot's relaxed binding ignores them.
   */
  public static @Nullable String of(String given, Collection<String> candidates) {
    String a = canonical(given);
    String best = null;
    int bestDistance = Math.max(2, a.length() / 3) + 1;
    for (String candidate : candidates) {
      int d = distance(a, canonical(candidate));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }

  private static String canonical(String name) {
    return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** The optimal string alignment distance (Levenshtein plus swaps of neighbours). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
