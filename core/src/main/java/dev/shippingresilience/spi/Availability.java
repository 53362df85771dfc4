package dev.shippingresilience.spi;

import java.util.Objects;

/**
 * Whether a {@link SharedLimits} store answers now and, when it does not, what calls get meanwhile: what a health
 * check reports ({@link SharedLimits#availability()}). Immutable.
 *
 * @param state the store's state
 * @param description one line for operators, without secrets: what calls get meanwhile and why, e.g.
 *     {@code local limits (fail-open); last error: java.net.ConnectException: Connection refused}
 */
public record Availability(State state, String description) {
  private static final Availability IN_PROCESS = new Availability(State.IN_PROCESS, "in-process");

  /** Where the limits are and whether calls still share them. */
  public enum State {
    /** Kept in this process ({@link LocalLimits}): always answers; a health check has nothing to report. */
    IN_PROCESS,
    /** A shared store that answers: the limits are shared. */
    AVAILABLE,
    /** A shared store that does not answer; calls go on with limits kept in this process (fail-open). */
    UNAVAILABLE_FAIL_OPEN,
    /** A shared store that does not answer; calls that need a permit end before sending (fail-closed). */
    UNAVAILABLE_FAIL_CLOSED
  }

  /**
   * Validates the components.
   *
   * @param state the store's state
   * @param description one line for operators, without secrets: what calls get meanwhile and why, e.g.
   *     {@code local limits (fail-open); last error: java.net.ConnectException: Connection refused}
   */
  public Availability {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(description, "description");
  }

  /** {@return the availability of limits kept in this process: {@link State#IN_PROCESS}, {@code in-process}} */
  public static Availability inProcess() {
    return IN_PROCESS;
  }

  /** {@return {@code true} unless the state is one of the {@code UNAVAILABLE_*} ones} */
  public boolean available() {
    return state == State.IN_PROCESS || state == State.AVAILABLE;
  }

  /**
   * Returns the state for a health check: {@code IN_PROCESS}, {@code AVAILABLE}, or
   * {@code UNAVAILABLE: <description>}.
   */
  @Override
  public String toString() {
    return available() ? state.name() : "UNAVAILABLE: " + description;
  }
}
