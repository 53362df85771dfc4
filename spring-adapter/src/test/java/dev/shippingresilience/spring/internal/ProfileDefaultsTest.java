package dev.shippingresilience.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pins the core description formats ProfileDefaults reads: a change in core fails here first. */
class ProfileDefaultsTest {
  static Stream<ProviderProfile> builtIns() {
    return ProviderProfiles.builtIn().all().stream();
  }

  @ParameterizedTest
  @MethodSource("builtIns")
  void readsWhatTheProfileGivesThePolicy(ProviderProfile profile) {
    // given a policy built with other values, described by core
    ShippingPolicy custom = ShippingPolicy.builder(profile).meterRegistry(new SimpleMeterRegistry())
        .backoff(Duration.ofMillis(1500), Duration.ofSeconds(45)).breaker(12.5f, 9, 3, Duration.ofSeconds(7), 1)
        .rateLimit(4, Duration.ofSeconds(2)).build();

    // when
    ProfileDefaults defaults = ProfileDefaults.of(profile);

    // then the profile's values are read back, and they are not the custom ones
    ShippingPolicy plain = ShippingPolicy.builder(profile).meterRegistry(new SimpleMeterRegistry()).build();
    assertThat(plain.toString()).contains("backoff=" + defaults.initialBackoff + ".." + defaults.maxBackoff + ",");
    assertThat(plain.breakerDescription()).isEqualTo(defaults.failureRate + "% of " + defaults.windowSize
        + " calls (min " + defaults.minimumCalls + "), open " + defaults.openWait.toMillis() + " ms");
    assertThat(defaults.deadline).isEqualTo(plain.deadline());
    ProfileDefaults read = ProfileDefaults.read(custom);
    assertThat(read.initialBackoff).isEqualTo(Duration.ofMillis(1500));
    assertThat(read.maxBackoff).isEqualTo(Duration.ofSeconds(45));
    assertThat(read.failureRate).isEqualTo(12.5f);
    assertThat(read.windowSize).isEqualTo(9);
    assertThat(read.minimumCalls).isEqualTo(3);
    assertThat(read.openWait).isEqualTo(Duration.ofSeconds(7));
    assertThat(read.permits()).isEqualTo(4);
    assertThat(read.period).isEqualTo(Duration.ofSeconds(2));
    if (plain.rateLimit() == null) {
      assertThat(defaults.permits()).isZero();
    } else {
      assertThat(defaults.permits()).isEqualTo(plain.rateLimit().permits());
      assertThat(defaults.period).isEqualTo(plain.rateLimit().period());
    }
  }
}
