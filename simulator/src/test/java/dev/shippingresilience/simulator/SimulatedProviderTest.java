package dev.shippingresilience.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedProviderTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private final OkHttpClient client = new OkHttpClient.Builder().dns(SimulatedProvider::loopback).build();
  private SimulatedProvider sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private String post(String url, String body) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(url).post(RequestBody.create(body, JSON)).build())
        .execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void clickpostAsyncOrderGoesThrough202And102To323() throws IOException {
    sim = SimulatedProvider.start(FaultSchedule.builder(1).asyncRate(1).processingPolls(1).build());
    String url = sim.url("www.clickpost.in", "/api/v3/create-order/?key=k");
    String body = "{\"reference_number\":\"R1\",\"courier_partner\":3}";
    assertThat(post(url, body)).contains("\"status\":202");
    assertThat(post(url, body)).contains("\"status\":102");
    assertThat(post(url, body)).contains("\"status\":323").contains("waybill");
    assertThat(sim.stats().duplicatesCreated()).isZero();
  }

  @Test
  void carrierOutageAnswers322OnlyForThatCourier() throws IOException {
    sim = SimulatedProvider.start(FaultSchedule.builder(1)
        .carrierOutage("clickpost:5", Duration.ZERO, Duration.ofHours(1)).build());
    String url = sim.url("www.clickpost.in", "/api/v3/create-order/");
    assertThat(post(url, "{\"reference_number\":\"A\",\"courier_partner\":5}")).contains("\"status\":322");
    assertThat(post(url, "{\"reference_number\":\"B\",\"courier_partner\":6}")).contains("\"status\":200");
    assertThat(sim.stats().requestsDuringOutage()).isEqualTo(1);
  }

  private String get(String url) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void aftershipLabelsLookupListsTheLabelsReallyCreatedEvenWhenTheCreateAnswerWasCutOff() throws IOException {
    sim = SimulatedProvider.start(FaultSchedule.builder(1).ambiguousTimeoutRate(1).build());
    String labels = sim.url("api.aftership.com", "/postmen/v3/labels");
    try (Response r = client.newCall(new Request.Builder().url(labels).post(RequestBody.create(
        "{\"order_number\":\"A 1\",\"service_type\":\"fedex_ground\"}", JSON)).build()).execute()) {
      org.junit.jupiter.api.Assertions.fail("the create's answer should have been cut off, got " + r.code());
    } catch (IOException expected) {
      // the label was created, its answer lost
    }
    assertThat(get(labels + "?order_number=A%201")).startsWith("200 ").contains("\"labels\":[{\"id\":")
        .contains("\"status\":\"created\"");
    assertThat(get(labels + "?order_number=B")).startsWith("200 ").contains("\"labels\":[]");
  }

  @Test
  void seventeenTrackAnswersPerItem() throws IOException {
    sim = SimulatedProvider.start(FaultSchedule.builder(1).build());
    String url = sim.url("api.17track.net", "/track/v2.2/register");
    String first = post(url, "[{\"number\":\"RR1\"},{\"number\":\"BAD1\"}]");
    assertThat(first).contains("\"accepted\":[{").contains("-18019903");
    assertThat(post(url, "[{\"number\":\"RR1\"}]")).contains("-18019901");
  }

  @Test
  void aftershipLimitsTheRateWithResetHeaders() throws IOException {
    sim = SimulatedProvider.start(FaultSchedule.builder(1).rateLimits(2, 3).build());
    String url = sim.url("api.aftership.com", "/postmen/v3/labels");
    int limited = 0;
    for (int i = 0; i < 6; i++) {
      if (post(url, "{\"order_number\":\"O" + i + "\",\"service_type\":\"dhl_x\"}").startsWith("429")) {
        limited++;
      }
    }
    assertThat(limited).isPositive();
    assertThat(sim.stats().tooManyRequestsServed()).isEqualTo(limited);
  }

  @Test
  void drawsAreDeterministicPerSeed() {
    FaultSchedule a = FaultSchedule.builder(7).build();
    FaultSchedule b = FaultSchedule.builder(7).build();
    assertThat(a.draw("x")).isEqualTo(b.draw("x")).isBetween(0.0, 1.0);
    assertThat(a.draw("x")).isNotEqualTo(FaultSchedule.builder(8).build().draw("x"));
  }
}
