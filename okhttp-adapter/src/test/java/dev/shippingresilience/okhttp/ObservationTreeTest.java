package dev.shippingresilience.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.testing.NoLeakedConnections;
import dev.shippingresilience.testing.FakeClock;
import dev.shippingresilience.testing.FakeSleeper;
import dev.shippingresilience.testing.FixedRandom;
import dev.shippingresilience.testing.ObservationTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: a call through OkHttp and {@link ShippingInterceptor} makes the same observation tree as the programmatic
 * path (core's CallObservationTest holds both engines to {@link ObservationTree#CLICKPOST_POLL_STORY} too).
 */
class ObservationTreeTest {
  private static final String CREATE_ORDER = "/api/v3/create-order/";

  @RegisterExtension
  static final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  @RegisterExtension
  static final NoLeakedConnections connections = new NoLeakedConnections();

  @Test
  void clickpostPollStoryThroughTheInterceptorIsTheProgrammaticPathsTree() throws IOException {
    // given Clickpost answering 202, 102, 102, then 323
    String[] answers = {"create-order-queued.json", "create-order-processing.json", "create-order-processing.json",
        "create-order-already-placed.json"};
    for (int i = 0; i < answers.length; i++) {
      var stub = post(urlPathEqualTo(CREATE_ORDER)).inScenario("poll")
          .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer-" + i)
          .willReturn(aResponse().withBody(new String(Fixtures.body("clickpost", answers[i]), StandardCharsets.UTF_8)));
      wireMock.stubFor(i + 1 < answers.length ? stub.willSetStateTo("answer-" + (i + 1)) : stub);
    }
    ObservationTree tree = new ObservationTree();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(tree);
    FakeClock clock = new FakeClock(Fixtures.NOW);
    ShippingPolicies policies = ShippingPolicies.builder()
        .configureAll(b -> b.clock(clock).sleeper(new FakeSleeper(clock)).random(new FixedRandom())
            .meterRegistry(new SimpleMeterRegistry()).observationRegistry(registry))
        .build();
    OkHttpClient client = connections.watch(new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .addInterceptor(ShippingInterceptor.of(policies)).build());

    // when
    Request request = new Request.Builder()
        .url("http://www.clickpost.in:" + wireMock.getPort() + CREATE_ORDER + "?username=u&key=SECRET")
        .post(RequestBody.create("{\"reference_number\":\"R1\"}", // as the programmatic test's request
            MediaType.get("application/json")))
        .build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.header(ShippingInterceptor.ATTEMPTS_HEADER)).isEqualTo("4");
    }

    // then
    assertThat(tree.tree()).isEqualTo(ObservationTree.CLICKPOST_POLL_STORY);
    assertThat(registry.getCurrentObservation()).isNull();
  }
}
