package dev.shippingresilience.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.ShippingListener;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several engine instances on one provider account, in real time against a WireMock provider: with
 * {@link RedisSharedLimits} the requests reaching the provider stay within the account's rate, with per-process
 * limits they do not.
 *
 * <p>Allowed requests in a window of {@code W} seconds at {@code R} per second: {@code R * W} refilled plus
 * {@code R} for the bucket that is full at the start (the burst any token bucket of capacity {@code R} allows,
 * per-process or shared), plus {@value #TIMING_TOLERANCE} for timing at the window's edges.
 */
class FleetRateTest {
  static final int RATE = 10;
  static final Duration WINDOW = Duration.ofSeconds(2);
  static final int TIMING_TOLERANCE = 2;
  static final int ALLOWED = (int) (RATE * WINDOW.toSeconds()) + RATE + TIMING_TOLERANCE;
  /**
   * These tests measure sharing, not outages: a generous timeout keeps a scheduling hiccup on a busy CI machine from
   * turning into a local-fallback permit (the outage tests cover the short default).
   */
  static final Duration SHARING_TEST_COMMAND_TIMEOUT = Duration.ofSeconds(1);

  private static RedisServer redis;
  private static WireMockServer provider;
  private final List<RedisSharedLimits> opened = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(40));
    provider.start();
    provider.stubFor(get(urlPathMatching("/v1/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"data\":{}}")));
  }

  @AfterAll
  static void stop() {
    if (provider != null) {
      provider.stop();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeLimits() {
    opened.forEach(RedisSharedLimits::close);
  }

  private RedisSharedLimits limits() {
    RedisSharedLimits limits = RedisSharedLimits.builder().uri(redis.uri())
        .commandTimeout(SHARING_TEST_COMMAND_TIMEOUT).build();
    opened.add(limits);
    return limits;
  }

  private static URI target(String phase) {
    return URI.create(provider.baseUrl() + "/v1/trackings/" + phase);
  }

  private static int reached(String phase) {
    return provider.countRequestsMatching(getRequestedFor(urlPathEqualTo("/v1/trackings/" + phase)).build())
        .getCount();
  }

  @Test
  void fourInstancesSharingRedisStayWithinTheAccountRateWhilePerProcessLimitsExceedIt() throws Exception {
    // given: 4 instances (each with its own Redis connection, as 4 processes would have), 2 callers each
    String account = "acct-" + UUID.randomUUID();
    List<ShippingPolicy> shared = new ArrayList<>();
    List<ShippingPolicy> perProcess = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      shared.add(Fleet.instance(account, RATE, Duration.ofSeconds(1), limits(), ShippingListener.NONE));
      perProcess.add(Fleet.instance(account, RATE, Duration.ofSeconds(1), null, ShippingListener.NONE));
    }

    // when
    int sharedAnswered = Fleet.hammer(shared, 2, target("shared"), Instant.now().plus(WINDOW));
    int perProcessAnswered = Fleet.hammer(perProcess, 2, target("local"), Instant.now().plus(WINDOW));

    // then
    System.out.printf("4 instances, %d/s, %s: shared %d requests, per-process %d (allowed %d)%n", RATE, WINDOW,
        reached("shared"), reached("local"), ALLOWED);
    assertThat(reached("shared")).isEqualTo(sharedAnswered).isBetween(RATE * 2, ALLOWED);
    assertThat(reached("local")).isEqualTo(perProcessAnswered).isGreaterThan(ALLOWED * 2);
  }

  @Test
  void twoJvmsSharingRedisStayWithinTheAccountRateWhilePerProcessLimitsExceedIt() throws Exception {
    String account = "acct-" + UUID.randomUUID();

    int shared = twoJvmRun(redis.uri(), limits(), account, "two-jvm-shared");
    int perProcess = twoJvmRun("local", null, account, "two-jvm-local");

    System.out.printf("2 JVMs, %d/s, %s: shared %d requests, per-process %d (allowed %d)%n", RATE, WINDOW,
        shared, perProcess, ALLOWED);
    assertThat(shared).isBetween(RATE * 2, ALLOWED);
    assertThat(perProcess).isGreaterThan(ALLOWED);
  }

  /** Runs one instance here and one in a second JVM over the same window; returns the requests that reached. */
  private int twoJvmRun(String redisUri, RedisSharedLimits here, String account, String phase) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        FleetWorker.class.getName(), redisUri, target(phase).toString(), account, Integer.toString(RATE), "2")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("READY");
      ShippingPolicy local = Fleet.instance(account, RATE, Duration.ofSeconds(1), here, ShippingListener.NONE);
      Instant end = Instant.now().plus(WINDOW);
      Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
      in.write("GO " + end.toEpochMilli() + "\n");
      in.flush();
      int answeredHere = Fleet.hammer(List.of(local), 2, target(phase), end);
      String last = out.readLine();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(last).startsWith("ANSWERED ");
      int answeredThere = Integer.parseInt(last.substring("ANSWERED ".length()));
      // both JVMs really called the provider
      assertThat(answeredHere).isPositive();
      assertThat(answeredThere).isPositive();
      assertThat(reached(phase)).isEqualTo(answeredHere + answeredThere);
      return reached(phase);
    } finally {
      child.destroyForcibly();
    }
  }
}
