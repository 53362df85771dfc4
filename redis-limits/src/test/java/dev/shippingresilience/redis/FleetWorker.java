package dev.shippingresilience.redis;

import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.ShippingListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A second JVM of the fleet, started by the two-JVM tests:
 * {@code FleetWorker <redis-uri|local> <target-url> <account> <permits-per-second> <threads>}. Prints
 * {@code READY}, waits for {@code GO <end epoch ms>} on stdin, calls the target until then, prints
 * {@code ANSWERED <n>} and exits.
 */
public final class FleetWorker {
  private FleetWorker() {}

  /** Runs the worker. */
  public static void main(String[] args) throws Exception {
    String redis = args[0];
    URI target = URI.create(args[1]);
    String account = args[2];
    int permits = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    RedisSharedLimits limits = redis.equals("local") ? null : RedisSharedLimits.builder().uri(redis)
        .commandTimeout(FleetRateTest.SHARING_TEST_COMMAND_TIMEOUT).build();
    try {
      ShippingPolicy instance = Fleet.instance(account, permits, Duration.ofSeconds(1), limits,
          ShippingListener.NONE);
      System.out.println("READY");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String go = in.readLine();
      if (go == null || !go.startsWith("GO ")) {
        System.out.println("ERROR expected GO, got " + go);
        return;
      }
      Instant end = Instant.ofEpochMilli(Long.parseLong(go.substring(3).strip()));
      int answered = Fleet.hammer(List.of(instance), threads, target, end);
      System.out.println("ANSWERED " + answered);
      System.out.flush();
    } finally {
      if (limits != null) {
        limits.close();
      }
    }
  }
}
