package dev.shippingresilience.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.ShippingPolicies;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  @Test
  void theAllProvidersMixCallsEveryBuiltInProviderOnAHostItsProfileSelects() {
    // given
    ShippingPolicies policies = ShippingPolicies.builder().build();

    // when
    List<Workload.LogicalCall> calls = Workload.allProviders(42, 240);

    // then: all ten providers, each call's host picks its own profile
    Map<String, Integer> perProvider = new TreeMap<>();
    for (Workload.LogicalCall call : calls) {
      perProvider.merge(call.provider(), 1, Integer::sum);
      assertThat(policies.forUri(URI.create("https://" + call.host() + call.pathAndQuery())).profile().id())
          .as("profile selected for call " + call.index()).isEqualTo(call.provider());
    }
    assertThat(perProvider.keySet()).containsAll(Workload.ADDED_AS_DATA)
        .contains(Workload.CLICKPOST, Workload.AFTERSHIP, Workload.SEVENTEEN_TRACK, Workload.ABICART);
    for (String added : Workload.ADDED_AS_DATA) {
      assertThat(perProvider.get(added)).as(added + " calls of 240").isBetween(12, 40);
    }
  }

  @Test
  void everyCallOfTheAllProvidersMixNamesItsOwnReference() {
    // identical bodies would be one shipment to the provider (the demo's first run counted 3 FedEx "duplicates")
    Set<String> bodies = new HashSet<>();
    for (Workload.LogicalCall call : Workload.allProviders(42, 240)) {
      assertThat(bodies.add(call.pathAndQuery() + " " + call.body())).as("call " + call.index()).isTrue();
    }
  }

  @Test
  void theFirstFourProvidersWorkloadIsTheSameAsBeforeTheAllProvidersMix() {
    // the five first schedules' figures stay comparable: the same seeded calls as before the refactoring
    List<Workload.LogicalCall> calls = Workload.build(42, 240);
    StringBuilder all = new StringBuilder();
    calls.forEach(c -> all.append(c.provider()).append(c.carrier()).append(c.pathAndQuery()).append(c.body()));
    assertThat(calls).hasSize(240);
    assertThat(Integer.toHexString(all.toString().hashCode())).isEqualTo(FIRST_FOUR_HASH);
  }

  private static final String FIRST_FOUR_HASH = "1300c59c";
}
