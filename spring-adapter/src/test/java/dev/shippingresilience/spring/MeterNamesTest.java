package dev.shippingresilience.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.ShippingMeters;
import dev.shippingresilience.redis.RedisSharedLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The library's meter names follow one convention: lowercase words separated by dots. */
class MeterNamesTest {
  @Test
  void sharedLimitsFallbackMeterIsDottedLikeTheOthers() {
    // given every meter name the library registers (core's and redis-limits')
    List<String> names = List.of(ShippingMeters.CALLS, ShippingMeters.ATTEMPTS, ShippingMeters.POLLS,
        ShippingMeters.WAITS, RedisSharedLimits.FALLBACK_METER);

    // then each is lowercase words under shipping.resilience, separated by dots (shared_limits was the odd one)
    assertThat(names).allSatisfy(name -> assertThat(name).matches("shipping\\.resilience(\\.[a-z]+)+"));
    assertThat(RedisSharedLimits.FALLBACK_METER).isEqualTo("shipping.resilience.shared.limits.fallbacks");
  }
}
