package dev.shippingresilience.spring.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.shippingresilience.Fixtures;
import java.util.UUID;
import java.util.function.Supplier;

/** The providers' WireMock scenarios that the RestClient and the WebClient tests share. */
public final class Stubs {
  /** Clickpost's create-order path. */
  public static final String CLICKPOST_CREATE = "/api/v3/create-order/";
  /** AfterShip Shipping's label path. */
  public static final String AFTERSHIP_LABELS = "/postmen/v3/labels";
  /** The path of the label {@code label-creating.json} names. */
  public static final String AFTERSHIP_LABEL = AFTERSHIP_LABELS + "/a1b2c3d4-0000-4000-8000-000000000001";

  private Stubs() {}

  /**
   * Answers the requests {@code request} matches with {@code answers} in order, the last one from then on (a
   * WireMock scenario of its own).
   */
  public static void inOrder(WireMockExtension wireMock, Supplier<MappingBuilder> request,
      ResponseDefinitionBuilder... answers) {
    String scenario = UUID.randomUUID().toString();
    for (int i = 0; i < answers.length; i++) {
      ScenarioMappingBuilder stub = request.get().inScenario(scenario)
          .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i)
          .willReturn(answers[i]);
      if (i + 1 < answers.length) {
        stub = stub.willSetStateTo("answer " + (i + 1));
      }
      wireMock.stubFor(stub);
    }
  }

  /** Returns a 200 answer whose body is the provider's fixture {@code name} (under {@code fixtures/<provider>/}). */
  public static ResponseDefinitionBuilder fixture(String provider, String name) {
    return aResponse().withBody(Fixtures.body(provider, name));
  }

  /** Clickpost's create-order answers with the fixtures {@code names}, in order. */
  public static void clickpostCreateAnswers(WireMockExtension wireMock, String... names) {
    ResponseDefinitionBuilder[] answers = new ResponseDefinitionBuilder[names.length];
    for (int i = 0; i < names.length; i++) {
      answers[i] = fixture("clickpost", names[i]);
    }
    inOrder(wireMock, () -> post(urlPathEqualTo(CLICKPOST_CREATE)), answers);
  }

  /** AfterShip's label create answers 429 with {@code X-RateLimit-Reset} 4 s after {@link Fixtures#NOW}, then the label. */
  public static void afterShipRateLimitedOnce(WireMockExtension wireMock) {
    String reset = Long.toString(Fixtures.NOW.plusSeconds(4).toEpochMilli());
    inOrder(wireMock, () -> post(urlPathEqualTo(AFTERSHIP_LABELS)),
        fixture("aftership-shipping", "rate-limited.json").withStatus(429).withHeader("X-RateLimit-Reset", reset)
            .withHeader("X-RateLimit-Remaining", "0"),
        fixture("aftership-shipping", "label-created.json"));
  }

  /** AfterShip's label create answers "creating"; {@link #AFTERSHIP_LABEL} "creating" once, then the label. */
  public static void afterShipLabelPolled(WireMockExtension wireMock) {
    wireMock.stubFor(post(urlPathEqualTo(AFTERSHIP_LABELS))
        .willReturn(fixture("aftership-shipping", "label-creating.json")));
    inOrder(wireMock, () -> get(urlPathEqualTo(AFTERSHIP_LABEL)),
        aResponse().withBody("{\"meta\":{\"code\":200},\"data\":{\"status\":\"creating\"}}"),
        fixture("aftership-shipping", "label-created.json"));
  }

  /** Asserts one label create, then two bodiless GETs of the label with the original API key and no content type. */
  public static void assertLabelPolledWithBodilessGets(WireMockExtension wireMock) {
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(AFTERSHIP_LABELS)));
    wireMock.verify(2, getRequestedFor(urlPathEqualTo(AFTERSHIP_LABEL)).withHeader("as-api-key", equalTo("SECRET"))
        .withoutHeader("Content-Type"));
    assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo(AFTERSHIP_LABEL))))
        .allSatisfy(r -> assertThat(r.getBody()).isEmpty());
  }

  /** AfterShip's label create answers 4101 "try again", then the label. */
  public static void afterShipTryAgainThenCreated(WireMockExtension wireMock) {
    inOrder(wireMock, () -> post(urlPathEqualTo(AFTERSHIP_LABELS)),
        aResponse().withBody("{\"meta\":{\"code\":4101,\"message\":\"try again\"},\"data\":{}}"),
        fixture("aftership-shipping", "label-created.json"));
  }
}
