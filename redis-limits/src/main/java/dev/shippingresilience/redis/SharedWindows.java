package dev.shippingresilience.redis;

import dev.shippingresilience.internal.LearnedWindow;
import dev.shippingresilience.spi.AnnouncedWindow;
import dev.shippingresilience.spi.SharedLimits;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The rate-limit windows providers announce, one per account for the whole fleet: {@code <prefix>window:<account>}
 * is a hash (limit, period, end, cap, taken, asked) that one Lua script both learns into and hands permits from, with the
 * arithmetic of core's {@link LearnedWindow} (kept in step with it: see that class for what each field means). The
 * key expires a few windows after the last one reserved.
 *
 * <p>Only accounts with a window (announced to this instance, or found in Redis) cost a round trip per permit;
 * for any other account Redis is asked at most once a second (so an instance whose own answers announced nothing
 * yet still paces by the window its fleet-mates learned), and otherwise answered at once. When Redis fails, the failure mode answers: the local fallback
 * learns and paces (FAIL_OPEN), or no permit (FAIL_CLOSED). Thread-safe.
 */
final class SharedWindows {
  /**
   * ARGV[1] {@code learn}: ARGV[2..5] = limit, remaining, reset, now; returns 1. ARGV[1] {@code reserve}: ARGV[2..5]
   * = now, maxWait, continuing (1 or 0), the new-call horizon; returns {code, ms}: 0 no permit within maxWait,
   * 1 wait ms with the permit, 2 no permit yet, ask again in ms, 3 no window known for the account.
   */
  static final String WINDOW_SCRIPT = """
      local key = KEYS[1]
      local s = redis.call('HMGET', key, 'limit', 'period', 'end', 'cap', 'taken', 'asked')
      local L = tonumber(s[1]) or 0
      local P = tonumber(s[2]) or 0
      local E = tonumber(s[3]) or 0
      local C = tonumber(s[4]) or 0
      local T = tonumber(s[5]) or 0
      local A = tonumber(s[6]) or 0
      local maxw = tonumber(ARGV[6])
      local now
      if ARGV[1] == 'learn' then now = tonumber(ARGV[5]) else now = tonumber(ARGV[2]) end
      if E > 0 and now >= E and P > 0 and L > 0 then
        local passed = math.floor((now - E) / P) + 1
        local excess = math.max(0, T - C)
        if passed - 1 > math.floor(excess / L) then T = 0 else T = math.max(0, excess - (passed - 1) * L) end
        C = L
        E = E + passed * P
        A = 0
      end
      local result
      if ARGV[1] == 'learn' then
        local limit = tonumber(ARGV[2])
        local remaining = tonumber(ARGV[3])
        local reset = tonumber(ARGV[4])
        local tolerance = 500
        if P > 0 then tolerance = math.floor(P / 2) end
        if E > now and math.abs(reset - E) <= tolerance then
          C = math.min(C, math.min(T, C) + remaining)
          if limit > 0 then L = limit end
        elseif E > now and reset < E then
          return 1
        else
          if P == 0 and E > 0 and reset > E and now - E < (reset - E) / 2 then P = reset - E end
          if P == 0 and limit > 0 and remaining == limit - 1 then
            P = math.max(1000, math.ceil((reset - now) / 1000) * 1000)
          end
          L = limit
          E = reset
          C = remaining
          T = 0
          A = 0
        end
        result = 1
      else
        if E == 0 then return {3, 0} end
        local maxWait = tonumber(ARGV[3])
        local continuing = ARGV[4] == '1'
        local horizon = tonumber(ARGV[5])
        if E <= now or T < C then
          if E > now then T = T + 1 end
          result = {1, 0}
        elseif P == 0 or L == 0 then
          if E - now <= maxWait then result = {1, E - now} else result = {0, 0} end
        else
          local later = math.floor((T - C) / L)
          if not continuing and later >= horizon then
            if E + (math.floor(A / L) + horizon) * P - now > maxWait then
              result = {0, 0}
            else
              result = {2, math.max(1, E - now + math.min(A, math.floor(P / 20)))}
              A = A + 1
            end
          elseif later > maxw / P or E + later * P - now > maxWait then
            result = {0, 0}
          else
            T = T + 1
            result = {1, E + later * P - now}
          end
        end
      end
      redis.call('HSET', key, 'limit', L, 'period', P, 'end', E, 'cap', C, 'taken', T, 'asked', A)
      local unit = math.max(P, 1000)
      local ahead = 0
      if L > 0 then ahead = math.floor(math.max(0, T - C) / L) end
      redis.call('PEXPIRE', key, math.max(1000, E - now + (ahead + 2) * unit))
      return result
      """;

  /** How long an account Redis knew no window for is answered without asking again: 1 s. */
  private static final long UNKNOWN_TTL_MILLIS = 1000;
  private static final byte[] LEARN = bytes("learn");
  private static final byte[] RESERVE = bytes("reserve");
  private static final byte[] MAX_WINDOW = bytes(Long.toString(LearnedWindow.MAX_WINDOW_MILLIS));
  private static final byte[] HORIZON = bytes(Long.toString(LearnedWindow.NEW_CALL_HORIZON));

  private final RedisLink link;
  private final String keyPrefix;
  private final SharedLimits fallback;
  /** The accounts whose answers announced a window to this instance (at most MAX_CACHED_BUCKETS, then cleared). */
  private final Set<String> announced = ConcurrentHashMap.newKeySet();
  /** The accounts Redis knew no window for, by when it was asked (epoch ms; bounded like {@link #announced}). */
  private final Map<String, Long> unknownSince = new ConcurrentHashMap<>();

  SharedWindows(RedisLink link, String keyPrefix, SharedLimits fallback) {
    this.link = link;
    this.keyPrefix = keyPrefix;
    this.fallback = fallback;
  }

  /** See {@link RedisSharedLimits#learnWindow}. */
  boolean learn(String account, AnnouncedWindow window) {
    long now = link.clock().millis();
    long reset = window.reset().toEpochMilli();
    if (!LearnedWindow.valid(window.limit(), window.remaining(), reset, now)) {
      return false;
    }
    remember(account);
    RedisLink.Connection c = link.connection();
    if (c != null) {
      try {
        link.await(c.commands().<Long>eval(WINDOW_SCRIPT, ScriptOutputType.INTEGER, key(account), LEARN,
            number(window.limit()), number(window.remaining()), number(reset), number(now), MAX_WINDOW));
        link.recovered();
        return true;
      } catch (RuntimeException e) {
        link.failed(RedisLink.WINDOW, e);
      }
    } else {
      link.failed(RedisLink.WINDOW, null);
    }
    return fallback.learnWindow(account, window);
  }

  /** See {@link RedisSharedLimits#acquireLearned}. */
  @Nullable Duration acquire(String account, Duration maxWait, boolean continuing) {
    long now = link.clock().millis();
    boolean known = announced.contains(account);
    if (!known) {
      Long asked = unknownSince.get(account);
      if (asked != null && now - asked >= 0 && now - asked < UNKNOWN_TTL_MILLIS) {
        return Duration.ZERO;
      }
    }
    RedisLink.Connection c = link.connection();
    if (c == null && !known) {
      return Duration.ZERO; // no window this instance knows of, and no Redis to ask: nothing to pace by
    }
    if (c != null) {
      try {
        long maxWaitMillis = Math.min(Math.max(0, maxWait.toMillis()), LearnedWindow.MAX_WINDOW_MILLIS);
        List<Object> answer = link.await(c.commands().<List<Object>>eval(WINDOW_SCRIPT, ScriptOutputType.MULTI,
            key(account), RESERVE, number(now), number(maxWaitMillis),
            bytes(continuing ? "1" : "0"), HORIZON, MAX_WINDOW));
        link.recovered();
        long code = (Long) answer.get(0);
        long millis = (Long) answer.get(1);
        if (code == 3) {
          if (unknownSince.size() >= RedisSharedLimits.MAX_CACHED_BUCKETS) {
            unknownSince.clear();
          }
          unknownSince.put(account, now);
          announced.remove(account);
          return Duration.ZERO;
        }
        remember(account);
        return code == 0 ? null : millis == 0 ? Duration.ZERO
            : code == 2 ? Duration.ofMillis(-millis) : Duration.ofMillis(millis);
      } catch (RuntimeException e) {
        link.failed(RedisLink.WINDOW, e);
      }
    } else {
      link.failed(RedisLink.WINDOW, null);
    }
    // FAIL_CLOSED refuses only where a window is known to pace by
    if (known && link.failureMode() == FailureMode.FAIL_CLOSED) {
      return null;
    }
    return fallback.acquireLearned(account, maxWait, continuing);
  }

  private void remember(String account) {
    if (!announced.contains(account)) {
      if (announced.size() >= RedisSharedLimits.MAX_CACHED_BUCKETS) {
        announced.clear();
      }
      announced.add(account);
      unknownSince.remove(account);
    }
  }

  private byte[][] key(String account) {
    return new byte[][] {bytes(keyPrefix + "window:" + account)};
  }

  private static byte[] number(long value) {
    return bytes(Long.toString(value));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
