package dev.shippingresilience.spring;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.spring.internal.InvalidShippingPropertyException;
import dev.shippingresilience.spring.testing.Stubs;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/** The {@code shippingresilienceevents} endpoint in a Boot context, fed by real calls over loopback. */
class ShippingResilienceEventsEndpointTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ShippingResilienceAutoConfiguration.class,
          RestClientAutoConfiguration.class))
      .withPropertyValues("shipping.resilience.hosts[127.0.0.1]=clickpost")
      // the application's own customizer (no real sleeps) runs after the one that registers the events' listener
      .withBean(ShippingPoliciesCustomizer.class,
          () -> b -> b.configureAll(p -> p.clock(clock).sleeper(new FakeSleeper(clock))));

  /** Clickpost's create-order, 202 then 102 then 323, called with the key in the query as a literal string. */
  private static void createClickpostOrder(AssertableApplicationContext context) {
    Stubs.clickpostCreateAnswers(wireMock, "create-order-queued.json", "create-order-processing.json",
        "create-order-already-placed.json");
    RestClient client = context.getBean(RestClient.Builder.class)
        .baseUrl("http://127.0.0.1:" + wireMock.getPort()).build();
    client.post().uri(Stubs.CLICKPOST_CREATE + "?username=shop-user&key=SECRETKEY123")
        .contentType(MediaType.APPLICATION_JSON).body("{\"reference_number\":\"R1\"}")
        .retrieve().toBodilessEntity();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> clickpostEvents(AssertableApplicationContext context) {
    Map<String, Object> shown = context.getBean(ShippingResilienceEventsEndpoint.class).events("clickpost");
    assertThat(shown).isNotNull().containsEntry("provider", "clickpost");
    return (List<Map<String, Object>>) shown.get("events");
  }

  @Test
  void aPolledCallShowsItsAttemptsDecisionsAndWaitsInOrderWithTheUrlMasked() {
    runner.run(context -> {
      // when
      createClickpostOrder(context);

      // then every send, its decision and the wait that followed, in order
      List<Map<String, Object>> events = clickpostEvents(context);
      assertThat(events).extracting(e -> e.get("type")).containsExactly(
          "attempt", "decision", "wait", "attempt", "decision", "wait", "attempt", "decision");
      assertThat(events).extracting(e -> e.get("decision")).containsExactly(
          null, "POLL", null, null, "POLL", null, null, "SUCCEED");
      assertThat(events).extracting(e -> e.get("code")).containsExactly(
          null, "202", null, null, "102", null, null, "323");
      assertThat(events).extracting(e -> e.get("poll")).containsExactly(0, 0, null, 1, 1, null, 2, 2);
      assertThat(events.get(2)).containsEntry("wait", "PT10S").containsEntry("cause", "poll")
          .containsEntry("operation", "create-order");
      assertThat(events.get(1)).containsEntry("attempt", 1).containsEntry("status", 200)
          .containsEntry("scope", "clickpost").containsKey("reason");
      assertThat((String) events.get(0).get("url"))
          .endsWith(Stubs.CLICKPOST_CREATE + "?username=***&key=***");
      assertThat(events.get(0)).containsEntry("method", "POST");
      // and no secret anywhere, in one provider's view or all of them
      assertThat(events.toString()).doesNotContain("SECRETKEY123").doesNotContain("shop-user");
      Map<String, Object> all = context.getBean(ShippingResilienceEventsEndpoint.class).events();
      assertThat(all).containsEntry("size", 100);
      assertThat(all.toString()).contains("clickpost").doesNotContain("SECRETKEY123");
    });
  }

  @Test
  void aReconcileIsRecordedWithItsOutcomeAndReason() {
    ShippingResilienceEvents events = new ShippingResilienceEvents(4, java.time.Clock.fixed(
        java.time.Instant.parse("2026-12-02T06:00:00Z"), java.time.ZoneOffset.UTC));
    events.listener().onReconcile(new dev.shippingresilience.event.ReconcileEvent("aftership-shipping",
        "create-label", "found", "reconciled: found at /data/labels/0/id"));
    assertThat(events.recent("aftership-shipping")).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo("reconcile");
      assertThat(e.operation()).isEqualTo("create-label");
      assertThat(e.decision()).isEqualTo("found");
      assertThat(e.reason()).isEqualTo("reconciled: found at /data/labels/0/id");
    });
  }

  @Test
  void aProviderWithoutEventsIsNotFound() {
    runner.run(context -> assertThat(context.getBean(ShippingResilienceEventsEndpoint.class).events("17track"))
        .isNull());
  }

  @Test
  void theSizePropertyBoundsTheEventsKeptPerProvider() {
    runner.withPropertyValues("shipping.resilience.events.size=3").run(context -> {
      createClickpostOrder(context);

      // then only the last three of the call's eight events
      assertThat(clickpostEvents(context)).extracting(e -> e.get("type"))
          .containsExactly("wait", "attempt", "decision");
      assertThat(context.getBean(ShippingResilienceEventsEndpoint.class).events()).containsEntry("size", 3);
    });
  }

  @Test
  void aSizeOutOfRangeStopsStartUpNamingTheProperty() {
    runner.withPropertyValues("shipping.resilience.events.size=0").run(context -> assertThat(context)
        .getFailure().rootCause().isInstanceOf(InvalidShippingPropertyException.class)
        .hasMessageContaining("shipping.resilience.events.size: Invalid value (0): must be between 1 and 10000"));
  }

  @Test
  void eventsCanBeTurnedOff() {
    runner.withPropertyValues("shipping.resilience.events.enabled=false").run(context -> assertThat(context)
        .hasNotFailed().doesNotHaveBean(ShippingResilienceEventsEndpoint.class)
        .doesNotHaveBean(ShippingResilienceEvents.class));
  }

  @Test
  void anUnknownEventsKeyStopsStartUp() {
    runner.withPropertyValues("shipping.resilience.events.sise=3").run(context -> assertThat(context)
        .getFailure().rootCause().hasMessageContaining("shipping.resilience.events.sise: unknown property"));
  }
}
