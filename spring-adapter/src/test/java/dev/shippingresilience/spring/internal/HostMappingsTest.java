package dev.shippingresilience.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HostMappingsTest {
  @Test
  void aHostThatOnlyEndsWithTheMappedNameIsNotItsSubdomain() {
    HostMappings hosts = HostMappings.of(Map.of("gw.example.com", "dhl", "example.com", "clickpost"));
    assertThat(hosts.providerFor("gw.example.com")).isEqualTo("dhl");
    assertThat(hosts.providerFor("EU.gw.example.com")).isEqualTo("dhl");
    assertThat(hosts.providerFor("xgw.example.com")).isEqualTo("clickpost");
    assertThat(hosts.providerFor("notexample.com")).isNull();
    assertThat(hosts.providerFor("com")).isNull();
  }
}
