package dev.shippingresilience.benchmarks;

import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.ShippingPolicy;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/** The four client strategies the scorecard compares, with their settings scaled for the simulation. */
final class Strategies {
  static final String NONE = "no-retries";
  static final String NAIVE = "naive-retries";
  static final String RESILIENCE4J = "r4j-status-only";
  static final String LIBRARY = "shipping-resilience";
  /**
   * This library with a user-written AfterShip profile (a resource beside this class) instead of the built-in one:
   * run on the ambiguous-timeouts schedule only, outside the table, to show a generic profile's reconcile lookup.
   */
  static final String LIBRARY_USER_PROFILE = "shipping-resilience/user-profile";
  /** The user-written profile {@link #LIBRARY_USER_PROFILE} loads. */
  static final String USER_PROFILE = "user-labels-profile.json";

  /** The strategy names in table order. */
  static final List<String> NAMES = List.of(NONE, NAIVE, RESILIENCE4J, LIBRARY);

  private Strategies() {}

  /**
   * Returns a fresh instance of the strategy {@code name} whose client reports its requests to {@code listener}
   * ({@link EventListener#NONE} when nobody looks).
   */
  static Strategy create(String name, ScorecardConfig config, EventListener listener) {
    return switch (name) {
      case NONE -> new Bare(listener);
      case NAIVE -> new Naive(config, listener);
      case RESILIENCE4J -> new StatusOnlyResilience4j(config, listener);
      case LIBRARY -> new Library(config, listener);
      case LIBRARY_USER_PROFILE -> new Library(config, listener, userProfile());
      default -> throw new IllegalArgumentException("unknown strategy " + name);
    };
  }

  /** Loads {@link #USER_PROFILE}, as a user loads a profile of their own. */
  static ProviderProfile userProfile() {
    try (java.io.InputStream in = Strategies.class.getResourceAsStream(USER_PROFILE)) {
      return ProviderProfiles.parse(USER_PROFILE, java.util.Objects.requireNonNull(in, USER_PROFILE));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String ms(Duration d) {
    return d.toNanos() % 1_000_000 == 0 ? d.toMillis() + " ms"
        : String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
  }

  /** A strategy whose whole behaviour is one configured OkHttp client. */
  abstract static class OneOkHttpClient implements Strategy {
    private final OkHttpClient client;

    OneOkHttpClient(OkHttpClient client) {
      this.client = client;
    }

    @Override
    public FinalResponse execute(Request request) throws IOException {
      return Strategy.send(client, request);
    }

    @Override
    public void close() {
      Strategy.release(client);
    }
  }

  /** (a) Bare OkHttp: one send, no retries of any kind. */
  static final class Bare extends OneOkHttpClient {
    Bare(EventListener listener) {
      super(Strategy.baseClient(listener).build());
    }

    @Override
    public String name() {
      return NONE;
    }

    @Override
    public String settings() {
      return "bare OkHttp, retryOnConnectionFailure(false); one send per logical call";
    }

  }

  /** (b) Naive retries: an interceptor that repeats on any non-2xx or IOException after a fixed delay. */
  static final class Naive extends OneOkHttpClient {
    private final NaiveRetryInterceptor interceptor;

    Naive(ScorecardConfig config, EventListener listener) {
      this(new NaiveRetryInterceptor(3, config.ms(200)), listener);
    }

    private Naive(NaiveRetryInterceptor interceptor, EventListener listener) {
      super(Strategy.baseClient(listener).addInterceptor(interceptor).build());
      this.interceptor = interceptor;
    }

    @Override
    public String name() {
      return NAIVE;
    }

    @Override
    public String settings() {
      return "OkHttp interceptor: " + interceptor;
    }

  }

  /**
   * (c) Resilience4j Retry + CircuitBreaker "as teams typically configure them": retry on {@link IOException} and on
   * HTTP 5xx / 429, exponential backoff; one breaker per provider that records I/O failures and 5xx; a call the
   * open breaker refuses is not retried. The body is read inside the decorated call so a discarded response is
   * always closed.
   */
  static final class StatusOnlyResilience4j implements Strategy {
    private static final int MAX_ATTEMPTS = 3;
    private final OkHttpClient client;
    private final Duration initialWait;
    private final RetryRegistry retries;
    private final CircuitBreakerRegistry breakers;
    private final CircuitBreakerConfig breakerConfig;

    StatusOnlyResilience4j(ScorecardConfig config, EventListener listener) {
      this.client = Strategy.baseClient(listener).build();
      this.initialWait = config.ms(100);
      RetryConfig retryConfig = RetryConfig.<FinalResponse>custom()
          .maxAttempts(MAX_ATTEMPTS)
          .intervalFunction(IntervalFunction.ofExponentialBackoff(initialWait, 2.0))
          .retryExceptions(IOException.class)
          .retryOnResult(r -> r.status() >= 500 || r.status() == 429)
          .failAfterMaxAttempts(false)
          .build();
      this.retries = RetryRegistry.of(retryConfig);
      this.breakerConfig = CircuitBreakerConfig.custom()
          .failureRateThreshold(50)
          .slidingWindowSize(20)
          .minimumNumberOfCalls(10)
          .waitDurationInOpenState(config.ms(1000))
          .permittedNumberOfCallsInHalfOpenState(2)
          .recordExceptions(IOException.class)
          .recordResult(r -> r instanceof FinalResponse f && f.status() >= 500)
          .build();
      this.breakers = CircuitBreakerRegistry.of(breakerConfig);
    }

    @Override
    public String name() {
      return RESILIENCE4J;
    }

    @Override
    public String settings() {
      return "Retry: " + MAX_ATTEMPTS + " attempts on IOException or HTTP 5xx/429, exponential backoff from "
          + ms(initialWait) + " x2; CircuitBreaker per provider: " + breakerConfig.getFailureRateThreshold()
          + "% of " + breakerConfig.getSlidingWindowSize() + " calls (min " + breakerConfig.getMinimumNumberOfCalls()
          + ") failing with IOException or HTTP 5xx, open "
          + breakerConfig.getWaitIntervalFunctionInOpenState().apply(1) + " ms, 2 half-open calls";
    }

    @Override
    public FinalResponse execute(Request request) throws Exception {
      String provider = providerOf(request);
      CircuitBreaker breaker = breakers.circuitBreaker(provider);
      Retry retry = retries.retry(provider);
      CheckedSupplier<FinalResponse> send = () -> Strategy.send(client, request);
      try {
        return Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(breaker, send)).get();
      } catch (Exception | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    private static String providerOf(Request request) {
      String host = request.url().host();
      int dot = host.lastIndexOf('.');
      int previous = dot <= 0 ? -1 : host.lastIndexOf('.', dot - 1);
      return host.substring(previous + 1);
    }

    @Override
    public void close() {
      Strategy.release(client);
    }
  }

  /** (d) This library: {@code ShippingInterceptor.of(ShippingPolicies...)} with settings scaled for the simulation. */
  static final class Library extends OneOkHttpClient {
    private final String name;
    private final ShippingPolicies policies;

    Library(ScorecardConfig config, EventListener listener, ProviderProfile... replacing) {
      this(replacing.length == 0 ? LIBRARY : LIBRARY_USER_PROFILE, listener,
          ShippingPolicies.builder().addProfiles(List.of(replacing))
          .configureAll(b -> b.meterRegistry(new SimpleMeterRegistry())
              .backoff(config.ms(100), config.ms(1000))
              .pollInterval(config.ms(100))
              .maxPollDuration(config.ms(3000))
              .deadline(config.ms(8000))
              // the first open wait scaled as the others (1 s stood for the profiles' earlier 60 s); the half-open
              // trials and the wait's growth are the defaults: 1 trial, x1.5 per failed trial, at most 4x
              .breaker(50, 20, 5, config.ms(300), ShippingPolicy.DEFAULT_HALF_OPEN_CALLS)
              // opt-in (default: fail fast): a call refused by an open breaker waits up to the backoff's cap for
              // the next trial, checking every 100 ms, so calls arriving just after an outage are not refused
              .breakerWait(config.ms(1000)))
          // the simulated plan's limits, as a team would configure its own plan
          .configure(Workload.AFTERSHIP, b -> b.rateLimit(Schedules.PLAN_AFTERSHIP_PER_SECOND, Duration.ofSeconds(1)))
          .configure(Workload.SEVENTEEN_TRACK,
              b -> b.rateLimit(Schedules.PLAN_17TRACK_PER_SECOND, Duration.ofSeconds(1)))
          .build());
    }

    private Library(String name, EventListener listener, ShippingPolicies policies) {
      super(Strategy.baseClient(listener).addInterceptor(ShippingInterceptor.of(policies)).build());
      this.name = name;
      this.policies = policies;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String settings() {
      StringBuilder b = new StringBuilder("ShippingInterceptor.of(ShippingPolicies) with, per provider:");
      List<String> ids = new ArrayList<>(List.of(Workload.CLICKPOST, Workload.AFTERSHIP, Workload.SEVENTEEN_TRACK,
          Workload.ABICART));
      ids.addAll(Workload.ADDED_AS_DATA);
      for (String id : ids) {
        b.append("\n  - ").append(policies.require(id));
      }
      b.append("\n  - all: one breaker per scope (provider, provider/carrier:ID); default retry budget (")
          .append(ShippingPolicy.DEFAULT_BUDGET_TOKENS).append(" tokens per provider, +")
          .append(ShippingPolicy.DEFAULT_BUDGET_RATIO).append(" per success, retries only while more than half "
          + "remain); default maxRetryAfter 2 min; Abicart Order.get tagged CallOptions.safeToRepeat(true)");
      return b.toString();
    }

  }
}
