package dev.shippingresilience.simulator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The embedded simulated provider: one WireMock server on a random free loopback port that answers like
 * Clickpost, AfterShip Shipping, 17TRACK and Abicart, under a {@link FaultSchedule}. Point clients at the real
 * provider host names with {@link #url(String, String)} and resolve every host to loopback (OkHttp:
 * {@code .dns(SimulatedProvider::loopback)}); the host in the URL selects the provider's profile as in production.
 *
 * <pre>{@code
 * try (SimulatedProvider sim = SimulatedProvider.start(FaultSchedule.demo(42, 0.1, Duration.ofSeconds(3)))) {
 *   String url = sim.url("www.clickpost.in", "/api/v3/create-order/?username=demo&key=demo-key");
 * }
 * }</pre>
 */
public final class SimulatedProvider implements AutoCloseable {
  private final WireMockServer server;
  private final SimulatedBehaviour behaviour;

  private SimulatedProvider(WireMockServer server, SimulatedBehaviour behaviour) {
    this.server = server;
    this.behaviour = behaviour;
  }

  /** Starts a simulator on a random free loopback port. */
  public static SimulatedProvider start(FaultSchedule schedule) {
    SimulatedBehaviour behaviour = new SimulatedBehaviour(schedule);
    WireMockServer server = new WireMockServer(options()
        .dynamicPort()
        .bindAddress("127.0.0.1")
        .containerThreads(48)
        .disableRequestJournal()
        .extensions(behaviour));
    server.start();
    server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(SimulatedBehaviour.NAME)));
    behaviour.startClock();
    return new SimulatedProvider(server, behaviour);
  }

  /** Returns the port. */
  public int port() {
    return server.port();
  }

  /** Returns {@code http://HOST:PORT/PATH}: a provider's real host name on the simulator's port. */
  public String url(String host, String pathAndQuery) {
    return "http://" + host + ":" + server.port() + pathAndQuery;
  }

  /** Returns {@link #url} as a URI. */
  public URI uri(String host, String pathAndQuery) {
    return URI.create(url(host, pathAndQuery));
  }

  /** Resolves any host name to the loopback address (an OkHttp {@code Dns}-shaped function). */
  public static List<InetAddress> loopback(String host) {
    return List.of(InetAddress.getLoopbackAddress());
  }

  /** Returns what reached the simulator so far. */
  public SimulatorStats stats() {
    return behaviour.stats();
  }

  /** Returns the requests received per provider. */
  public Map<String, Long> requests() {
    return behaviour.stats().requests();
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.stop();
  }
}
