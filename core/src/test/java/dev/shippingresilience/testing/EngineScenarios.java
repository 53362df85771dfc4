package dev.shippingresilience.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.AsyncAttempt;
import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.CallOptions;
import dev.shippingresilience.CallResult;
import dev.shippingresilience.CancellationToken;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ShippingCallException;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.event.AttemptEvent;
import dev.shippingresilience.event.BreakerEvent;
import dev.shippingresilience.event.DecisionEvent;
import dev.shippingresilience.event.ReconcileEvent;
import dev.shippingresilience.event.ShippingListener;
import dev.shippingresilience.event.WaitEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One table of engine scenarios for both drivers: each row sets up a policy and a scripted transport, runs one call
 * and states what must come of it: the requests sent, the waits and their causes, how the call ended and the
 * attempts it reported (plus, for some rows, every listener event, and checks of the policy's state afterwards).
 * {@code BlockingEngineTest} runs it through {@link ShippingPolicy#execute} with a sleeper on a fake clock,
 * {@code AsyncEngineTest} through {@link ShippingPolicy#executeAsync} with a {@link VirtualTimeScheduler} on the same
 * kind of clock; both compare with the same expectations, so the two paths cannot drift apart.
 *
 * <p>Every row also checks that the driver waited exactly what the rules asked for and that no response leaked.
 */
public final class EngineScenarios {
  /** A Clickpost create-order URL, its secret {@code key=} included. */
  public static final String CLICKPOST_CREATE = "https://www.clickpost.in/api/v3/create-order/?username=u&key=K";
  /** AfterShip's create-label URL. */
  public static final String AFTERSHIP_LABELS = "https://api.aftership.com/postmen/v3/labels";
  /** A host no profile knows: the generic HTTP profile. */
  public static final String GENERIC = "https://carrier.example/api/shipments";

  private EngineScenarios() {}

  /** How a test class carries calls out: {@link #BLOCKING} or {@link #ASYNC}. */
  public interface Engine {
    /** Gives the policy its way of waiting, driven by the world's clock. */
    void configure(ShippingPolicy.Builder builder, World world);

    /** Runs one call to its end; returns its result or throws what it ended with. */
    CallResult<String> call(ShippingPolicy policy, RequestSnapshot request, CallOptions options,
        ScriptedTransport transport, World world) throws Throwable;
  }

  /** {@link ShippingPolicy#execute} on a sleeper that moves the world's clock. */
  public static final Engine BLOCKING = new Engine() {
    @Override
    public void configure(ShippingPolicy.Builder builder, World world) {
      builder.sleeper((duration, token) -> {
        world.slept.add(duration);
        Instant wakeAt = world.clock.instant().plus(duration);
        world.duringWait.accept(duration);
        Duration left = Duration.between(world.clock.instant(), wakeAt);
        if (!left.isNegative() && !left.isZero()) {
          world.clock.advance(left);
        }
      });
    }

    @Override
    public CallResult<String> call(ShippingPolicy policy, RequestSnapshot request, CallOptions options,
        ScriptedTransport transport, World world) throws IOException {
      return policy.execute(request, options, transport);
    }

    @Override
    public String toString() {
      return "blocking";
    }
  };

  /** {@link ShippingPolicy#executeAsync} on a {@link VirtualTimeScheduler} that moves the world's clock. */
  public static final Engine ASYNC = new Engine() {
    @Override
    public void configure(ShippingPolicy.Builder builder, World world) {
      builder.scheduler(world.scheduler);
      world.scheduler.beforeEachWait(duration -> {
        world.slept.add(duration);
        world.duringWait.accept(duration);
      });
    }

    @Override
    public CallResult<String> call(ShippingPolicy policy, RequestSnapshot request, CallOptions options,
        ScriptedTransport transport, World world) throws Throwable {
      CompletableFuture<CallResult<String>> future = policy.executeAsync(request, options, async(transport));
      world.scheduler.runUntilIdle();
      assertThat(future).as("the call ended once virtual time ran out").isDone();
      try {
        return future.join();
      } catch (CompletionException e) {
        throw e.getCause();
      }
    }

    @Override
    public String toString() {
      return "async";
    }
  };

  /** Returns {@code transport} as an {@link AsyncAttempt} whose stages are complete when returned. */
  public static AsyncAttempt<String> async(ScriptedTransport transport) {
    return request -> {
      try {
        return CompletableFuture.completedFuture(transport.send(request));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    };
  }

  /**
   * What one call came to.
   *
   * @param requests each request sent: method, path, attempt and poll numbers
   * @param waits each wait the engine announced: cause and length
   * @param ending the final decision ({@code (duplicate)} when the goal was reached earlier) or the exception's name
   * @param attempts the attempts the result or the {@link ShippingCallException} reported; -1 for other exceptions
   * @param events every listener event, for the rows that compare them; otherwise empty
   * @param leaked responses neither closed nor handed back
   */
  public record Outcome(List<String> requests, List<String> waits, String ending, int attempts, List<String> events,
      int leaked) {}

  /** The state of one run: clock, scheduler, listener record and the policy under test. Not thread-safe. */
  public static final class World {
    /** The fake clock every wait moves. */
    public final FakeClock clock = new FakeClock(Fixtures.NOW);
    /** The scheduler of the asynchronous engine. */
    public final VirtualTimeScheduler scheduler = new VirtualTimeScheduler(clock);
    /** A token the scenario may hand the call and cancel. */
    public final CancellationToken token = CancellationToken.create();
    final Engine engine;
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Duration> waitEvents = new CopyOnWriteArrayList<>();
    final List<Duration> slept = new CopyOnWriteArrayList<>();
    Consumer<Duration> duringWait = d -> { };
    ShippingPolicy policy;
    ScriptedTransport transport;

    World(Engine engine) {
      this.engine = engine;
    }

    /** Returns the policy under test. */
    public ShippingPolicy policy() {
      return policy;
    }

    /** Returns the transport of the call under test. */
    public ScriptedTransport transport() {
      return transport;
    }

    /** Runs another call through the same engine and policy. */
    public CallResult<String> call(RequestSnapshot request, ScriptedTransport transport) throws Throwable {
      return engine.call(policy, request, CallOptions.none(), transport, this);
    }

    /** Runs another call, expecting it to end with an exception; returns that exception's simple name. */
    public String callFailing(RequestSnapshot request, ScriptedTransport transport) {
      try {
        call(request, transport);
        return "no exception";
      } catch (Throwable e) {
        return e.getClass().getSimpleName();
      }
    }

    private final ShippingListener listener = new ShippingListener() {
      @Override
      public void onAttempt(AttemptEvent e) {
        events.add("send " + e.method() + " #" + e.attempt() + (e.poll() > 0 ? " poll " + e.poll() : ""));
      }

      @Override
      public void onDecision(DecisionEvent e) {
        events.add("decision " + e.classification().decision()
            + (e.classification().code() == null ? "" : " " + e.classification().code()));
      }

      @Override
      public void onWait(WaitEvent e) {
        waitEvents.add(e.duration());
        events.add("wait " + waitText(e.cause(), e.duration()));
      }

      @Override
      public void onBreakerStateChange(BreakerEvent e) {
        events.add("breaker " + e.scope() + " " + e.from() + " -> " + e.to());
      }

      @Override
      public void onReconcile(ReconcileEvent e) {
        events.add("reconcile " + e.outcome());
      }
    };
  }

  /** One row: how to set up the policy and transport, and what the call must come to. */
  public static final class Scenario {
    private final String name;
    private String provider = "generic-http";
    private @Nullable ProviderProfile profile;
    private Consumer<ShippingPolicy.Builder> policy = b -> { };
    private RequestSnapshot request = RequestSnapshot.of("GET", GENERIC);
    private Function<World, CallOptions> options = w -> CallOptions.none();
    private Function<World, ScriptedTransport> transport = w -> new ScriptedTransport().then(200, "ok");
    private ThrowingConsumer<World> before = w -> { };
    private Function<World, Consumer<Duration>> duringWait = w -> d -> { };
    private ThrowingConsumer<World> after = w -> { };
    private boolean compareEvents;
    private Outcome expected;

    private Scenario(String name) {
      this.name = name;
    }

    /** Returns what the call must come to. */
    public Outcome expected() {
      return expected;
    }

    @Override
    public String toString() {
      return name;
    }

    Scenario provider(String id) {
      this.provider = id;
      return this;
    }

    /** Uses a profile that is not built in. */
    Scenario profile(ProviderProfile p) {
      this.profile = p;
      return this;
    }

    Scenario policy(Consumer<ShippingPolicy.Builder> custom) {
      this.policy = custom;
      return this;
    }

    Scenario request(RequestSnapshot r) {
      this.request = r;
      return this;
    }

    Scenario options(Function<World, CallOptions> o) {
      this.options = o;
      return this;
    }

    Scenario transport(Function<World, ScriptedTransport> t) {
      this.transport = t;
      return this;
    }

    Scenario transport(ScriptedTransport t) {
      return transport(w -> t);
    }

    /** Runs before the call, on the same policy and engine; what it does is not part of the outcome. */
    Scenario before(ThrowingConsumer<World> b) {
      this.before = b;
      return this;
    }

    /** Runs at the first wait of the call, before the clock moves: something that happens while the call waits. */
    Scenario atFirstWait(ThrowingConsumer<World> meanwhile) {
      this.duringWait = w -> {
        AtomicBoolean ran = new AtomicBoolean();
        return d -> {
          if (ran.compareAndSet(false, true)) {
            try {
              meanwhile.accept(w);
            } catch (Throwable e) {
              throw new AssertionError(e);
            }
          }
        };
      };
      return this;
    }

    /** Checks the policy's state after the call. */
    Scenario after(ThrowingConsumer<World> a) {
      this.after = a;
      return this;
    }

    Scenario expect(List<String> requests, List<String> waits, String ending, int attempts) {
      this.expected = new Outcome(requests, waits, ending, attempts, List.of(), 0);
      return this;
    }

    Scenario expectEvents(List<String> requests, List<String> waits, String ending, int attempts,
        List<String> events) {
      this.compareEvents = true;
      this.expected = new Outcome(requests, waits, ending, attempts, events, 0);
      return this;
    }
  }

  /** A consumer that may throw. */
  @FunctionalInterface
  public interface ThrowingConsumer<T> {
    /** Accepts {@code value}. */
    void accept(T value) throws Throwable;
  }

  /**
   * Runs {@code scenario} through {@code engine}; checks that the driver waited what the rules announced, then runs
   * the scenario's own checks.
   */
  public static Outcome run(Scenario scenario, Engine engine) throws Throwable {
    World world = new World(engine);
    ShippingPolicy.Builder b = ShippingPolicy.builder(scenario.profile != null ? scenario.profile
            : ProviderProfiles.builtIn().require(scenario.provider))
        .clock(world.clock).meterRegistry(new SimpleMeterRegistry()).random(new FixedRandom())
        .listener(world.listener);
    engine.configure(b, world);
    scenario.policy.accept(b);
    world.policy = b.build();
    scenario.before.accept(world);
    world.events.clear();
    world.waitEvents.clear();
    world.slept.clear();
    world.duringWait = scenario.duringWait.apply(world);
    ScriptedTransport transport = scenario.transport.apply(world);
    world.transport = transport;
    String ending;
    int attempts;
    try {
      CallResult<String> result = engine.call(world.policy, scenario.request, scenario.options.apply(world),
          transport, world);
      ending = result.classification().decision() + (result.duplicate() ? " (duplicate)" : "");
      attempts = result.attempts();
    } catch (Throwable e) {
      ending = e.getClass().getSimpleName();
      attempts = e instanceof ShippingCallException s ? s.attempts() : -1;
    }
    world.duringWait = d -> { };
    assertThat(world.slept).as("the driver waited what the rules announced").isEqualTo(world.waitEvents);
    List<String> waits = new ArrayList<>();
    for (String event : world.events) {
      if (event.startsWith("wait ")) {
        waits.add(event.substring("wait ".length()));
      }
    }
    Outcome outcome = new Outcome(requests(transport), waits, ending, attempts,
        scenario.compareEvents ? List.copyOf(world.events) : List.of(), transport.leaked());
    scenario.after.accept(world);
    return outcome;
  }

  private static List<String> requests(ScriptedTransport transport) {
    List<String> sent = new ArrayList<>();
    for (AttemptRequest r : transport.requests()) {
      sent.add(r.method() + " " + r.uri().getRawPath() + " #" + r.attempt() + (r.poll() > 0 ? " poll " + r.poll()
          : ""));
    }
    return sent;
  }

  private static String waitText(String cause, Duration d) {
    return cause + " " + d.toMillis() + "ms";
  }

  // ---- the table ----------------------------------------------------------------------------------------------

  private static final String CREATE_PATH = "/api/v3/create-order/";
  private static final String LABELS_PATH = "/postmen/v3/labels";
  private static final String GENERIC_PATH = "/api/shipments";

  private static Scenario scenario(String name) {
    return new Scenario(name);
  }

  private static List<String> times(int n, String value) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      values.add(value);
    }
    return values;
  }

  /** A Clickpost answer with {@code meta.status}. */
  public static String meta(int status) {
    return "{\"meta\":{\"status\":" + status + ",\"message\":\"m\"},\"result\":{\"waybill\":\"W1\"}}";
  }

  /** A POST of {@code body} to {@code url}. */
  public static RequestSnapshot post(String url, String body) {
    return RequestSnapshot.of("POST", URI.create(url), HeaderValues.empty(), body.getBytes(StandardCharsets.UTF_8));
  }

  private static String fixture(String provider, String name) {
    return new String(Fixtures.body(provider, name), StandardCharsets.UTF_8);
  }

  private static final String CREATED = "{\"meta\":{\"code\":200},\"data\":{\"status\":\"created\"}}";

  /**
   * Another caller's GET to the generic host gets a 503 (a second failure opens a breaker of 2 calls); it is not
   * retried once the breaker is open, so it never waits.
   */
  private static void anotherCallerFails(World w) throws IOException {
    try {
      w.policy().execute(RequestSnapshot.of("GET", GENERIC), CallOptions.none(), new ScriptedTransport().then(503, ""));
    } catch (ShippingCallException thrownOnFailure) {
      // the policy throws on failure: the other caller's call failed, as intended
    }
  }

  /** The made-up profile with every feature of issue 17 ({@code src/test/resources/profiles/feature-carrier.json}). */
  public static ProviderProfile featureCarrier() {
    try (java.io.InputStream in = EngineScenarios.class.getResourceAsStream("/profiles/feature-carrier.json")) {
      return ProviderProfiles.parse("feature-carrier.json", in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The feature carrier's create-shipment URL (its business key is external_reference_id). */
  public static final String FEATURE_SHIPMENTS = "https://api.feature-carrier.example/v1/shipments";
  private static final String FEATURE_HOST = "https://api.feature-carrier.example";
  private static final String SHIPPED = "{\"shipment_id\":\"s1\"}";
  private static final String QUOTA = "{\"transactionId\":\"t\",\"errors\":[{\"code\":\"QUOTA\","
      + "\"message\":\"Daily transaction quota exceeded. Retry after 12:00AM GMT\"}]}";

  /** The scenarios of issue 17's profile features: expired credentials, resets in words, business and key headers. */
  private static Stream<Scenario> featureScenarios() {
    ProviderProfile feature = featureCarrier();
    String shipments = "/v1/shipments";
    return Stream.of(
        scenario("an expired token is refreshed once and the POST sent again with the fresh header")
            .profile(feature).request(post(FEATURE_SHIPMENTS, "{}"))
            .policy(b -> b.credentialsRefresher((failed, answer) -> Map.of("Authorization", "Bearer NEW")))
            .transport(new ScriptedTransport().then(401, "{\"message\":\"expired\"}").then(200, SHIPPED))
            .after(w -> assertThat(w.transport().requests()).extracting(r -> r.extraHeader("Authorization"))
                .containsExactly(null, "Bearer NEW"))
            .expect(List.of("POST " + shipments + " #1", "POST " + shipments + " #2"), List.of(), "SUCCEED", 2),

        scenario("a second expiry in one call ends it with the FAIL")
            .profile(feature).request(post(FEATURE_SHIPMENTS, "{}"))
            .policy(b -> b.credentialsRefresher((failed, answer) -> Map.of("Authorization", "Bearer STILL-BAD")))
            .transport(new ScriptedTransport().then(401, "{}"))
            .expect(List.of("POST " + shipments + " #1", "POST " + shipments + " #2"), List.of(), "FAIL", 2),

        scenario("without a refresher an expired token ends the call with its FAIL")
            .profile(feature).request(post(FEATURE_SHIPMENTS, "{}"))
            .transport(new ScriptedTransport().then(401, "{}").then(200, SHIPPED))
            .expect(List.of("POST " + shipments + " #1"), List.of(), "FAIL", 1),

        scenario("a refresher that fails ends the call with its exception")
            .profile(feature).request(post(FEATURE_SHIPMENTS, "{}"))
            .policy(b -> b.credentialsRefresher((failed, answer) -> {
              throw new java.io.IOException("token service down");
            }))
            .transport(new ScriptedTransport().then(401, "{}").then(200, SHIPPED))
            .expect(List.of("POST " + shipments + " #1"), List.of(), "IOException", -1),

        scenario("a daily quota answer pauses the provider until midnight GMT, at most maxRetryAfter")
            .profile(feature).request(post(FEATURE_SHIPMENTS, "{}"))
            .transport(new ScriptedTransport().then(429, QUOTA).then(200, SHIPPED))
            .after(w -> assertThat(w.policy().sharedLimits().pausedUntil(w.policy().account()))
                .isEqualTo(Fixtures.NOW.plus(ShippingPolicy.DEFAULT_MAX_RETRY_AFTER)))
            .expect(List.of("POST " + shipments + " #1"), List.of(), "RETRY", 1),

        scenario("a quota reset within maxRetryAfter is waited for, then the POST is sent again (not processed)")
            .profile(feature).request(post(FEATURE_SHIPMENTS, "{}"))
            .policy(b -> b.maxRetryAfter(Duration.ofDays(1)).deadline(Duration.ofDays(1)).pauseJitter(Duration.ZERO))
            .transport(new ScriptedTransport().then(429, QUOTA).then(200, SHIPPED))
            .expect(List.of("POST " + shipments + " #1", "POST " + shipments + " #2"),
                List.of("retry_after " + Duration.ofHours(14).toMillis() + "ms"), "SUCCEED", 2),

        scenario("the next call waits out the quota pause")
            .profile(feature).policy(b -> b.pauseJitter(Duration.ZERO)).request(post(FEATURE_SHIPMENTS, "{}"))
            .before(w -> w.call(post(FEATURE_SHIPMENTS, "{}"), new ScriptedTransport().then(429, QUOTA)))
            .transport(new ScriptedTransport().then(200, SHIPPED))
            .expect(List.of("POST " + shipments + " #1"), List.of("pause 120000ms"), "SUCCEED", 1),

        scenario("an operation's own quota pauses that operation only")
            .profile(feature).request(post(FEATURE_SHIPMENTS, "{}"))
            .before(w -> w.call(RequestSnapshot.of("GET", FEATURE_HOST + "/v1/tracking/T1"),
                new ScriptedTransport().then(200, "{\"error\":{\"code\":\"QUOTA_DAY\"}}")))
            .transport(new ScriptedTransport().then(200, SHIPPED))
            .after(w -> {
              assertThat(w.policy().sharedLimits().pausedUntil(w.policy().account() + "/operation:track"))
                  .isEqualTo(Fixtures.NOW.plus(ShippingPolicy.DEFAULT_MAX_RETRY_AFTER));
              assertThat(w.policy().sharedLimits().pausedUntil(w.policy().account())).isNull();
            })
            .expect(List.of("POST " + shipments + " #1"), List.of(), "SUCCEED", 1),

        scenario("a POST carrying its business key is sent again after a timeout")
            .profile(feature).request(post(FEATURE_SHIPMENTS, "{\"external_reference_id\":\"R-1\"}"))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, SHIPPED))
            .expect(List.of("POST " + shipments + " #1", "POST " + shipments + " #2"), List.of("backoff 250ms"),
                "SUCCEED", 2),

        scenario("a POST without its business key is not sent again after a timeout")
            .profile(feature).request(post(FEATURE_SHIPMENTS, "{\"external_reference_id\":\"  \"}"))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, SHIPPED))
            .expect(List.of("POST " + shipments + " #1"), List.of(), "SocketTimeoutException", -1),

        scenario("an operation's idempotency key is made once and sent on every attempt")
            .profile(feature).request(post(FEATURE_HOST + "/v1/automations", "{}"))
            .transport(new ScriptedTransport().then(503, "").then(200, SHIPPED))
            .after(w -> {
              List<String> keys = w.transport().requests().stream().map(r -> r.extraHeader("Idempotency-Key"))
                  .toList();
              assertThat(keys).hasSize(2).doesNotContainNull().containsOnly(keys.get(0));
            })
            .expect(List.of("POST /v1/automations #1", "POST /v1/automations #2"), List.of("backoff 250ms"),
                "SUCCEED", 2),

        scenario("a required key the engine may not make refuses the call before anything is sent")
            .profile(feature).request(post(FEATURE_HOST + "/v1/purchases", "{}"))
            .expect(List.of(), List.of(), "ShippingCallException", 0),

        scenario("a caller's own key satisfies a required key")
            .profile(feature).request(RequestSnapshot.of("POST", URI.create(FEATURE_HOST + "/v1/purchases"),
                HeaderValues.of("Idempotency-Key", "K-1"), "{}".getBytes(StandardCharsets.UTF_8)))
            .transport(new ScriptedTransport().then(200, SHIPPED))
            .after(w -> assertThat(w.transport().requests().get(0).extraHeader("Idempotency-Key")).isEqualTo("K-1"))
            .expect(List.of("POST /v1/purchases #1"), List.of(), "SUCCEED", 1));
  }

  /** Returns every scenario, freshly built. */
  public static Stream<Scenario> all() {
    return Stream.concat(Stream.concat(baseScenarios(), featureScenarios()), reconcileScenarios());
  }

  private static final String LOOKUP_FOUND =
      "{\"meta\":{\"code\":200},\"data\":{\"labels\":[{\"id\":\"L1\",\"status\":\"created\"}]}}";
  private static final String LOOKUP_ABSENT = "{\"meta\":{\"code\":200},\"data\":{\"labels\":[]}}";
  private static final String ORDER = "{\"order_number\":\"O 1/&2\",\"service_type\":\"fedex_ground\"}";

  /** The lookup the call sent: its path and query, as sent. */
  private static String lookupSent(World w) {
    return w.transport().requests().stream().filter(r -> !r.original()).map(r -> r.uri().getRawPath() + "?"
        + r.uri().getRawQuery()).findFirst().orElse("none");
  }

  /**
   * Issue 18 item 1: a create whose answer was lost is reconciled with the operation's lookup before anything is
   * sent again: found succeeds with the lookup's answer, absent sends the create again (a retry), anything else hands
   * the original error back. AfterShip (built in) and the feature carrier (a user's profile) alike.
   */
  private static Stream<Scenario> reconcileScenarios() {
    ProviderProfile feature = featureCarrier();
    String pickups = FEATURE_HOST + "/v1/pickups?site=S%201";
    return Stream.of(
        scenario("a lost label create that the lookup finds succeeds with the lookup's answer")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, ORDER))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, LOOKUP_FOUND))
            .after(w -> {
              assertThat(lookupSent(w)).isEqualTo(LABELS_PATH + "?order_number=O%201%2F%262");
              assertThat(w.transport().requests().get(1).method()).isEqualTo("GET");
            })
            .expectEvents(List.of("POST " + LABELS_PATH + " #1", "GET " + LABELS_PATH + " #1"), List.of(),
                "SUCCEED (duplicate)", 2, List.of("send POST #1", "send GET #1", "decision SUCCEED 200",
                    "reconcile found")),

        scenario("a lost label create that the lookup proves absent is sent again once")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, ORDER))
            .transport(new ScriptedTransport().thenFail(new SocketException("Connection reset"))
                .then(200, LOOKUP_ABSENT).then(200, CREATED))
            .expectEvents(List.of("POST " + LABELS_PATH + " #1", "GET " + LABELS_PATH + " #1",
                "POST " + LABELS_PATH + " #2"), List.of("backoff 500ms"), "SUCCEED", 3, List.of(
                "send POST #1", "send GET #1", "decision SUCCEED 200", "reconcile absent", "wait backoff 500ms",
                "send POST #2", "decision SUCCEED 200")),

        scenario("a lookup answered 503 proves nothing: the original error, no re-post")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, ORDER))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(503, "<html>busy</html>").then(200, CREATED))
            .expectEvents(List.of("POST " + LABELS_PATH + " #1", "GET " + LABELS_PATH + " #1"), List.of(),
                "SocketTimeoutException", -1, List.of("send POST #1", "send GET #1", "decision BREAK",
                    "reconcile unknown")),

        scenario("a lookup whose connection resets proves nothing: the original error, no re-post")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, ORDER))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .thenFail(new SocketException("Connection reset")).then(200, CREATED))
            .expectEvents(List.of("POST " + LABELS_PATH + " #1", "GET " + LABELS_PATH + " #1"), List.of(),
                "SocketTimeoutException", -1, List.of("send POST #1", "send GET #1", "reconcile unknown")),

        scenario("a lookup that finds a label still creating proves nothing: the original error")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, ORDER))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, LOOKUP_FOUND.replace("created", "creating")).then(200, CREATED))
            .expect(List.of("POST " + LABELS_PATH + " #1", "GET " + LABELS_PATH + " #1"), List.of(),
                "SocketTimeoutException", -1),

        scenario("a create without the lookup's variable is not reconciled nor sent again")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, "{\"service_type\":\"fedex_ground\"}"))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, LOOKUP_FOUND))
            .expectEvents(List.of("POST " + LABELS_PATH + " #1"), List.of(), "SocketTimeoutException", -1,
                List.of("send POST #1", "reconcile not_possible")),

        scenario("absence proven with no attempt left hands the original error back")
            .provider("aftership-shipping").policy(b -> b.maxAttempts(1)).request(post(AFTERSHIP_LABELS, ORDER))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, LOOKUP_ABSENT).then(200, CREATED))
            .expect(List.of("POST " + LABELS_PATH + " #1", "GET " + LABELS_PATH + " #1"), List.of(),
                "SocketTimeoutException", -1),

        scenario("a user profile's lookup finds the lost create, read from body and query")
            .profile(feature).request(post(pickups, "{\"reference\":\"P-1\"}"))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, "{\"pickups\":[{\"id\":\"pk1\"}]}"))
            .after(w -> assertThat(lookupSent(w)).isEqualTo("/v1/pickups?reference=P-1&site=S%201"))
            .expect(List.of("POST /v1/pickups #1", "GET /v1/pickups #1"), List.of(), "SUCCEED (duplicate)", 2),

        scenario("a user profile's lookup proves absence: the create is sent again")
            .profile(feature).request(post(pickups, "{\"reference\":\"P-1\"}"))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, "{\"pickups\":[]}").then(200, SHIPPED))
            .expect(List.of("POST /v1/pickups #1", "GET /v1/pickups #1", "POST /v1/pickups #2"),
                List.of("backoff 250ms"), "SUCCEED", 3));
  }

  private static Stream<Scenario> baseScenarios() {
    return Stream.of(
        scenario("a success on the first attempt is returned at once")
            .provider("clickpost").request(post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"))
            .transport(new ScriptedTransport().then(200, meta(200)))
            .expect(List.of("POST " + CREATE_PATH + " #1"), List.of(), "SUCCEED", 1),

        scenario("a RETRY is sent again after backoff, then succeeds")
            .transport(new ScriptedTransport().then(408, "").then(200, "ok"))
            .expect(List.of("GET " + GENERIC_PATH + " #1", "GET " + GENERIC_PATH + " #2"),
                List.of("backoff 250ms"), "SUCCEED", 2),

        scenario("exhausted retries hand back the last answer")
            .transport(new ScriptedTransport().then(503, "<html>down</html>"))
            .expect(List.of("GET " + GENERIC_PATH + " #1", "GET " + GENERIC_PATH + " #2",
                "GET " + GENERIC_PATH + " #3"), List.of("backoff 250ms", "backoff 500ms"), "BREAK", 3),

        scenario("exhausted retries throw when the policy throws on failure")
            .policy(b -> b.maxAttempts(2).throwOnFailure(true))
            .transport(new ScriptedTransport().then(503, ""))
            .expect(List.of("GET " + GENERIC_PATH + " #1", "GET " + GENERIC_PATH + " #2"),
                List.of("backoff 250ms"), "ShippingCallException", 2),

        scenario("a FAIL is handed back on the first attempt")
            .provider("clickpost").request(post(CLICKPOST_CREATE, "{}"))
            .transport(new ScriptedTransport().then(200, meta(328)))
            .expect(List.of("POST " + CREATE_PATH + " #1"), List.of(), "FAIL", 1),

        scenario("POLL three times, then already placed")
            .provider("clickpost").request(post(CLICKPOST_CREATE, "{\"reference_number\":\"R1\"}"))
            .transport(new ScriptedTransport().then(200, meta(202)).then(200, meta(102)).then(200, meta(102))
                .then(200, meta(323)))
            .expect(List.of("POST " + CREATE_PATH + " #1", "POST " + CREATE_PATH + " #1 poll 1",
                "POST " + CREATE_PATH + " #1 poll 2", "POST " + CREATE_PATH + " #1 poll 3"),
                times(3, "poll 10000ms"), "SUCCEED (duplicate)", 4),

        scenario("polling stops at maxPolls")
            .provider("clickpost").policy(b -> b.maxPolls(3)).request(post(CLICKPOST_CREATE, "{}"))
            .transport(new ScriptedTransport().then(200, meta(102)))
            .expect(List.of("POST " + CREATE_PATH + " #1", "POST " + CREATE_PATH + " #1 poll 1",
                "POST " + CREATE_PATH + " #1 poll 2", "POST " + CREATE_PATH + " #1 poll 3"),
                times(3, "poll 10000ms"), "PollTimeoutException", 4),

        scenario("polling stops before passing maxPollDuration")
            .provider("clickpost").policy(b -> b.maxPollDuration(Duration.ofSeconds(25)).maxPolls(100))
            .request(post(CLICKPOST_CREATE, "{}"))
            .transport(new ScriptedTransport().then(200, meta(102)))
            .expect(List.of("POST " + CREATE_PATH + " #1", "POST " + CREATE_PATH + " #1 poll 1",
                "POST " + CREATE_PATH + " #1 poll 2"), times(2, "poll 10000ms"), "PollTimeoutException", 3),

        scenario("a Retry-After longer than the poll interval is honoured")
            .provider("clickpost").request(post(CLICKPOST_CREATE, "{}"))
            .transport(new ScriptedTransport().then(200, meta(102), "Retry-After", "45").then(200, meta(200)))
            .expect(List.of("POST " + CREATE_PATH + " #1", "POST " + CREATE_PATH + " #1 poll 1"),
                List.of("poll 45000ms"), "SUCCEED", 2),

        scenario("AfterShip's pending label is polled with GET /labels/{id}")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, "{\"service_type\":\"dhl_express\"}"))
            .transport(new ScriptedTransport().then(200, fixture("aftership-shipping", "label-creating.json"))
                .then(200, "{\"meta\":{\"code\":200},\"data\":{\"id\":\"a1\",\"status\":\"creating\"}}")
                .then(200, fixture("aftership-shipping", "label-created.json")))
            .expect(List.of("POST " + LABELS_PATH + " #1",
                "GET " + LABELS_PATH + "/a1b2c3d4-0000-4000-8000-000000000001 #1 poll 1",
                "GET " + LABELS_PATH + "/a1b2c3d4-0000-4000-8000-000000000001 #1 poll 2"),
                times(2, "poll 2000ms"), "SUCCEED", 3),

        scenario("a request whose body can be sent once is not polled: the pending answer is handed back")
            .provider("clickpost").request(post(CLICKPOST_CREATE, "{}"))
            .options(w -> CallOptions.builder().bodyRepeatable(false).build())
            .transport(new ScriptedTransport().then(200, meta(102)))
            .expect(List.of("POST " + CREATE_PATH + " #1"), List.of(), "POLL", 1),

        scenario("a 429 with a reset waits exactly until the reset")
            .provider("aftership-shipping").policy(b -> b.noRateLimit().pauseJitter(Duration.ZERO))
            .request(post(AFTERSHIP_LABELS, "{}"))
            .transport(new ScriptedTransport()
                .then(429, fixture("aftership-shipping", "rate-limited.json"), "X-RateLimit-Reset",
                    Long.toString(Fixtures.NOW.plusSeconds(3).toEpochMilli()), "X-RateLimit-Remaining", "0")
                .then(200, fixture("aftership-shipping", "label-created.json")))
            .expect(List.of("POST " + LABELS_PATH + " #1", "POST " + LABELS_PATH + " #2"),
                List.of("retry_after 3000ms"), "SUCCEED", 2),

        scenario("a 429 pauses the next call to the provider until the reset, plus its share of the spread")
            .policy(b -> b.maxAttempts(1))
            .before(w -> w.call(RequestSnapshot.of("GET", GENERIC),
                new ScriptedTransport().then(429, "", "Retry-After", "7")))
            .expect(List.of("GET " + GENERIC_PATH + " #1"), List.of("pause 7500ms"), "SUCCEED", 1),

        scenario("a pause longer than the time left ends the call before anything is sent")
            .policy(b -> b.deadline(Duration.ofSeconds(10)))
            .before(w -> w.call(RequestSnapshot.of("GET", GENERIC),
                new ScriptedTransport().then(429, "", "Retry-After", "30")))
            .expect(List.of(), List.of(), "DeadlineExceededException", 0),

        scenario("a Retry-After beyond the deadline is not waited: the answer is handed back")
            .policy(b -> b.deadline(Duration.ofSeconds(10)))
            .transport(new ScriptedTransport().then(429, "", "Retry-After", "30").then(200, "ok"))
            .expect(List.of("GET " + GENERIC_PATH + " #1"), List.of(), "RETRY", 1),

        scenario("the deadline passing during a wait ends the call before the next attempt")
            .policy(b -> b.deadline(Duration.ofSeconds(5)))
            .transport(new ScriptedTransport().then(503, "").then(200, "ok"))
            .atFirstWait(w -> w.clock.advance(Duration.ofSeconds(10)))
            .expect(List.of("GET " + GENERIC_PATH + " #1"), List.of("backoff 250ms"),
                "DeadlineExceededException", 1),

        scenario("the deadline passing in flight ends the call with the deadline")
            .policy(b -> b.deadline(Duration.ofSeconds(1)))
            .transport(w -> new ScriptedTransport().then(503, "").then(r -> {
              // the transport honours the time left: it gives up exactly when the deadline passes
              w.clock.advance(r.timeLeft());
              throw new SocketTimeoutException("timeout");
            }))
            .expect(List.of("GET " + GENERIC_PATH + " #1", "GET " + GENERIC_PATH + " #2"),
                List.of("backoff 250ms"), "DeadlineExceededException", 2),

        scenario("a carrier outage opens that carrier's breaker")
            .provider("clickpost").policy(b -> b.breaker(50, 4, 4, Duration.ofSeconds(60), 2))
            .request(post(CLICKPOST_CREATE, "{\"courier_partner\":5}"))
            .transport(new ScriptedTransport().then(200, meta(322)))
            .after(w -> assertThat(w.policy().breakerStates()).containsEntry("clickpost/carrier:5", "OPEN")
                .containsEntry("clickpost", "CLOSED"))
            .expectEvents(List.of("POST " + CREATE_PATH + " #1", "POST " + CREATE_PATH + " #2",
                "POST " + CREATE_PATH + " #3", "POST " + CREATE_PATH + " #4"),
                List.of("backoff 500ms", "backoff 1000ms", "backoff 2000ms"), "BREAK", 4, List.of(
                "send POST #1", "decision BREAK 322", "wait backoff 500ms",
                "send POST #2", "decision BREAK 322", "wait backoff 1000ms",
                "send POST #3", "decision BREAK 322", "wait backoff 2000ms",
                "send POST #4", "breaker clickpost/carrier:5 CLOSED -> OPEN", "decision BREAK 322")),

        scenario("an open breaker fails the call fast, with no traffic")
            .provider("clickpost").policy(b -> b.breaker(50, 4, 4, Duration.ofSeconds(60), 2))
            .request(post(CLICKPOST_CREATE, "{\"courier_partner\":5}"))
            .before(w -> w.call(post(CLICKPOST_CREATE, "{\"courier_partner\":5}"),
                new ScriptedTransport().then(200, meta(322))))
            .transport(new ScriptedTransport().then(200, meta(200)))
            .expect(List.of(), List.of(), "BreakerOpenException", 0),

        scenario("with a breaker wait, a call refused by an open breaker waits for the next trial and becomes it")
            .policy(b -> b.maxAttempts(1).breaker(50, 2, 2, Duration.ofMillis(1200), 1)
                .breakerWait(Duration.ofSeconds(5)))
            .before(w -> {
              w.call(RequestSnapshot.of("GET", GENERIC), new ScriptedTransport().then(503, ""));
              w.call(RequestSnapshot.of("GET", GENERIC), new ScriptedTransport().then(503, ""));
              assertThat(w.policy().breakerStates()).containsEntry("generic-http/host:carrier.example", "OPEN");
            })
            .after(w -> assertThat(w.policy().breakerStates())
                .containsEntry("generic-http/host:carrier.example", "CLOSED"))
            .expectEvents(List.of("GET " + GENERIC_PATH + " #1"), times(3, "breaker 500ms"), "SUCCEED", 1, List.of(
                "wait breaker 500ms", "wait breaker 500ms", "wait breaker 500ms",
                "breaker generic-http/host:carrier.example OPEN -> HALF_OPEN", "send GET #1",
                "breaker generic-http/host:carrier.example HALF_OPEN -> CLOSED", "decision SUCCEED")),

        scenario("a half-open breaker's trial permit goes back when the transport throws an Error")
            .policy(b -> b.maxAttempts(1).breaker(50, 2, 2, Duration.ofSeconds(1), 1))
            .before(w -> {
              w.call(RequestSnapshot.of("GET", GENERIC), new ScriptedTransport().then(503, ""));
              w.call(RequestSnapshot.of("GET", GENERIC), new ScriptedTransport().then(503, ""));
              assertThat(w.policy().breakerStates()).containsEntry("generic-http/host:carrier.example", "OPEN");
              w.clock.advance(Duration.ofSeconds(2));
            })
            .transport(new ScriptedTransport().then(r -> {
              throw new StackOverflowError("from the transport");
            }))
            .after(w -> {
              // the trial permit went back: the next trial is let through and closes the breaker
              assertThat(w.call(RequestSnapshot.of("GET", GENERIC), new ScriptedTransport().then(200, "ok"))
                  .succeeded()).isTrue();
              assertThat(w.policy().breakerStates()).containsEntry("generic-http/host:carrier.example", "CLOSED");
            })
            .expect(List.of("GET " + GENERIC_PATH + " #1"), List.of(), "StackOverflowError", -1),

        scenario("a breaker that opens during backoff hands back the last answer")
            .policy(b -> b.breaker(50, 2, 2, Duration.ofSeconds(60), 1))
            .transport(new ScriptedTransport().then(503, "busy").then(200, "ok"))
            .atFirstWait(EngineScenarios::anotherCallerFails)
            .after(w -> assertThat(w.policy().breakerStates())
                .containsEntry("generic-http/host:carrier.example", "OPEN"))
            .expect(List.of("GET " + GENERIC_PATH + " #1"), List.of("backoff 250ms"), "BREAK", 1),

        scenario("a breaker that opens during backoff throws when the policy throws on failure")
            .policy(b -> b.throwOnFailure(true).breaker(50, 2, 2, Duration.ofSeconds(60), 1))
            .transport(new ScriptedTransport().then(503, "busy").then(200, "ok"))
            .atFirstWait(EngineScenarios::anotherCallerFails)
            .expect(List.of("GET " + GENERIC_PATH + " #1"), List.of("backoff 250ms"), "BreakerOpenException", 1),

        scenario("a POST without a key is not repeated after an ambiguous failure")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, "{}"))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, CREATED))
            .expect(List.of("POST " + LABELS_PATH + " #1"), List.of(), "SocketTimeoutException", -1),

        scenario("a POST without a key is not repeated after a carrier outage")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, "{}"))
            .transport(new ScriptedTransport().then(200, fixture("aftership-shipping", "courier-unavailable.json")))
            .expect(List.of("POST " + LABELS_PATH + " #1"), List.of(), "RETRY", 1),

        scenario("a POST that never reached the server is sent again")
            .provider("aftership-shipping").request(post(AFTERSHIP_LABELS, "{}"))
            .transport(new ScriptedTransport().thenFail(new ConnectException("refused")).then(200, CREATED))
            .expect(List.of("POST " + LABELS_PATH + " #1", "POST " + LABELS_PATH + " #2"),
                List.of("backoff 500ms"), "SUCCEED", 2),

        scenario("a POST with an idempotency key is repeated with the same key")
            .provider("aftership-shipping").policy(b -> b.idempotencyKey("Idempotency-Key", true))
            .request(post(AFTERSHIP_LABELS, "{}"))
            .transport(new ScriptedTransport().thenFail(new SocketTimeoutException("read timed out"))
                .then(200, "{\"meta\":{\"code\":4101}}").then(200, CREATED))
            .after(w -> {
              List<String> keys = w.transport().requests().stream().map(r -> r.extraHeader("Idempotency-Key"))
                  .toList();
              assertThat(keys).hasSize(3).doesNotContainNull().containsOnly(keys.get(0));
            })
            .expect(List.of("POST " + LABELS_PATH + " #1", "POST " + LABELS_PATH + " #2",
                "POST " + LABELS_PATH + " #3"), List.of("backoff 500ms", "backoff 1000ms"), "SUCCEED", 3),

        scenario("a call waits for its rate-limit permit")
            .provider("aftership-shipping").policy(b -> b.rateLimit(1, Duration.ofSeconds(1)))
            .request(post(AFTERSHIP_LABELS, "{}"))
            .before(w -> w.call(post(AFTERSHIP_LABELS, "{}"), new ScriptedTransport().then(200, CREATED)))
            .transport(new ScriptedTransport().then(200, CREATED))
            .expect(List.of("POST " + LABELS_PATH + " #1"), List.of("rate_limit 1000ms"), "SUCCEED", 1),

        scenario("a pause that begins while the call waits for its permit holds the send back")
            .provider("aftership-shipping").policy(b -> b.rateLimit(1, Duration.ofSeconds(1))
                .pauseJitter(Duration.ZERO))
            .request(post(AFTERSHIP_LABELS, "{}"))
            .before(w -> w.call(post(AFTERSHIP_LABELS, "{}"), new ScriptedTransport().then(200, CREATED)))
            .atFirstWait(w -> w.policy().sharedLimits().pause(w.policy().account(),
                w.clock.instant().plusSeconds(3)))
            .transport(new ScriptedTransport().then(200, CREATED))
            .expect(List.of("POST " + LABELS_PATH + " #1"), List.of("rate_limit 1000ms", "pause 2000ms"),
                "SUCCEED", 1),

        scenario("an empty retry budget stops retries")
            .policy(b -> b.retryBudget(2, 0.1))
            .transport(new ScriptedTransport().then(503, "").then(200, "ok"))
            .after(w -> assertThat(w.policy().retryBudgetTokens()).isEqualTo(1.0))
            .expect(List.of("GET " + GENERIC_PATH + " #1"), List.of(), "BREAK", 1),

        scenario("a reset connection is retried, then succeeds")
            .transport(new ScriptedTransport().thenFail(new SocketException("Connection reset")).then(200, "ok"))
            .expect(List.of("GET " + GENERIC_PATH + " #1", "GET " + GENERIC_PATH + " #2"),
                List.of("backoff 250ms"), "SUCCEED", 2),

        scenario("listener events come in order")
            .provider("clickpost").request(post(CLICKPOST_CREATE, "{}"))
            .transport(new ScriptedTransport().then(200, meta(102)).then(200, meta(323)))
            .expectEvents(List.of("POST " + CREATE_PATH + " #1", "POST " + CREATE_PATH + " #1 poll 1"),
                List.of("poll 10000ms"), "SUCCEED (duplicate)", 2, List.of(
                    "send POST #1", "decision POLL 102", "wait poll 10000ms",
                    "send POST #1 poll 1", "decision SUCCEED 323")),

        scenario("a cancelled token ends the call before anything is sent")
            .options(w -> CallOptions.builder().cancellation(w.token).build())
            .before(w -> w.token.cancel())
            .expect(List.of(), List.of(), "CallCancelledException", 0),

        scenario("a token cancelled during a wait ends the call when the wait ends")
            .provider("clickpost").request(post(CLICKPOST_CREATE, "{}"))
            .options(w -> CallOptions.builder().cancellation(w.token).build())
            .atFirstWait(w -> w.token.cancel())
            .transport(new ScriptedTransport().then(200, meta(102)).then(200, meta(323)))
            .expect(List.of("POST " + CREATE_PATH + " #1"), List.of("poll 10000ms"), "CallCancelledException", 1));
  }
}
