package dev.shippingresilience.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.DeadlineExceededException;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.redis.FailureMode;
import dev.shippingresilience.redis.RedisServer;
import dev.shippingresilience.redis.RedisSharedLimits;
import dev.shippingresilience.spi.LocalLimits;
import dev.shippingresilience.spi.SharedLimits;
import dev.shippingresilience.spring.internal.InvalidShippingPropertyException;
import dev.shippingresilience.spring.internal.InvalidShippingPropertyFailureAnalyzer;
import dev.shippingresilience.spring.internal.RedisLimitsShutdown;
import dev.shippingresilience.spring.testing.CountingRequestFactory;
import dev.shippingresilience.spring.testing.NoLeakedResponses;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * {@code shipping.resilience.redis.*}: the auto-configured {@link RedisSharedLimits} against a real
 * {@code redis-server} (tests that need one skip when there is no binary), and a WireMock provider on loopback.
 */
class ShippingResilienceAutoConfigurationRedisTest {
  private static final String PASSWORD = "s3cret-Pa55";
  @RegisterExtension
  static final WireMockExtension provider = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedResponses responses = new NoLeakedResponses();
  private static RedisServer redis;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ShippingResilienceAutoConfiguration.class,
          RestClientAutoConfiguration.class))
      .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new);
  /** Start-up waits this long for the first connection: the first one in a cold JVM can take a second. */
  private static final String CONNECT_TIMEOUT = "shipping.resilience.redis.connect-timeout=5s";
  private final CountingRequestFactory transport = responses.jdk();
  /** Keys of each test apart, on the one Redis the class shares. */
  private final String keyPrefix = "test-" + UUID.randomUUID() + ":";

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  /** Returns the class's Redis, started on first use; skips the calling test when there is no redis-server. */
  private static synchronized RedisServer redis() throws IOException {
    if (redis == null) {
      redis = RedisServer.start();
    }
    return redis;
  }

  /** The runner with the Redis limits on, through {@code shipping.resilience.redis.uri}. */
  private ApplicationContextRunner withRedisUri() throws IOException {
    return runner.withPropertyValues("shipping.resilience.redis.uri=" + redis().uri(),
        "shipping.resilience.redis.key-prefix=" + keyPrefix, CONNECT_TIMEOUT);
  }

  private RestClient restClient(AssertableApplicationContext context) {
    return context.getBean(RestClient.Builder.class)
        .requestFactory(transport)
        .baseUrl("http://127.0.0.1:" + provider.getPort())
        .build();
  }

  private static int status(RestClient client, String path) {
    return client.get().uri(path).exchange((request, response) -> response.getStatusCode().value());
  }

  @Nested
  class ConnectionSources {
    @Test
    void uriPropertyCreatesRedisSharedLimitsThatEveryPolicyUses() throws IOException {
      withRedisUri().withPropertyValues("shipping.resilience.redis.failure-mode=fail-closed",
              "shipping.resilience.redis.command-timeout=250ms",
              "shipping.resilience.redis.fallback-fleet-size=4")
          .run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(RedisSharedLimits.class);
            RedisSharedLimits limits = context.getBean(RedisSharedLimits.class);
            assertThat(limits.connected()).isTrue();
            assertThat(limits.keyPrefix()).isEqualTo(keyPrefix);
            assertThat(limits.failureMode()).isEqualTo(FailureMode.FAIL_CLOSED);
            assertThat(limits.toString()).contains(redis().uri(), "commandTimeout=PT0.25S");
            assertThat(context.getBean(ShippingPolicies.class).all())
                .allSatisfy(p -> assertThat(p.sharedLimits()).isSameAs(limits));
          });
    }

    @Test
    void theAppsRedisClientBeanIsUsedWithoutAUri() throws IOException {
      String uri = redis().uri();
      runner.withPropertyValues("shipping.resilience.redis.enabled=true",
              "shipping.resilience.redis.key-prefix=" + keyPrefix, CONNECT_TIMEOUT)
          .withBean("appRedisClient", RedisClient.class, () -> RedisClient.create(uri))
          .run(context -> {
            assertThat(context).hasNotFailed();
            RedisSharedLimits limits = context.getBean(RedisSharedLimits.class);
            assertThat(limits.connected()).isTrue();
            assertThat(limits.toString()).contains("the given Lettuce client");
            assertThat(context.getBean(ShippingPolicies.class).require("aftership-shipping").sharedLimits())
                .isSameAs(limits);
            assertThat(context.getBeanFactory().getDependentBeans("appRedisClient"))
                .as("the client outlives the limits at shutdown").contains("shippingResilienceRedisLimits");
          });
    }

    @Test
    void theClientOfTheAppsSpringDataLettuceConnectionFactoryIsUsedWithoutAUri() throws IOException {
      int port = redis().port();
      runner.withPropertyValues("shipping.resilience.redis.enabled=true", CONNECT_TIMEOUT)
          .withBean("redisConnectionFactory", LettuceConnectionFactory.class,
              () -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port)))
          .run(context -> {
            assertThat(context).hasNotFailed();
            RedisSharedLimits limits = context.getBean(RedisSharedLimits.class);
            assertThat(limits.connected()).isTrue();
            assertThat(limits.toString()).contains("the given Lettuce client");
            LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
            assertThat(context.getBeanFactory().getDependentBeans("redisConnectionFactory"))
                .contains("shippingResilienceRedisLimits");

            // when the context stops, the limits close first: the factory shuts its client down when it stops
            assertThat(context.getBean(RedisLimitsShutdown.class).getPhase()).isEqualTo(factory.getPhase() + 1);
            context.stop();
            assertThat(limits.connected()).isFalse();
          });
    }

    @Test
    void anExplicitUriWinsOverTheAppsOwnRedis() throws IOException {
      withRedisUri()
          .withBean(RedisClient.class, () -> RedisClient.create("redis://127.0.0.1:1"))
          .run(context -> assertThat(context.getBean(RedisSharedLimits.class).toString())
              .contains(redis().uri()));
    }

    @Test
    void theAppsRedisIsNotUsedUnlessEnabled() {
      runner.withBean(RedisClient.class, () -> RedisClient.create("redis://127.0.0.1:1")).run(context -> {
        assertThat(context).hasNotFailed().doesNotHaveBean(RedisSharedLimits.class);
        assertThat(context.getBean(ShippingPolicies.class).all())
            .allSatisfy(p -> assertThat(p.sharedLimits()).isInstanceOf(LocalLimits.class));
      });
    }

    @Test
    void enabledFalseWinsOverAUri() {
      runner.withPropertyValues("shipping.resilience.redis.enabled=false",
              "shipping.resilience.redis.uri=redis://127.0.0.1:1")
          .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisSharedLimits.class));
    }

    @Test
    void aProviderCanKeepItsOwnLimitsAndTakeAnAccountAndBreakerHints() throws IOException {
      withRedisUri().withPropertyValues("shipping.resilience.providers.clickpost.shared-limits=false",
              "shipping.resilience.providers.aftership-shipping.account=aftership-org-42",
              "shipping.resilience.providers.aftership-shipping.share-breaker-hints=true")
          .run(context -> {
            RedisSharedLimits limits = context.getBean(RedisSharedLimits.class);
            ShippingPolicies policies = context.getBean(ShippingPolicies.class);
            assertThat(policies.require("clickpost").sharedLimits()).isInstanceOf(LocalLimits.class);
            ShippingPolicy aftership = policies.require("aftership-shipping");
            assertThat(aftership.sharedLimits()).isSameAs(limits);
            assertThat(aftership.account()).isEqualTo("aftership-org-42");
            assertThat(policies.require("17track").account()).as("default: the provider id").isEqualTo("17track");
          });
    }
  }

  @Nested
  class Fleet {
    @Test
    void a429SeenByOneInstancePausesTheOtherBeforeItSendsAnything() throws IOException {
      // given two application instances on one Redis and one AfterShip account; the provider answers 429 for a minute
      provider.stubFor(get(urlPathEqualTo("/v4/labels")).willReturn(aResponse().withStatus(429)
          .withHeader("Retry-After", "60")));
      ApplicationContextRunner instance = withRedisUri().withPropertyValues(
          "shipping.resilience.hosts[127.0.0.1]=aftership-shipping",
          "shipping.resilience.providers.aftership-shipping.account=aftership-org-42",
          "shipping.resilience.providers.aftership-shipping.max-attempts=1",
          "shipping.resilience.providers.aftership-shipping.deadline=5s");
      instance.run(a -> instance.run(b -> {
        assertThat(a.getBean(RedisSharedLimits.class)).isNotSameAs(b.getBean(RedisSharedLimits.class));

        // when A sees the 429
        Instant before = Instant.now();
        assertThat(status(restClient(a), "/v4/labels")).isEqualTo(429);

        // then B sees the pause in Redis, and its call ends before sending (the pause outlasts its deadline)
        SharedLimits limitsB = b.getBean(ShippingPolicies.class).require("aftership-shipping").sharedLimits();
        assertThat(limitsB.pausedUntil("aftership-org-42"))
            .isBetween(before.plusSeconds(59), Instant.now().plusSeconds(61));
        RestClient clientB = restClient(b);
        assertThatThrownBy(() -> status(clientB, "/v4/labels"))
            .isInstanceOf(ResourceAccessException.class)
            .cause().isInstanceOf(DeadlineExceededException.class).hasMessageContaining("paused");
        provider.verify(1, getRequestedFor(urlPathEqualTo("/v4/labels")));
      }));
    }

    @Test
    void oneRateLimitBucketServesEveryInstanceOfAnAccount() throws IOException {
      // given two instances sharing one permit a minute
      provider.stubFor(get(urlPathEqualTo("/v4/rates")).willReturn(aResponse().withStatus(200).withBody("{}")));
      ApplicationContextRunner instance = withRedisUri().withPropertyValues(
          "shipping.resilience.hosts[127.0.0.1]=aftership-shipping",
          "shipping.resilience.providers.aftership-shipping.rate-limit.permits=1",
          "shipping.resilience.providers.aftership-shipping.rate-limit.period=1m",
          "shipping.resilience.providers.aftership-shipping.deadline=2s");
      instance.run(a -> instance.run(b -> {
        // when A takes the permit
        assertThat(status(restClient(a), "/v4/rates")).isEqualTo(200);

        // then B gets none within its deadline and sends nothing
        RestClient clientB = restClient(b);
        assertThatThrownBy(() -> status(clientB, "/v4/rates"))
            .cause().isInstanceOf(DeadlineExceededException.class).hasMessageContaining("rate limiter");
        provider.verify(1, getRequestedFor(urlPathEqualTo("/v4/rates")));
      }));
    }
  }

  @Nested
  class BackingOff {
    @Test
    void theAppsSharedLimitsBeanWins() {
      SharedLimits mine = new LocalLimits(Clock.systemUTC(), new SimpleMeterRegistry());
      runner.withPropertyValues("shipping.resilience.redis.uri=redis://127.0.0.1:1")
          .withBean(SharedLimits.class, () -> mine)
          .run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(RedisSharedLimits.class);
            assertThat(context.getBean(ShippingPolicies.class).all())
                .allSatisfy(p -> assertThat(p.sharedLimits()).isSameAs(mine));
          });
    }

    @Test
    void withoutRedisLimitsOnTheClasspathNothingChangesUntilARedisPropertyAsksForIt() {
      ApplicationContextRunner noRedisLimits = runner.withClassLoader(new FilteredClassLoader(RedisSharedLimits.class));
      noRedisLimits.run(context -> {
        assertThat(context).hasNotFailed().doesNotHaveBean(RedisSharedLimits.class);
        assertThat(context.getBean(ShippingPolicies.class).all())
            .allSatisfy(p -> assertThat(p.sharedLimits()).isInstanceOf(LocalLimits.class));
      });
      noRedisLimits.withPropertyValues("shipping.resilience.redis.uri=redis://:" + PASSWORD + "@127.0.0.1:1")
          .run(context -> {
            InvalidShippingPropertyException e = find(context);
            assertThat(e.getMessage()).startsWith("shipping.resilience.redis.uri: set, but "
                + "shipping-resilience-redis-limits is not on the classpath");
            assertThat(stackTrace(context.getStartupFailure())).doesNotContain(PASSWORD);
          });
    }
  }

  @Nested
  class WithoutSpringDataRedis {
    @Test
    void theAppsRedisClientBeanIsStillUsed() throws IOException {
      String uri = redis().uri();
      runner.withClassLoader(new FilteredClassLoader(LettuceConnectionFactory.class))
          .withPropertyValues("shipping.resilience.redis.enabled=true", CONNECT_TIMEOUT)
          .withBean(RedisClient.class, () -> RedisClient.create(uri))
          .run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(RedisLimitsShutdown.class);
            assertThat(context.getBean(RedisSharedLimits.class).connected()).isTrue();
          });
    }
  }

  @Nested
  class InvalidProperties {
    static Stream<Arguments> invalid() {
      return Stream.of(
          Arguments.of("shipping.resilience.redis.uri: Invalid value (http://:***@cache:6379): not a Redis URI",
              List.of("shipping.resilience.redis.uri=http://:" + PASSWORD + "@cache:6379")),
          Arguments.of("shipping.resilience.redis.uri: Invalid value (redis://:***@cache:port): expected "
              + "redis://[[user]:password@]host[:port][/database]",
              List.of("shipping.resilience.redis.uri=redis://:" + PASSWORD + "@cache:port")),
          Arguments.of("shipping.resilience.redis.uri: Invalid value (redis://:***@ca che): not a Redis URI",
              List.of("shipping.resilience.redis.uri=redis://:" + PASSWORD + "@ca che")),
          Arguments.of("shipping.resilience.redis.failure-mode: Invalid value (fail-sometimes): must be "
              + "fail-open or fail-closed", List.of("shipping.resilience.redis.uri=redis://127.0.0.1:1",
              "shipping.resilience.redis.failure-mode=fail-sometimes")),
          Arguments.of("shipping.resilience.redis.command-timeout: Invalid value (-1s): must be positive",
              List.of("shipping.resilience.redis.uri=redis://127.0.0.1:1",
                  "shipping.resilience.redis.command-timeout=-1s")),
          Arguments.of("shipping.resilience.redis.connect-timeout: Invalid value (0s): must be positive",
              List.of("shipping.resilience.redis.uri=redis://127.0.0.1:1",
                  "shipping.resilience.redis.connect-timeout=0s")),
          Arguments.of("shipping.resilience.redis.idle-key-expiry: Invalid value (0ms): must be positive",
              List.of("shipping.resilience.redis.uri=redis://127.0.0.1:1",
                  "shipping.resilience.redis.idle-key-expiry=0ms")),
          Arguments.of("shipping.resilience.redis.fallback-fleet-size: Invalid value (0): must be >= 1",
              List.of("shipping.resilience.redis.uri=redis://127.0.0.1:1",
                  "shipping.resilience.redis.fallback-fleet-size=0")),
          Arguments.of("shipping.resilience.redis.key-prefix: Invalid value (my app:): must not be blank nor contain spaces",
              List.of("shipping.resilience.redis.uri=redis://127.0.0.1:1",
                  "shipping.resilience.redis.key-prefix=my app:")),
          Arguments.of("shipping.resilience.redis.uri: required: shipping.resilience.redis.enabled is true, but the "
              + "application has no Lettuce RedisClient bean and no Spring Data Redis LettuceConnectionFactory",
              List.of("shipping.resilience.redis.enabled=true")),
          Arguments.of("shipping.resilience.providers.aftership-shipping.account: Invalid value (): must not be "
              + "blank", List.of("shipping.resilience.providers.aftership-shipping.account=")),
          Arguments.of("shipping.resilience.providers.clickpost.shared-limits: true, but there are no shared limits",
              List.of("shipping.resilience.providers.clickpost.shared-limits=true")),
          Arguments.of("shipping.resilience.providers.clickpost.share-breaker-hints: true, but there are no shared "
              + "limits", List.of("shipping.resilience.providers.clickpost.share-breaker-hints=true")),
          Arguments.of("shipping.resilience.providers.clickpost.share-breaker-hints: true, but "
                  + "shipping.resilience.providers.clickpost.shared-limits is false",
              List.of("shipping.resilience.redis.uri=redis://127.0.0.1:1",
                  "shipping.resilience.redis.connect-timeout=10ms",
                  "shipping.resilience.providers.clickpost.shared-limits=false",
                  "shipping.resilience.providers.clickpost.share-breaker-hints=true")));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void startUpFailsNamingTheProperty(String expectedStart, List<String> properties) {
      runner.withPropertyValues(properties.toArray(String[]::new)).run(context -> {
        InvalidShippingPropertyException e = find(context);
        assertThat(e.getMessage()).startsWith(expectedStart);
        FailureAnalysis analysis = new InvalidShippingPropertyFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis.getDescription()).contains(e.getMessage());
        assertThat(analysis.getAction()).contains(e.property());
        assertThat(stackTrace(context.getStartupFailure())).as("the whole failure, causes included")
            .doesNotContain(PASSWORD);
      });
    }

    @Test
    void severalRedisClientsWithoutAPrimaryOneAskForAUri() {
      runner.withPropertyValues("shipping.resilience.redis.enabled=true")
          .withBean("cacheRedis", RedisClient.class, () -> RedisClient.create("redis://127.0.0.1:1"))
          .withBean("queueRedis", RedisClient.class, () -> RedisClient.create("redis://127.0.0.1:2"))
          .run(context -> assertThat(find(context).getMessage()).startsWith("shipping.resilience.redis.uri: "
              + "required: the application has 2 RedisClient beans [cacheRedis, queueRedis] and none is @Primary"));
    }

    @Test
    void aRedisClusterConnectionFactoryIsNotSharedAndAsksForAUri() {
      runner.withPropertyValues("shipping.resilience.redis.enabled=true")
          .withBean(LettuceConnectionFactory.class, () -> new LettuceConnectionFactory(
              new RedisClusterConfiguration(List.of("127.0.0.1:1"))))
          .run(context -> assertThat(find(context).getMessage()).startsWith("shipping.resilience.redis.uri: "
              + "required: the application's LettuceConnectionFactory 'lettuceConnectionFactory' uses a "
              + "RedisClusterClient (Redis Cluster), which redis-limits does not support"));
    }
  }

  /** Polls {@code condition} every 20 ms until it holds, failing after {@code atMost}. */
  private static void await(String what, Duration atMost, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Nested
  class Actuator {
    /** A Redis of this test's own, which it may stop; closed after the test. */
    private RedisServer own;

    @AfterEach
    void stopOwn() {
      if (own != null) {
        own.close();
      }
    }

    /** Starts {@link #own} without a password; returns its URI. */
    private String ownUri() throws IOException {
      own = RedisServer.start();
      return own.uri();
    }

    /** A Redis of its own that requires {@link #PASSWORD}; returns its URI with the password. */
    private String securedUri() throws IOException {
      own = RedisServer.start();
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), own.port())) {
        socket.setSoTimeout(2000);
        OutputStream out = socket.getOutputStream();
        out.write(("CONFIG SET requirepass " + PASSWORD + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] reply = new byte[5];
        int n = socket.getInputStream().read(reply);
        assertThat(new String(reply, 0, Math.max(n, 0), StandardCharsets.US_ASCII)).startsWith("+OK");
      }
      return "redis://:" + PASSWORD + "@127.0.0.1:" + own.port() + "/0";
    }

    @Test
    void noEndpointShowsTheRedisPassword() throws IOException {
      String uri = securedUri();
      runner.withPropertyValues("shipping.resilience.redis.uri=" + uri, CONNECT_TIMEOUT).run(context -> {
        // given limits connected with the password
        RedisSharedLimits limits = context.getBean(RedisSharedLimits.class);
        assertThat(limits.connected()).as("authenticated").isTrue();
        String masked = "redis://:***@127.0.0.1:" + own.port() + "/0";

        // then the shippingresilience endpoint describes them, masked
        Map<String, Object> described = context.getBean(ShippingResilienceEndpoint.class).describe();
        Map<?, ?> aftership = (Map<?, ?>) ((Map<?, ?>) described.get("providers")).get("aftership-shipping");
        assertThat((String) aftership.get("sharedLimits")).startsWith("RedisSharedLimits{" + masked);
        assertThat(aftership.get("account")).isEqualTo("aftership-shipping");
        assertThat(aftership.get("sharedLimitsAvailability")).isEqualTo("AVAILABLE");
        assertThat(described.toString()).doesNotContain(PASSWORD);

        // and configprops and env, even when told to show values, show the URI masked
        List<SanitizingFunction> sanitizing = context.getBeanProvider(SanitizingFunction.class).orderedStream()
            .toList();
        ConfigurationPropertiesReportEndpoint configprops =
            new ConfigurationPropertiesReportEndpoint(sanitizing, Show.ALWAYS);
        configprops.setApplicationContext(context);
        Map<String, Object> properties = configprops.configurationPropertiesWithPrefix("shipping.resilience")
            .getContexts().get(context.getId()).getBeans().values().iterator().next().getProperties();
        assertThat(((Map<?, ?>) properties.get("redis")).get("uri")).isEqualTo(masked);
        assertThat(properties.toString()).doesNotContain(PASSWORD);
        Object env = new EnvironmentEndpoint(context.getEnvironment(), sanitizing, Show.ALWAYS)
            .environmentEntry("shipping.resilience.redis.uri").getProperty().getValue();
        assertThat(env).isEqualTo(masked);
      });
    }

    @ParameterizedTest(name = "{0}, shared by aftership-shipping and 17track: {1} -> {2} when Redis stops")
    @CsvSource(delimiter = '|', textBlock = """
        fail-open   | true  | UP             | local limits (fail-open)
        fail-closed | true  | OUT_OF_SERVICE | calls needing a permit fail (fail-closed)
        fail-closed | false | UP             | calls needing a permit fail (fail-closed)
        """)
    void healthSaysWhetherRedisAnswersAndIsOutOfServiceOnlyWhenRateLimitedCallsFail(String failureMode,
        boolean rateLimitedProvidersShare, String statusWhenDown, String meanwhile) throws Exception {
      // given Redis limits; aftership-shipping and 17track, the providers with a rate limit, share them or not
      // (every built-in provider with a rate limit in its defaults, so that one added as data is covered too)
      runner.withPropertyValues("shipping.resilience.redis.uri=" + ownUri(),
              "shipping.resilience.redis.failure-mode=" + failureMode, CONNECT_TIMEOUT)
          .withPropertyValues(ProviderProfiles.BUILT_IN_IDS.stream()
              .filter(id -> ShippingPolicy.builder(ProviderProfiles.builtIn().require(id)).build().rateLimit() != null)
              .map(id -> "shipping.resilience.providers." + id + ".shared-limits=" + rateLimitedProvidersShare)
              .toArray(String[]::new))
          .run(context -> {
            ShippingResilienceHealthIndicator indicator = context.getBean(ShippingResilienceHealthIndicator.class);
            String limits = context.getBean(RedisSharedLimits.class).toString();
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).as("one entry for the one store; local limits are not listed")
                .containsEntry("sharedLimits", Map.of(limits, "AVAILABLE"));

            // when Redis stops
            own.close();
            await("health sees Redis gone", Duration.ofSeconds(5),
                () -> !"AVAILABLE".equals(sharedLimits(indicator.health()).get(limits)));

            // then the status follows the failure mode, and the detail says what calls get meanwhile
            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(new Status(statusWhenDown));
            assertThat(down.getDetails())
                .containsEntry("sharedLimits", Map.of(limits, "UNAVAILABLE: " + meanwhile + "; not connected"))
                .containsEntry("openProviders", List.of());
          });
    }

    @Test
    void healthNeverShowsTheRedisPasswordUpOrDown() throws Exception {
      String uri = securedUri();
      runner.withPropertyValues("shipping.resilience.redis.uri=" + uri, CONNECT_TIMEOUT).run(context -> {
        // given limits connected with the password
        RedisSharedLimits limits = context.getBean(RedisSharedLimits.class);
        ShippingResilienceHealthIndicator indicator = context.getBean(ShippingResilienceHealthIndicator.class);
        String masked = "redis://:***@127.0.0.1:" + own.port() + "/0";
        Health up = indicator.health();
        assertThat(sharedLimits(up)).isEqualTo(Map.of(limits.toString(), "AVAILABLE"));
        assertThat(limits.toString()).startsWith("RedisSharedLimits{" + masked);
        assertThat(up.toString()).doesNotContain(PASSWORD);

        // when Redis stops and a call's Redis operation fails
        own.close();
        await("health sees Redis gone", Duration.ofSeconds(5), () -> !limits.availability().available());
        assertThat(limits.pausedUntil("aftership-shipping")).isNull();

        // then the health names the error, masked
        Health down = indicator.health();
        assertThat(sharedLimits(down).get(limits.toString()))
            .startsWith("UNAVAILABLE: local limits (fail-open); last error: ");
        assertThat(down.getStatus()).isEqualTo(Status.UP);
        assertThat(down.toString()).doesNotContain(PASSWORD);
      });
    }

    /** Returns the {@code sharedLimits} detail: each store's description to its availability. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> sharedLimits(Health health) {
      Object details = health.getDetails().get("sharedLimits");
      assertThat(details).as("sharedLimits detail").isInstanceOf(Map.class);
      return (Map<String, String>) details;
    }

    @Test
    void anUnreachableRedisStillStartsAndFallsBackLocally() {
      runner.withPropertyValues("shipping.resilience.redis.uri=redis://:" + PASSWORD + "@127.0.0.1:1",
              "shipping.resilience.redis.connect-timeout=50ms")
          .run(context -> {
            assertThat(context).hasNotFailed();
            RedisSharedLimits limits = context.getBean(RedisSharedLimits.class);
            assertThat(limits.connected()).isFalse();
            assertThat(limits.pausedUntil("aftership-shipping")).isNull();
            assertThat(context.getBean(SimpleMeterRegistry.class).get(RedisSharedLimits.FALLBACK_METER)
                .tag("operation", "paused_until").counter().count()).as("in the app's registry").isEqualTo(1);
            assertThat(limits.toString()).doesNotContain(PASSWORD);
          });
    }
  }

  @Nested
  class Metadata {
    @Test
    void propertyDefaultsAreTheLibrarys() {
      ShippingResilienceProperties.Redis defaults = new ShippingResilienceProperties().getRedis();
      assertThat(defaults.getEnabled()).isNull();
      assertThat(defaults.getKeyPrefix()).isEqualTo(RedisSharedLimits.DEFAULT_KEY_PREFIX);
      assertThat(defaults.getCommandTimeout()).isEqualTo(RedisSharedLimits.DEFAULT_COMMAND_TIMEOUT);
      assertThat(defaults.getConnectTimeout()).isEqualTo(RedisSharedLimits.DEFAULT_CONNECT_TIMEOUT);
      assertThat(defaults.getIdleKeyExpiry()).isEqualTo(RedisSharedLimits.DEFAULT_IDLE_KEY_EXPIRY);
      assertThat(defaults.getFailureMode().name()).isEqualTo(FailureMode.FAIL_OPEN.name());
      assertThat(defaults.getFallbackFleetSize()).isEqualTo(1);
    }

    @Test
    void redisPropertiesAreDescribedForIdes() throws IOException {
      try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
        assertThat(in).isNotNull();
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"shipping.resilience.redis.uri\"", "\"shipping.resilience.redis.enabled\"",
            "\"shipping.resilience.redis.key-prefix\"", "\"shipping.resilience.redis.command-timeout\"",
            "\"shipping.resilience.redis.connect-timeout\"", "\"shipping.resilience.redis.failure-mode\"",
            "\"shipping.resilience.redis.fallback-fleet-size\"", "\"shipping.resilience.redis.idle-key-expiry\"",
            "\"shipping.resilience.redis.failure-mode\"", "\"value\": \"fail-closed\"");
      }
    }
  }

  private static InvalidShippingPropertyException find(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      if (t instanceof InvalidShippingPropertyException e) {
        return e;
      }
    }
    throw new AssertionError("no InvalidShippingPropertyException in " + context.getStartupFailure());
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
