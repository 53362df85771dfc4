package dev.shippingresilience.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What goes wrong, and when, in a simulated run. Immutable; every random choice the simulator makes is a pure
 * function of the seed and the request's identity (reference number, label id, call number), so the same schedule
 * gives the same faults whatever the thread interleaving.
 */
public final class FaultSchedule {
  /** A time window, measured from the simulator's start, during which something is down. */
  public record Window(String target, Duration from, Duration to) {
    /** Returns {@code true} when {@code elapsed} falls inside the window. */
    public boolean covers(Duration elapsed) {
      return elapsed.compareTo(from) >= 0 && elapsed.compareTo(to) < 0;
    }
  }

  private final long seed;
  private final double asyncRate;
  private final int processingPolls;
  private final double ambiguousTimeoutRate;
  private final double transientErrorRate;
  private final List<Window> carrierOutages;
  private final List<Window> providerOutages;
  private final int aftershipPerSecond;
  private final int seventeenTrackPerSecond;

  private FaultSchedule(Builder b) {
    this.seed = b.seed;
    this.asyncRate = b.asyncRate;
    this.processingPolls = b.processingPolls;
    this.ambiguousTimeoutRate = b.ambiguousTimeoutRate;
    this.transientErrorRate = b.transientErrorRate;
    this.carrierOutages = List.copyOf(b.carrierOutages);
    this.providerOutages = List.copyOf(b.providerOutages);
    this.aftershipPerSecond = b.aftershipPerSecond;
    this.seventeenTrackPerSecond = b.seventeenTrackPerSecond;
  }

  /** Returns a builder with no faults. */
  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  /**
   * Returns the demo's schedule: a quarter of orders async, one courier ({@code 5}, Clickpost) and one AfterShip
   * slug ({@code fedex}) down for the first {@code outage}, transient errors and ambiguous timeouts at
   * {@code faultRate}.
   */
  public static FaultSchedule demo(long seed, double faultRate, Duration outage) {
    return builder(seed).asyncRate(0.35).processingPolls(2).transientErrorRate(faultRate)
        .ambiguousTimeoutRate(faultRate / 2)
        .carrierOutage("clickpost:5", Duration.ZERO, outage)
        .carrierOutage("aftership-shipping:fedex", Duration.ZERO, outage)
        .build();
  }

  /** Returns the seed. */
  public long seed() {
    return seed;
  }

  /** Returns the share of create calls answered asynchronously (202/3001) first. */
  public double asyncRate() {
    return asyncRate;
  }

  /** Returns how many polls an async create answers "processing" before it is done. */
  public int processingPolls() {
    return processingPolls;
  }

  /** Returns the share of create calls processed but whose response is lost (connection reset). */
  public double ambiguousTimeoutRate() {
    return ambiguousTimeoutRate;
  }

  /** Returns the share of calls answered with a transient error (Clickpost 500, AfterShip 4101, Abicart 9005). */
  public double transientErrorRate() {
    return transientErrorRate;
  }

  /** Returns the carrier outages; targets look like {@code clickpost:5} or {@code aftership-shipping:fedex}. */
  public List<Window> carrierOutages() {
    return carrierOutages;
  }

  /** Returns the provider-wide outages (HTTP 503 HTML pages); targets are provider ids. */
  public List<Window> providerOutages() {
    return providerOutages;
  }

  /** Returns AfterShip's per-second limit (10 in production). */
  public int aftershipPerSecond() {
    return aftershipPerSecond;
  }

  /** Returns 17TRACK's per-second limit (3 in production). */
  public int seventeenTrackPerSecond() {
    return seventeenTrackPerSecond;
  }

  /** Returns a deterministic draw in [0, 1) for {@code key}. */
  public double draw(String key) {
    long h = seed ^ 0x9E3779B97F4A7C15L;
    for (int i = 0; i < key.length(); i++) {
      h = (h ^ key.charAt(i)) * 0x100000001B3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (h >>> 11) * 0x1.0p-53;
  }

  @Override
  public String toString() {
    return "FaultSchedule{seed=" + seed + ", async=" + asyncRate + ", transient=" + transientErrorRate
        + ", ambiguous=" + ambiguousTimeoutRate + ", carrierOutages=" + carrierOutages + ", providerOutages="
        + providerOutages + "}";
  }

  /** Builds a {@link FaultSchedule}. */
  public static final class Builder {
    private final long seed;
    private double asyncRate;
    private int processingPolls = 2;
    private double ambiguousTimeoutRate;
    private double transientErrorRate;
    private final List<Window> carrierOutages = new ArrayList<>();
    private final List<Window> providerOutages = new ArrayList<>();
    private int aftershipPerSecond = 10;
    private int seventeenTrackPerSecond = 3;

    private Builder(long seed) {
      this.seed = seed;
    }

    private static double rate(String name, double value) {
      if (!(value >= 0 && value <= 1)) {
        throw new IllegalArgumentException("Invalid " + name + " (" + value + "): must be in [0, 1]");
      }
      return value;
    }

    /** Sets the share of async creates. */
    public Builder asyncRate(double rate) {
      this.asyncRate = rate("asyncRate", rate);
      return this;
    }

    /** Sets how many polls an async create stays "processing". */
    public Builder processingPolls(int polls) {
      if (polls < 0) {
        throw new IllegalArgumentException("Invalid processingPolls (" + polls + "): must be >= 0");
      }
      this.processingPolls = polls;
      return this;
    }

    /** Sets the share of creates processed but answered with a connection reset. */
    public Builder ambiguousTimeoutRate(double rate) {
      this.ambiguousTimeoutRate = rate("ambiguousTimeoutRate", rate);
      return this;
    }

    /** Sets the share of transient errors. */
    public Builder transientErrorRate(double rate) {
      this.transientErrorRate = rate("transientErrorRate", rate);
      return this;
    }

    /** Adds a carrier outage, e.g. {@code carrierOutage("clickpost:5", ZERO, ofSeconds(3))}. */
    public Builder carrierOutage(String target, Duration from, Duration to) {
      carrierOutages.add(new Window(Objects.requireNonNull(target), from, to));
      return this;
    }

    /** Adds a provider-wide outage (503 HTML gateway pages). */
    public Builder providerOutage(String provider, Duration from, Duration to) {
      providerOutages.add(new Window(Objects.requireNonNull(provider), from, to));
      return this;
    }

    /** Sets the simulated per-second limits of AfterShip and 17TRACK. */
    public Builder rateLimits(int aftershipPerSecond, int seventeenTrackPerSecond) {
      this.aftershipPerSecond = aftershipPerSecond;
      this.seventeenTrackPerSecond = seventeenTrackPerSecond;
      return this;
    }

    /** Returns the schedule. */
    public FaultSchedule build() {
      return new FaultSchedule(this);
    }
  }
}
