package dev.shippingresilience.redis;

import dev.shippingresilience.CallOptions;
import dev.shippingresilience.DeadlineExceededException;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.spi.SharedLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A fleet in one JVM: engine instances (one {@link ShippingPolicy} each, as separate processes would have) calling
 * a provider in real time with {@code Sleeper.SYSTEM}, every call bounded by the end of the measuring window.
 */
final class Fleet {
  /**
   * RFC 9110 statuses, as generic-http has them, but with the account as the only key (generic-http keeps its
   * limits per host, which would add the WireMock host and port to every Redis key).
   */
  static final ProviderProfile PROFILE = ProviderProfiles.parse("fleet-test.json", new ByteArrayInputStream((
      "{\"id\":\"fleet-test\",\"name\":\"Fleet test\",\"httpStatuses\":{"
          + "\"2xx\":{\"decision\":\"SUCCEED\",\"reason\":\"2xx success\"},"
          + "\"429\":{\"decision\":\"RETRY\",\"notProcessed\":true,\"reason\":\"429 Too Many Requests\"},"
          + "\"4xx\":{\"decision\":\"FAIL\",\"reason\":\"4xx client error\"},"
          + "\"5xx\":{\"decision\":\"BREAK\",\"reason\":\"5xx server error\"}}}")
      .getBytes(StandardCharsets.UTF_8)));

  private Fleet() {}

  /**
   * Returns one engine instance on the generic HTTP profile with {@code permits} per {@code period} for
   * {@code account}, on {@code limits} (or per-process limits when {@code null}); no retries.
   */
  static ShippingPolicy instance(String account, int permits, Duration period, @Nullable SharedLimits limits,
      ShippingListener listener) {
    ShippingPolicy.Builder b = ShippingPolicy.builder(PROFILE)
        .rateLimit(permits, period)
        // the tests measure waits against the reset itself: no spread after it
        .pauseJitter(Duration.ZERO)
        .maxAttempts(1)
        .account(account)
        .listener(listener)
        .meterRegistry(new SimpleMeterRegistry());
    if (limits != null) {
      b.sharedLimits(limits);
    }
    return b.build();
  }

  /**
   * Calls {@code target} from {@code threadsPerInstance} threads per instance until {@code end}; each call's
   * deadline is the end of the window, so a call that cannot get a permit in time is not sent.
   *
   * @return the calls that got a response
   */
  static int hammer(List<ShippingPolicy> instances, int threadsPerInstance, URI target, Instant end)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(instances.size() * threadsPerInstance);
    AtomicInteger answered = new AtomicInteger();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (ShippingPolicy instance : instances) {
        JdkTransport transport = new JdkTransport();
        for (int t = 0; t < threadsPerInstance; t++) {
          running.add(pool.submit(() -> {
            callUntil(instance, transport, target, end, answered);
            return null;
          }));
        }
      }
      for (Future<?> f : running) {
        f.get(Duration.between(Instant.now(), end).toMillis() + 10_000, TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return answered.get();
  }

  static void callUntil(ShippingPolicy instance, JdkTransport transport, URI target, Instant end,
      AtomicInteger answered) {
    while (true) {
      Duration remaining = Duration.between(Instant.now(), end);
      if (remaining.toMillis() < 5) {
        return;
      }
      try {
        instance.execute(RequestSnapshot.of("GET", target, HeaderValues.empty(), null), CallOptions.builder().deadline(remaining).build(),
            transport);
        answered.incrementAndGet();
      } catch (DeadlineExceededException e) {
        return; // no permit before the end of the window: nothing was sent
      } catch (IOException e) {
        // a transport failure is not what these tests measure; go on
      }
    }
  }
}
