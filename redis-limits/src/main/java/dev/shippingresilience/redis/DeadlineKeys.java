package dev.shippingresilience.redis;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Redis keys that hold a deadline (an epoch millisecond with a matching {@code PX} TTL) where a later deadline
 * replaces an earlier one, never the reverse: the fleet's pauses and breaker hints. A failed operation is reported
 * to the link and answers as if no deadline were set. Thread-safe.
 */
final class DeadlineKeys {
  /** Sets KEYS[1] to ARGV[1] (epoch ms) with PX ARGV[2] unless it already holds a later or equal deadline. */
  static final String KEEP_LATER_DEADLINE = """
      local current = tonumber(redis.call('GET', KEYS[1]))
      local wanted = tonumber(ARGV[1])
      if current ~= nil and current >= wanted then return 0 end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return 1
      """;

  private final RedisLink link;

  DeadlineKeys(RedisLink link) {
    this.link = link;
  }

  /** Sets {@code key} to {@code until} unless it holds a later deadline; a time already past is ignored. */
  void keepLater(String operation, String key, Instant until) {
    long ttl = until.toEpochMilli() - link.clock().millis();
    if (ttl <= 0) {
      return;
    }
    RedisLink.Connection c = link.connection();
    if (c == null) {
      link.failed(operation, null);
      return;
    }
    try {
      byte[][] keys = {key.getBytes(StandardCharsets.UTF_8)};
      link.await(c.commands().<Long>eval(KEEP_LATER_DEADLINE, ScriptOutputType.INTEGER, keys,
          Long.toString(until.toEpochMilli()).getBytes(StandardCharsets.US_ASCII),
          Long.toString(ttl).getBytes(StandardCharsets.US_ASCII)));
      link.recovered();
    } catch (RuntimeException e) {
      link.failed(operation, e);
    }
  }

  /** {@return the deadline {@code key} holds when it is in the future, else {@code null} (also when Redis fails)} */
  @Nullable Instant read(String operation, String key) {
    RedisLink.Connection c = link.connection();
    if (c == null) {
      link.failed(operation, null);
      return null;
    }
    byte[] value;
    try {
      value = link.await(c.commands().get(key.getBytes(StandardCharsets.UTF_8)));
      link.recovered();
    } catch (RuntimeException e) {
      link.failed(operation, e);
      return null;
    }
    if (value == null) {
      return null;
    }
    long millis;
    try {
      millis = Long.parseLong(new String(value, StandardCharsets.US_ASCII).strip());
    } catch (NumberFormatException e) {
      return null;
    }
    return millis > link.clock().millis() ? Instant.ofEpochMilli(millis) : null;
  }
}
