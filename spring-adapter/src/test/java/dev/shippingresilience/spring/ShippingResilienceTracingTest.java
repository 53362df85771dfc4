package dev.shippingresilience.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.spring.testing.NoLeakedResponses;
import dev.shippingresilience.spring.testing.Stubs;
import dev.shippingresilience.testing.FakeClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * Issue 16: with Spring Boot's observation and OpenTelemetry tracing auto-configuration (a real tracer bridge,
 * {@code micrometer-tracing-bridge-otel}, spans kept by the SDK's in-memory exporter), a Clickpost create-order polled
 * through the auto-configured {@link RestClient} is one trace: the RestClient's {@code http.client.requests} span,
 * under it the logical call, under that each attempt and each wait, in order.
 */
class ShippingResilienceTracingTest {
  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedResponses responses = new NoLeakedResponses();

  private final FakeClock clock = new FakeClock(Fixtures.NOW);
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
          OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
          MicrometerTracingAutoConfiguration.class, RestClientAutoConfiguration.class,
          RestClientObservationAutoConfiguration.class, ShippingResilienceAutoConfiguration.class))
      .withBean(InMemorySpanExporter.class, InMemorySpanExporter::create)
      // the engine's waits move a fake clock: no test sleeps
      .withBean(ShippingPoliciesCustomizer.class,
          () -> builder -> builder.configureAll(b -> b.clock(clock).sleeper((d, token) -> clock.advance(d))))
      .withPropertyValues("management.tracing.sampling.probability=1.0",
          "shipping.resilience.hosts[127.0.0.1]=clickpost");

  @Test
  void polledClickpostOrderIsOneTraceOfItsAttemptsAndWaitsUnderTheRestClientsSpan() {
    // given: Clickpost answers 202, 102, 102, then 323 "already placed"
    Stubs.clickpostCreateAnswers(wireMock, "create-order-queued.json", "create-order-processing.json",
        "create-order-processing.json", "create-order-already-placed.json");

    runner.run(context -> {
      // when
      String decision = restClient(context).post().uri("/api/v3/create-order/?username=u&key=SECRET")
          .contentType(MediaType.APPLICATION_JSON).body("{\"reference_number\":\"R1\"}")
          .retrieve().toBodilessEntity().getHeaders().getFirst(ShippingResilienceInterceptor.DECISION_HEADER);

      // then
      assertThat(decision).isEqualTo("SUCCEED");
      List<SpanData> spans = finishedSpans(context);
      assertThat(tree(spans)).isEqualTo(String.join("\n",
          "http post outcome=SUCCESS",
          "  clickpost create-order outcome=duplicate decision=SUCCEED code=323",
          "    clickpost create-order attempt attempt=1 poll=0 decision=POLL code=202",
          "    clickpost wait poll attempt=1 poll=1 cause=poll planned=PT10S",
          "    clickpost create-order poll attempt=1 poll=1 decision=POLL code=102",
          "    clickpost wait poll attempt=1 poll=2 cause=poll planned=PT10S",
          "    clickpost create-order poll attempt=1 poll=2 decision=POLL code=102",
          "    clickpost wait poll attempt=1 poll=3 cause=poll planned=PT10S",
          "    clickpost create-order poll attempt=1 poll=3 decision=SUCCEED code=323"));
      assertThat(spans).extracting(SpanData::getTraceId).containsOnly(spans.get(0).getTraceId());
      // ours only: Spring's own http.client.requests records the literal URI, secret included (issue 16, item 2)
      assertThat(spans).filteredOn(s -> s.getAttributes().get(AttributeKey.stringKey("provider")) != null)
          .hasSize(8).allSatisfy(s -> assertThat(s.getAttributes().toString()).doesNotContain("SECRET"));
    });
  }

  @Test
  void everyAttemptCarriesTheRestClientsTraceContextNotItsOwn() {
    // given
    Stubs.clickpostCreateAnswers(wireMock, "create-order-queued.json", "create-order-already-placed.json");

    runner.run(context -> {
      // when
      restClient(context).post().uri("/api/v3/create-order/?key=SECRET").contentType(MediaType.APPLICATION_JSON)
          .body("{\"reference_number\":\"R1\"}").retrieve().toBodilessEntity();

      // then: RestClient writes traceparent once, before its interceptors run, so both sends carry the span of
      // http.client.requests; the attempt spans are siblings in the trace, not parents of the provider's spans
      List<SpanData> spans = finishedSpans(context);
      SpanData http = spans.stream().filter(s -> s.getName().equals("http post")).findFirst().orElseThrow();
      List<LoggedRequest> sent = wireMock.findAll(postRequestedFor(urlPathEqualTo(Stubs.CLICKPOST_CREATE)));
      assertThat(sent).hasSize(2).allSatisfy(r -> assertThat(r.getHeader("traceparent"))
          .startsWith("00-" + http.getTraceId() + "-" + http.getSpanId() + "-"));
    });
  }

  private RestClient restClient(AssertableApplicationContext context) {
    return context.getBean(RestClient.Builder.class)
        .requestFactory(responses.jdk())
        .baseUrl("http://127.0.0.1:" + wireMock.getPort())
        .build();
  }

  private static List<SpanData> finishedSpans(AssertableApplicationContext context) {
    assertThat(context).hasNotFailed();
    context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);
    return context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
  }

  /** Each span under its parent, two spaces in, siblings in start order, with the attributes a reader looks at. */
  private static String tree(List<SpanData> spans) {
    Map<String, List<SpanData>> children = spans.stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .collect(Collectors.groupingBy(SpanData::getParentSpanId, java.util.LinkedHashMap::new, Collectors.toList()));
    Map<String, SpanData> byId = spans.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    List<String> lines = new ArrayList<>();
    spans.stream().filter(s -> !byId.containsKey(s.getParentSpanId()))
        .forEach(root -> draw(root, children, "", lines));
    return String.join("\n", lines);
  }

  private static void draw(SpanData span, Map<String, List<SpanData>> children, String indent, List<String> lines) {
    StringBuilder line = new StringBuilder(indent).append(span.getName());
    // the outcome of the call and of the HTTP exchange; the attempts' and waits' are in their decision and cause
    boolean attemptOrWait = span.getAttributes().get(AttributeKey.stringKey("cause")) != null
        || span.getAttributes().get(AttributeKey.stringKey("attempt")) != null;
    for (String key : List.of("attempt", "poll", "cause", "planned", "outcome", "decision", "code")) {
      String value = span.getAttributes().get(AttributeKey.stringKey(key));
      if (value != null && !(attemptOrWait && key.equals("outcome"))) {
        line.append(' ').append(key).append('=').append(value);
      }
    }
    lines.add(line.toString());
    for (SpanData child : children.getOrDefault(span.getSpanId(), List.of())) {
      draw(child, children, indent + "  ", lines);
    }
  }
}
