package dev.shippingresilience;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Shared test fixtures: provider bodies under src/test/resources/fixtures/PROVIDER/NAME.json and a fixed clock. */
public final class Fixtures {
  /** The instant every fixed clock in the tests reads. */
  public static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private Fixtures() {}

  /** Returns a clock fixed at {@link #NOW}. */
  public static Clock fixedClock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  /** Returns the bytes of fixture {@code provider/name}. */
  public static byte[] body(String provider, String name) {
    String resource = "/fixtures/" + provider + "/" + name;
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("No fixture " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
