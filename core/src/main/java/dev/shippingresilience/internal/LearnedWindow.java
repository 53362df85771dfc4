package dev.shippingresilience.internal;

/**
 * One account's rate-limit window as the provider announces it ({@code X-RateLimit-Limit}, {@code -Remaining},
 * {@code -Reset}), and the permits handed out against it. Not thread-safe: its owner locks (LocalLimits) or runs the
 * same arithmetic in one Redis script (redis-limits' {@code learned-window.lua}).
 *
 * <p>The window ends at {@code end} (epoch ms) with {@code cap} requests left; {@code taken} permits were handed out
 * since it began. Past {@code cap} a permit is a reservation in a later window: the {@code k}-th one past it waits
 * until {@code end + (k / limit) * period}, so the account's callers arrive after the reset instead of spending the
 * last requests and then meeting 429s. The window's length ({@code period}) is not announced: it is the distance
 * between two resets seen, or the time to the reset when the answer was the window's first request
 * ({@code remaining == limit - 1}), rounded up to a whole second. Until it is known, a caller past {@code cap} waits
 * for the reset without reserving, and once the window ends nothing is paced until the next announcement.
 *
 * <p>All arithmetic stays within {@link #MAX_WINDOW_MILLIS} of now, so nothing overflows.
 */
public final class LearnedWindow {
  /** The longest window (and wait) taken from a header: 31 days, the longest {@code rateLimit.period}. */
  public static final long MAX_WINDOW_MILLIS = 31L * 24 * 3600 * 1000;
  /** The largest limit or remaining count taken from a header: {@value}. */
  public static final long MAX_COUNT = 1_000_000;

  /** {@link #reserve}'s answer when no permit comes within the wait accepted. */
  public static final long NONE = Long.MIN_VALUE;
  /** How many windows past the current one a call's first request may reserve. */
  public static final long NEW_CALL_HORIZON = 1;

  private long limit;
  private long period;
  private long end;
  private long cap;
  private long taken;
  /** New calls told to ask again since the current window began. */
  private long asked;

  /**
   * Takes an announced window; values outside the accepted ranges are ignored (returns {@code false}).
   *
   * @param limit the announced limit, {@code 0} when not announced
   * @param remaining the requests left in the window
   * @param reset the epoch millisecond the window ends
   * @param now the current epoch millisecond
   * @return whether the announcement was taken
   */
  public boolean learn(long limit, long remaining, long reset, long now) {
    if (!valid(limit, remaining, reset, now)) {
      return false;
    }
    roll(now);
    long tolerance = period > 0 ? period / 2 : 500;
    if (end > now && Math.abs(reset - end) <= tolerance) {
      // the window we pace: a fleet-mate (or a caller before the first announcement) may have spent more
      cap = Math.min(cap, Math.min(taken, cap) + remaining);
      if (limit > 0) {
        this.limit = limit;
      }
      return true;
    }
    if (end > now && reset < end) {
      return true; // a late answer from the window before: nothing new
    }
    if (period == 0 && end > 0 && reset > end && now - end < (reset - end) / 2) {
      // the window right after the one learned (an idle gap of several windows would read as one long window)
      period = reset - end;
    }
    if (period == 0 && limit > 0 && remaining == limit - 1) {
      // the window's first request: the reset is about one window away
      period = Math.max(1000, ((reset - now + 999) / 1000) * 1000);
    }
    this.limit = limit;
    end = reset;
    cap = remaining;
    taken = 0;
    asked = 0;
    return true;
  }

  /**
   * Hands out one permit.
   *
   * @param now the current epoch millisecond
   * @param maxWait the longest wait accepted, in milliseconds
   * @param continuing whether the permit is for a later request of a call under way (a poll, a retry): those may
   *     reserve any window ahead; a call's first request reserves at most {@link #NEW_CALL_HORIZON} windows past
   *     the current one and otherwise asks again when the window ends (in the order asked), so the later requests
   *     of the calls already admitted (whose poll limits are short) go ahead of the queue of new calls
   * @return the milliseconds to wait before sending ({@code 0}: now); {@link #NONE} when no permit comes within
   *     {@code maxWait}; a negative value {@code -w}: no permit taken, ask again in {@code w} ms
   */
  public long reserve(long now, long maxWait, boolean continuing) {
    roll(now);
    if (end <= now || taken < cap) {
      if (end > now) {
        taken++;
      }
      return 0;
    }
    if (period == 0 || limit == 0) {
      long wait = end - now;
      return wait <= maxWait ? wait : NONE;
    }
    long later = (taken - cap) / limit;
    if (!continuing && later >= NEW_CALL_HORIZON) {
      // Ask again when the window ends, in the order asked (a ms apart), so the new calls keep their turns; a call
      // that could not get a permit before its deadline even so ends now rather than at its deadline.
      long turnAt = end + (asked / limit + NEW_CALL_HORIZON) * period - now;
      if (turnAt > maxWait) {
        return NONE;
      }
      long wait = end - now + Math.min(asked, period / 20);
      asked++;
      return -Math.max(1, wait);
    }
    if (later > MAX_WINDOW_MILLIS / period) {
      return NONE;
    }
    long wait = end + later * period - now;
    if (wait > maxWait) {
      return NONE;
    }
    taken++;
    return wait;
  }

  /** Moves to the window holding {@code now} when the period is known. */
  private void roll(long now) {
    if (end == 0 || now < end || period == 0 || limit == 0) {
      return;
    }
    long passed = (now - end) / period + 1;
    long excess = Math.max(0, taken - cap);
    // the reservations for the windows that passed were used there
    taken = passed - 1 > excess / limit ? 0 : Math.max(0, excess - (passed - 1) * limit);
    cap = limit;
    end += passed * period;
    asked = 0;
  }

  /**
   * {@return whether the announced values are in range: counts within 0..MAX_COUNT, no more remaining than the
   * limit, a reset ahead and at most {@link #MAX_WINDOW_MILLIS} away}
   *
   * @param limit the announced limit, {@code 0} when not announced
   * @param remaining the requests left
   * @param reset the epoch millisecond the window ends
   * @param now the current epoch millisecond
   */
  public static boolean valid(long limit, long remaining, long reset, long now) {
    return limit >= 0 && limit <= MAX_COUNT && remaining >= 0 && remaining <= MAX_COUNT
        && (limit == 0 || remaining <= limit) && reset > now && reset - now <= MAX_WINDOW_MILLIS;
  }

  /** {@return the end of the window paced, epoch ms; 0 when none was learned} For tests. */
  long end() {
    return end;
  }

  /** {@return the learned window length in ms; 0 when unknown} For tests. */
  long period() {
    return period;
  }
}
