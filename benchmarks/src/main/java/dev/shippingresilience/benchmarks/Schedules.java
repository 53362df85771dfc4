package dev.shippingresilience.benchmarks;

import dev.shippingresilience.simulator.FaultSchedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The scorecard's fault schedules, each built from the seed: five over the first four providers' workload and
 * {@value #ALL_PROVIDERS} over all ten. Every schedule also carries the
 * <em>background</em> the providers show on a normal day: {@value #BACKGROUND_ASYNC} of creates answered
 * asynchronously first (Clickpost 202/102, AfterShip 3001 / label {@code creating}), and a transient error rate of
 * {@value #BACKGROUND_TRANSIENT} (Clickpost {@code meta.status} 500 at half that, AfterShip 4101, Abicart 9005 at
 * twice that). The simulated "plan" allows {@value #PLAN_AFTERSHIP_PER_SECOND} AfterShip and
 * {@value #PLAN_17TRACK_PER_SECOND} 17TRACK requests per second.
 */
final class Schedules {
  static final double BACKGROUND_ASYNC = 0.1;
  static final double BACKGROUND_TRANSIENT = 0.03;
  static final int PLAN_AFTERSHIP_PER_SECOND = 50;
  static final int PLAN_17TRACK_PER_SECOND = 20;
  static final int STORM_AFTERSHIP_PER_SECOND = 5;

  /** The schedule whose requests per second the charts show, around its outage window. */
  static final String PROVIDER_OUTAGE = "provider-outage";
  /** The schedule where couriers behind the aggregators fail. */
  static final String CARRIER_OUTAGE = "carrier-outage";
  /** The schedule whose lost answers a reconcile lookup wins back. */
  static final String AMBIGUOUS_TIMEOUTS = "ambiguous-timeouts";
  /** The schedule whose 429s per second the charts show. */
  static final String RATE_LIMIT_STORM = "rate-limit-storm";

  /**
   * A named schedule.
   *
   * @param name a short name for the table
   * @param description what goes wrong, for the Markdown
   * @param schedule the simulator's schedule
   * @param allProviders whether the workload is {@link Workload#allProviders} (all ten providers) rather than
   *     {@link Workload#build} (the first four)
   */
  record Spec(String name, String description, FaultSchedule schedule, boolean allProviders) {
    /** A schedule run with the first four providers' workload. */
    Spec(String name, String description, FaultSchedule schedule) {
      this(name, description, schedule, false);
    }

    /** Returns this schedule's logical calls for {@code seed}. */
    List<Workload.LogicalCall> workload(long seed, int calls) {
      return allProviders ? Workload.allProviders(seed, calls) : Workload.build(seed, calls);
    }

    /** Returns the outage windows after which the time to recover is measured. */
    List<FaultSchedule.Window> outageWindows() {
      List<FaultSchedule.Window> windows = new ArrayList<>(schedule.carrierOutages());
      windows.addAll(schedule.providerOutages());
      return windows;
    }
  }

  private Schedules() {}

  private static FaultSchedule.Builder background(long seed) {
    return FaultSchedule.builder(seed)
        .asyncRate(BACKGROUND_ASYNC)
        .processingPolls(1)
        .transientErrorRate(BACKGROUND_TRANSIENT)
        .rateLimits(PLAN_AFTERSHIP_PER_SECOND, PLAN_17TRACK_PER_SECOND);
  }

  /** The schedule whose workload spans all ten providers. */
  static final String ALL_PROVIDERS = "all-providers";

  /** Returns the five schedules of the first four providers and {@value #ALL_PROVIDERS}, for {@code config}. */
  static List<Spec> all(ScorecardConfig config) {
    long seed = config.seed();
    Duration carrierFrom = config.ms(1000);
    Duration carrierTo = config.ms(3500);
    Duration providerTo = config.ms(2500);
    return List.of(
        new Spec(CARRIER_OUTAGE,
            "Clickpost courier 5 answers 322 and AfterShip's fedex answers 4703 (both HTTP 200) from "
                + secs(carrierFrom) + " to " + secs(carrierTo) + "; the aggregators themselves stay healthy",
            background(seed)
                .carrierOutage("clickpost:5", carrierFrom, carrierTo)
                .carrierOutage("aftership-shipping:fedex", carrierFrom, carrierTo)
                .build()),
        new Spec(PROVIDER_OUTAGE,
            "Clickpost serves 503 HTML gateway pages for the first " + secs(providerTo) + ", then recovers",
            background(seed).providerOutage("clickpost", Duration.ZERO, providerTo).build()),
        new Spec(RATE_LIMIT_STORM,
            "AfterShip allows only " + STORM_AFTERSHIP_PER_SECOND + " requests/s (429 with X-RateLimit-Reset) while "
                + "the callers offer several times that",
            background(seed).rateLimits(STORM_AFTERSHIP_PER_SECOND, PLAN_17TRACK_PER_SECOND).build()),
        new Spec("async-processing",
            "80% of Clickpost orders and AfterShip labels are accepted asynchronously (202/102, 3001/creating) "
                + "and need 2 polls before they are done",
            background(seed).asyncRate(0.8).processingPolls(2).build()),
        new Spec(AMBIGUOUS_TIMEOUTS,
            "20% of the creates that are processed lose their response (connection reset after the order or "
                + "label was created)",
            background(seed).ambiguousTimeoutRate(0.2).build()),
        new Spec(ALL_PROVIDERS,
            "a normal day across all ten providers (40% the first four's mix, 10% each Sendcloud, ShipStation, "
                + "EasyPost, Shippo, Shiprocket and FedEx), with the background in each provider's own words and "
                + "limits (Sendcloud 502 and 429 over 15 unsafe requests/s, ShipStation shipengine/system 500, "
                + "EasyPost INTERNAL_SERVER_ERROR, Shippo 409, Shiprocket 502 and 429 over 10 requests/s, FedEx "
                + "INTERNAL.SERVER.ERROR on quotes; ShipStation labels `processing`, Shippo `QUEUED` and Sendcloud "
                + "`ANNOUNCING` polled), and one carrier each of Sendcloud, ShipStation and Shippo down from "
                + secs(carrierFrom) + " to " + secs(carrierTo) + " (Sendcloud postnl: 201 with "
                + "parcel_announcement_error; ShipStation se-2: error_source carrier; Shippo usps: 503). EasyPost's "
                + "carrier outages are a per-carrier rate_error inside a 201 that never fails the answer, so none is "
                + "scheduled: its calls name no carrier whose recovery could be timed",
            background(seed)
                .carrierOutage("sendcloud:postnl", carrierFrom, carrierTo)
                .carrierOutage("shipstation:se-2", carrierFrom, carrierTo)
                .carrierOutage("shippo:usps", carrierFrom, carrierTo)
                .build(),
            true));
  }

  static String secs(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
  }
}
