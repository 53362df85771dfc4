package dev.shippingresilience.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.BreakerSettings;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.redis.FailureMode;
import dev.shippingresilience.spi.LocalLimits;
import dev.shippingresilience.spi.RateLimit;
import dev.shippingresilience.spi.SharedLimits;
import dev.shippingresilience.spring.internal.InvalidShippingPropertyException;
import dev.shippingresilience.spring.internal.InvalidShippingPropertyFailureAnalyzer;
import dev.shippingresilience.spring.internal.StrictPropertiesBindHandler;
import dev.shippingresilience.testing.CapturedLogs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * {@code shipping.resilience.*} cannot be silently wrong: unknown keys, unknown provider ids, values of the wrong type
 * or out of range (Redis's while Redis is off included) stop start-up naming the property; the old names still work
 * with a warning; the {@code defaults} block sits between the profile and {@code providers.<id>}. Each test starts a
 * real Spring context.
 */
class ShippingResiliencePropertiesTest {
  private static final String P = "shipping.resilience.";
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ShippingResilienceAutoConfiguration.class,
          RestClientAutoConfiguration.class))
      .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new);

  private void failsWith(String expectedStart, String... properties) {
    runner.withPropertyValues(properties).run(context -> assertThat(failure(context).getMessage())
        .startsWith(expectedStart));
  }

  /** The start-up failure's InvalidShippingPropertyException, checked to be what the failure report shows. */
  private static InvalidShippingPropertyException failure(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    InvalidShippingPropertyException found = null;
    for (Throwable t = context.getStartupFailure(); t != null && found == null; t = t.getCause()) {
      if (t instanceof InvalidShippingPropertyException e) {
        found = e;
      }
    }
    assertThat(found).as("an InvalidShippingPropertyException in %s", context.getStartupFailure()).isNotNull();
    FailureAnalysis analysis = new InvalidShippingPropertyFailureAnalyzer().analyze(context.getStartupFailure());
    assertThat(analysis.getDescription()).contains(found.getMessage());
    return found;
  }

  /** {@code shipping.resilience.KEY: Invalid value (VALUE): RULE} for {@code property} {@code KEY=VALUE}. */
  private static String invalid(String property, String rule) {
    int eq = property.indexOf('=');
    return P + property.substring(0, eq) + ": Invalid value (" + property.substring(eq + 1) + "): " + rule;
  }

  /** The generated configuration metadata, white space removed. */
  private static String metadataWithoutSpaces() throws IOException {
    try (InputStream in = ShippingResiliencePropertiesTest.class.getResourceAsStream(
        "/META-INF/spring-configuration-metadata.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("\\s+", "");
    }
  }

  private static ShippingPolicies policies(AssertableApplicationContext context) {
    assertThat(context).hasNotFailed();
    return context.getBean(ShippingPolicies.class);
  }

  @Nested
  class UnknownKeys {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "provders.clickpost.max-attempts=3                    | providers",
        "providers.clickpost.max-atempts=3                    | max-attempts",
        "providers.clickpost.breakr.sliding-window-size=5     | breaker",
        "providers.clickpost.breaker.failure-rate-treshold=30 | failure-rate-threshold",
        "defaults.rate-limit.limit-per-period=5               | limit-for-period",
        "providers.sendcloud.rate-limit.buckets.reads.limit-per-period=5 | limit-for-period",
        "defaults.breaker.exponential-backof-multiplier=2     | exponential-backoff-multiplier",
        "redis.failure-mod=fail-open                          | failure-mode",
        "generic-fallbak=true                                 | generic-fallback",
        "defualts.max-attempts=3                              | defaults",
        "health.enable=false                                  | enabled"})
    void aMisspelledKeyAtAnyDepthStopsStartUpNamingTheNearestValidOne(String property, String nearest) {
      String key = property.substring(0, property.indexOf('='));
      failsWith(P + key + ": unknown property (did you mean " + nearest + "?)", P + property);
    }

    @Test
    void aMisspelledOldNameSuggestsTheNewName() {
      failsWith(P + "providers.clickpost.breaker.window-sise: unknown property (did you mean sliding-window-size?)",
          P + "providers.clickpost.breaker.window-sise=5");
    }

    @Test
    void aKeyNearNothingListsTheValidKeysThere() {
      failsWith(P + "providers.clickpost.breaker.colour: unknown property (valid here: "
          + "exponential-backoff-multiplier, exponential-max-wait-duration-in-open-state, failure-rate-threshold, "
          + "minimum-number-of-calls, permitted-number-of-calls-in-half-open-state, sliding-window-size, "
          + "wait-duration-in-open-state)", P + "providers.clickpost.breaker.colour=red");
    }

    @Test
    void everyUnknownKeyIsNamedAtOnce() {
      failsWith(P + "provders.aftership-shipping.account: unknown property (did you mean providers?); also "
          + P + "providers.clickpost.max-atempts: unknown property (did you mean max-attempts?)",
          P + "providers.clickpost.max-atempts=3", P + "provders.aftership-shipping.account=a");
    }

    @Test
    void theMessageSaysWhereTheKeyWasSet() throws IOException {
      List<PropertySource<?>> file = new PropertiesPropertySourceLoader().load("strict",
          new ClassPathResource("strict/application.properties"));
      runner.withInitializer(c -> c.getEnvironment().getPropertySources().addFirst(file.get(0)))
          .run(context -> assertThat(failure(context).getMessage()).startsWith(P + "providers.clickpost.max-atempts: "
              + "unknown property (did you mean max-attempts?); set in class path resource "
              + "[strict/application.properties] - 2:"));
    }

    @Test
    void aMisspelledPropertyStopsARealApplicationWithTheNearestKeyInTheReport() {
      try (CapturedLogs.Capture logs = CapturedLogs.start()) {
        SpringApplicationBuilder app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
            .registerShutdownHook(false).logStartupInfo(false)
            .properties(P + "providers.clickpost.max-atempts=3");
        assertThatThrownBy(app::run).hasStackTraceContaining("max-atempts");
        assertThat(logs.lines()).anySatisfy(line -> assertThat(line.text()).contains("APPLICATION FAILED TO START",
            "Invalid shipping-resilience configuration: " + P + "providers.clickpost.max-atempts: unknown property "
                + "(did you mean max-attempts?)"));
      }
    }

    @Test
    void systemPropertiesAreNotCheckedForUnknownKeysAsSpringBootDoesNot() {
      // Boot leaves the environment and system properties out of its unknown-key check: they are shared with the
      // rest of the machine (a container's SHIPPING_RESILIENCE_PORT, say).
      runner.withSystemProperties(P + "provders.clickpost.max-attempts=3")
          .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void otherConfigurationPropertiesStayLenient() {
      runner.withUserConfiguration(OtherPropertiesConfiguration.class)
          .withPropertyValues("other.nmae=x", "other.name=y")
          .run(context -> assertThat(context.getBean(OtherProperties.class).getName()).isEqualTo("y"));
    }
  }

  @Nested
  class ProviderIds {
    /** The built-in ids in load order (profiles/index.txt), as the message lists them. */
    private static final String BUILT_IN = String.join(", ", dev.shippingresilience.ProviderProfiles.BUILT_IN_IDS);

    @Test
    void anUnknownProviderIdStopsStartUpNamingTheNearestAndTheKnownOnes() {
      failsWith(P + "providers.clickpots: unknown provider: did you mean clickpost? (known: " + BUILT_IN + ")",
          P + "providers.clickpots.max-attempts=3");
    }

    @Test
    void aLoadedProfileIsAKnownId() {
      failsWith(P + "providers.test-carier: unknown provider: did you mean test-carrier? (known: " + BUILT_IN
              + ", test-carrier)",
          P + "profiles[0]=classpath:profiles/test-carrier.json", P + "providers.test-carier.max-attempts=3");
    }

    @Test
    void aHostMappedToAMisspelledIdNamesTheNearest() {
      failsWith(P + "hosts.gw.example.com: unknown provider 'clickpots': did you mean clickpost?",
          P + "hosts[gw.example.com]=clickpots");
    }
  }

  @Nested
  class Values {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "defaults.breaker.failure-rate-threshold=high | must be a number",
        "providers.clickpost.max-attempts=three    | must be a whole number",
        "defaults.deadline=5 minutes               | must be a duration such as 500ms, 30s, 2m or PT30S",
        "providers.clickpost.peek-limit=lots       | must be a size such as 65536 (bytes), 64KB or 1MB",
        "providers.clickpost.shared-limits=maybe   | must be true or false",
        "providers.clickpost.peek-limit=32B        | must be at least 64B and below 2GB",
        "providers.clickpost.max-retry-after=3650d | must be below 3650d",
        "defaults.breaker.failure-rate-threshold=0 | must be a percentage above 0 and at most 100",
        "defaults.retry-budget.ratio=1.5           | must be above 0 and at most 1",
        "defaults.rate-limit.limit-for-period=-1   | must be >= 0",
        "defaults.poll-interval=4000d              | must be at most 3650d",
        "defaults.breaker.exponential-backoff-multiplier=0.5                | must be between 1 and 10",
        "providers.clickpost.breaker.exponential-backoff-multiplier=11      | must be between 1 and 10",
        "providers.clickpost.breaker.exponential-backoff-multiplier=fast    | must be a number",
        "defaults.breaker.exponential-max-wait-duration-in-open-state=0s    | must be positive",
        "defaults.breaker.exponential-max-wait-duration-in-open-state=4000d | must be at most 3650d",
        "providers.clickpost.breaker-wait=-1s                               | must not be negative (0s fails fast)",
        "defaults.breaker-wait=4000d                                        | must be at most 3650d",
        "defaults.learn-rate-limit-window=sometimes                         | must be true or false",
        "providers.sendcloud.rate-limit.buckets.reads.limit-for-period=0    | must be >= 1",
        "defaults.rate-limit.buckets.reads.period=0s                        | must be positive"})
    void aValueOfTheWrongTypeOrOutOfRangeNamesThePropertyTheValueAndWhatIsAllowed(String property, String rule) {
      failsWith(invalid(property, rule), P + property);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "redis.failure-mode=fail-sometimes | must be fail-open or fail-closed",
        "redis.command-timeout=0s          | must be positive",
        "redis.fallback-fleet-size=0       | must be >= 1",
        "redis.key-prefix=my app:          | must not be blank nor contain spaces"})
    void redisSettingsAreCheckedWhileRedisIsOff(String property, String rule) {
      failsWith(invalid(property, rule), P + property);
    }

    @Test
    void aRedisUriIsCheckedWhileRedisIsSwitchedOffWithoutShowingItsPassword() {
      runner.withPropertyValues(P + "redis.enabled=false", P + "redis.uri=http://:s3cret@cache:6379")
          .run(context -> assertThat(failure(context).getMessage()).startsWith(P + "redis.uri: Invalid value "
              + "(http://:***@cache:6379): not a Redis URI").doesNotContain("s3cret"));
    }

    @Test
    void anAccountInTheDefaultsBlockIsRefusedSinceItWouldShareOneBucket() {
      failsWith(P + "defaults.account: Invalid value (acme): an account is one provider's",
          P + "defaults.account=acme");
    }

    @Test
    void aMinimumNumberOfCallsAboveTheProfilesWindowIsRefusedInsteadOfLowered() {
      failsWith(P + "providers.clickpost.breaker.minimum-number-of-calls: Invalid value (30): must be <= the sliding "
          + "window size of profile clickpost (20)", P + "providers.clickpost.breaker.minimum-number-of-calls=30");
    }

    @Test
    void aMaxBackoffBelowTheDefaultsBlocksInitialBackoffNamesBoth() {
      failsWith(P + "providers.clickpost.max-backoff: Invalid value (5s): must be >= " + P
          + "defaults.initial-backoff (10s)", P + "defaults.initial-backoff=10s",
          P + "providers.clickpost.max-backoff=5s");
    }
  }

  @Nested
  class DeprecatedNames {
    @Test
    void theOldBreakerAndRateLimitNamesStillWorkAndWarnNamingTheNewOnes() {
      try (CapturedLogs.Capture logs = CapturedLogs.start()) {
        runner.withPropertyValues(P + "providers.clickpost.breaker.failure-rate=25",
                P + "providers.clickpost.breaker.window-size=8", P + "providers.clickpost.breaker.minimum-calls=4",
                P + "providers.clickpost.breaker.open-wait=2m", P + "providers.clickpost.breaker.half-open-calls=3",
                P + "providers.17track.rate-limit.permits=5")
            .run(context -> {
              ShippingPolicies policies = policies(context);
              assertThat(policies.require("clickpost").breaker())
                  .isEqualTo(new BreakerSettings(25, 8, 4, Duration.ofMinutes(2), 3, 1.5, Duration.ofMinutes(8)));
              assertThat(policies.require("17track").rateLimitDescription()).isEqualTo("5 per PT1S");
            });
        assertThat(logs.lines()).filteredOn(l -> l.level().equals("WARN") && l.text().contains(" is deprecated "))
            .extracting(CapturedLogs.Line::text)
            .contains(P + "providers.clickpost.breaker.window-size is deprecated and goes in the next release: use "
                    + P + "providers.clickpost.breaker.sliding-window-size (the name profiles use)",
                P + "providers.17track.rate-limit.permits is deprecated and goes in the next release: use "
                    + P + "providers.17track.rate-limit.limit-for-period (the name profiles use)")
            .hasSize(6);
      }
    }

    @Test
    void anOldNameSetTogetherWithItsNewNameStopsStartUp() {
      failsWith(P + "defaults.breaker.window-size: set together with " + P + "defaults.breaker.sliding-window-size, "
          + "its new name: remove window-size", P + "defaults.breaker.window-size=8",
          P + "defaults.breaker.sliding-window-size=10");
    }

    @Test
    void anInvalidValueUnderAnOldNameNamesTheOldName() {
      failsWith(P + "providers.clickpost.breaker.window-size: Invalid value (0): must be >= 1",
          P + "providers.clickpost.breaker.window-size=0");
    }

    @Test
    void theMetadataNamesEachOldNamesReplacementAsTheHandlerDoes() throws IOException {
      String json = metadataWithoutSpaces();
      StrictPropertiesBindHandler.DEPRECATED_NAMES.forEach((old, replacement) -> assertThat(json)
          .contains("\"name\":\"" + P + "defaults." + old + "\"")
          .contains("\"replacement\":\"" + P + "defaults." + replacement + "\""));
    }
  }

  @Nested
  class DefaultsBlock {
    @Test
    void theDefaultsBlockAppliesToEveryProviderAndEachProviderOverridesIt() {
      runner.withPropertyValues(P + "profiles[0]=classpath:profiles/test-carrier.json",
              P + "defaults.max-attempts=6", P + "defaults.breaker.wait-duration-in-open-state=90s",
              P + "providers.clickpost.max-attempts=2", P + "providers.abicart.breaker.wait-duration-in-open-state=5s")
          .run(context -> {
            ShippingPolicies policies = policies(context);
            assertThat(policies.require("clickpost").maxAttempts()).isEqualTo(2);
            assertThat(policies.all()).filteredOn(p -> !p.provider().equals("clickpost"))
                .extracting(ShippingPolicy::maxAttempts).containsOnly(6);
            assertThat(policies.require("abicart").breaker().openWait()).isEqualTo(Duration.ofSeconds(5));
            assertThat(policies.all()).filteredOn(p -> !p.provider().equals("abicart"))
                .extracting(p -> p.breaker().openWait()).containsOnly(Duration.ofSeconds(90));
            assertThat(policies.require("clickpost").breakerDescription())
                .as("the rest of the breaker is the profile's").isEqualTo("50.0% of 20 calls (min 5), open 90000 ms");
          });
    }

    @Test
    void aProvidersPartOfTheBreakerKeepsTheDefaultsBlocksOtherParts() {
      runner.withPropertyValues(P + "defaults.breaker.sliding-window-size=10",
              P + "defaults.breaker.minimum-number-of-calls=3",
              P + "providers.clickpost.breaker.wait-duration-in-open-state=60s")
          .run(context -> assertThat(policies(context).require("clickpost").breakerDescription())
              .isEqualTo("50.0% of 10 calls (min 3), open 60000 ms"));
    }

    @Test
    void sharedLimitsFalseInTheDefaultsBlockKeepsEveryProviderLocal() {
      SharedLimits fleet = new LocalLimits(Clock.systemUTC(), new SimpleMeterRegistry());
      runner.withBean(SharedLimits.class, () -> fleet)
          .withPropertyValues(P + "defaults.shared-limits=false", P + "providers.clickpost.shared-limits=true")
          .run(context -> {
            ShippingPolicies policies = policies(context);
            assertThat(policies.require("clickpost").sharedLimits()).isSameAs(fleet);
            assertThat(policies.require("abicart").sharedLimits()).isNotSameAs(fleet).isInstanceOf(LocalLimits.class);
          });
    }
  }

  /**
   * The engine settings of issue 18 (open-wait growth, breaker wait, learning the rate-limit window, operation
   * buckets) reach every provider's policy through the defaults block and {@code providers.<id>}, as the older ones do.
   */
  @Nested
  class RecoveryAndQuotaSettings {
    @Test
    void theOpenWaitGrowthReachesEveryProviderAndEachProviderOverridesIt() {
      runner.withPropertyValues(P + "defaults.breaker.exponential-backoff-multiplier=2",
              P + "providers.clickpost.breaker.exponential-max-wait-duration-in-open-state=5m")
          .run(context -> {
            ShippingPolicies policies = policies(context);
            BreakerSettings clickpost = policies.require("clickpost").breaker();
            assertThat(clickpost.openWaitMultiplier()).isEqualTo(2.0);
            assertThat(clickpost.maxOpenWait()).isEqualTo(Duration.ofMinutes(5));
            assertThat(clickpost.openWait()).as("the first wait is the profile's").isEqualTo(Duration.ofSeconds(20));
            assertThat(policies.require("clickpost").toString()).contains("x2.0 per failed trial up to 300000 ms");
            BreakerSettings abicart = policies.require("abicart").breaker();
            assertThat(abicart.openWaitMultiplier()).isEqualTo(2.0);
            assertThat(abicart.maxOpenWait()).as("the profile's longest wait").isEqualTo(Duration.ofSeconds(80));
          });
    }

    @Test
    void aShorterFirstWaitShortensTheLongestWaitAsCoreDoes() {
      runner.withPropertyValues(P + "providers.clickpost.breaker.wait-duration-in-open-state=5s",
              P + "providers.clickpost.breaker.exponential-backoff-multiplier=3")
          .run(context -> assertThat(policies(context).require("clickpost").breaker())
              .extracting(BreakerSettings::openWait, BreakerSettings::openWaitMultiplier, BreakerSettings::maxOpenWait)
              .containsExactly(Duration.ofSeconds(5), 3.0, Duration.ofSeconds(20)));
    }

    @Test
    void theLongestOpenWaitAloneKeepsTheProfilesMultiplier() {
      runner.withPropertyValues(P + "providers.clickpost.breaker.exponential-max-wait-duration-in-open-state=2m")
          .run(context -> assertThat(policies(context).require("clickpost").breaker())
              .extracting(BreakerSettings::openWaitMultiplier, BreakerSettings::maxOpenWait)
              .containsExactly(ShippingPolicy.DEFAULT_OPEN_WAIT_MULTIPLIER, Duration.ofMinutes(2)));
    }

    @Test
    void theBreakerWaitIsOptInPerProvider() {
      runner.withPropertyValues(P + "defaults.breaker-wait=30s", P + "providers.clickpost.breaker-wait=0s")
          .run(context -> {
            ShippingPolicies policies = policies(context);
            assertThat(policies.require("clickpost").breakerWait()).isZero();
            assertThat(policies.require("clickpost").toString()).doesNotContain("breakerWait");
            assertThat(policies.require("abicart").breakerWait()).isEqualTo(Duration.ofSeconds(30));
            assertThat(policies.require("abicart").toString()).contains("breakerWait=PT30S");
          });
    }

    @Test
    void withoutTheBreakerWaitPropertyARefusedCallFailsFast() {
      runner.run(context -> assertThat(policies(context).all()).extracting(ShippingPolicy::breakerWait)
          .containsOnly(ShippingPolicy.DEFAULT_BREAKER_WAIT));
    }

    @Test
    void learningTheRateLimitWindowCanBeTurnedOffAndBackOnPerProvider() {
      runner.withPropertyValues(P + "defaults.learn-rate-limit-window=false",
              P + "providers.aftership-shipping.learn-rate-limit-window=true")
          .run(context -> {
            ShippingPolicies policies = policies(context);
            assertThat(policies.require("aftership-shipping").learnsRateLimitWindow()).isTrue();
            assertThat(policies.all()).filteredOn(p -> !p.provider().equals("aftership-shipping"))
                .extracting(ShippingPolicy::learnsRateLimitWindow).containsOnly(false);
          });
    }

    @Test
    void anOperationBucketsLimitIsSetPerProviderOverTheDefaultsBlock() {
      runner.withPropertyValues(P + "defaults.rate-limit.buckets.reads.period=30s",
              P + "providers.sendcloud.rate-limit.buckets.reads.limit-for-period=200")
          .run(context -> {
            ShippingPolicy sendcloud = policies(context).require("sendcloud");
            assertThat(sendcloud.bucketLimits()).containsExactly(
                java.util.Map.entry("reads", new RateLimit(200, Duration.ofSeconds(30))));
            assertThat(sendcloud.rateLimitDescription()).isEqualTo("100 per PT1M; bucket reads: 200 per PT30S");
          });
    }

    @Test
    void aBucketsUnsetValueKeepsTheProfiles() {
      runner.withPropertyValues(P + "defaults.rate-limit.buckets.reads.limit-for-period=50")
          .run(context -> assertThat(policies(context).require("sendcloud").bucketLimits())
              .containsEntry("reads", new RateLimit(50, Duration.ofMinutes(1))));
    }

    @Test
    void aBucketTheProviderDoesNotDeclareNamesTheDeclaredOnes() {
      failsWith(P + "providers.sendcloud.rate-limit.buckets.writes: unknown bucket: profile sendcloud declares reads",
          P + "providers.sendcloud.rate-limit.buckets.writes.limit-for-period=5");
    }

    @Test
    void aBucketForAProviderWithoutOperationLimitsIsRefused() {
      failsWith(P + "providers.clickpost.rate-limit.buckets.reads: unknown bucket: profile clickpost declares no "
          + "operation rate limits", P + "providers.clickpost.rate-limit.buckets.reads.period=10s");
    }

    @Test
    void aBucketOfTheDefaultsBlockThatNoProfileDeclaresIsRefused() {
      failsWith(P + "defaults.rate-limit.buckets.raeds: unknown bucket: no profile declares it (declared: reads by "
          + "sendcloud)", P + "defaults.rate-limit.buckets.raeds.limit-for-period=5");
    }

    @Test
    void aLongestOpenWaitBelowTheProfilesFirstWaitIsRefused() {
      failsWith(P + "providers.clickpost.breaker.exponential-max-wait-duration-in-open-state: Invalid value (10s): "
          + "must be >= the wait duration in open state of profile clickpost (20s)",
          P + "providers.clickpost.breaker.exponential-max-wait-duration-in-open-state=10s");
    }

    @Test
    void aLongestOpenWaitBelowTheDefaultsBlocksFirstWaitNamesIt() {
      failsWith(P + "providers.abicart.breaker.exponential-max-wait-duration-in-open-state: Invalid value (30s): must "
          + "be >= " + P + "defaults.breaker.wait-duration-in-open-state (1m)",
          P + "defaults.breaker.wait-duration-in-open-state=1m",
          P + "providers.abicart.breaker.exponential-max-wait-duration-in-open-state=30s");
    }

    @Test
    void aLongestOpenWaitForAProfileWhoseWaitNeverGrowsAsksForTheMultiplier() {
      failsWith(P + "providers.steady-carrier.breaker.exponential-max-wait-duration-in-open-state: Invalid value (5m): "
          + "has no effect, since the open wait of profile steady-carrier does not grow: set " + P
          + "providers.steady-carrier.breaker.exponential-backoff-multiplier too",
          P + "profiles[0]=classpath:profiles/steady-carrier.json",
          P + "providers.steady-carrier.breaker.exponential-max-wait-duration-in-open-state=5m");
    }

    @Test
    void theMultiplierAloneForAProfileWhoseWaitNeverGrowsGrowsToCoresDefaultLongestWait() {
      runner.withPropertyValues(P + "profiles[0]=classpath:profiles/steady-carrier.json",
              P + "providers.steady-carrier.breaker.exponential-backoff-multiplier=2")
          .run(context -> assertThat(policies(context).require("steady-carrier").breaker())
              .extracting(BreakerSettings::openWaitMultiplier, BreakerSettings::maxOpenWait)
              .containsExactly(2.0, Duration.ofSeconds(20).multipliedBy(ShippingPolicy.DEFAULT_MAX_OPEN_WAIT_FACTOR)));
    }

    @Test
    void theMetadataDescribesTheNewPropertiesAndNamesTheDeclaredBuckets() throws IOException {
      String json = metadataWithoutSpaces();
      for (String name : List.of("breaker-wait", "learn-rate-limit-window", "breaker.exponential-backoff-multiplier",
          "breaker.exponential-max-wait-duration-in-open-state", "rate-limit.buckets")) {
        assertThat(json).contains("\"name\":\"" + P + "defaults." + name + "\"");
      }
      assertThat(json).contains("\"name\":\"" + P + "defaults.rate-limit.buckets.keys\",\"values\":[{\"value\":"
          + "\"reads\"");
    }
  }

  @Test
  void theFailureModesAreRedisLimitsOnes() {
    assertThat(Arrays.stream(ShippingResilienceProperties.Redis.FailureMode.values()).map(Enum::name))
        .containsExactlyElementsOf(Arrays.stream(FailureMode.values()).map(Enum::name).toList());
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({ShippingResilienceAutoConfiguration.class, RestClientAutoConfiguration.class})
  static class App {}

  /** Another application's properties, bound next to ours. */
  @org.springframework.boot.context.properties.ConfigurationProperties("other")
  public static class OtherProperties {
    private String name = "";

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @org.springframework.boot.context.properties.EnableConfigurationProperties(OtherProperties.class)
  static class OtherPropertiesConfiguration {}
}
