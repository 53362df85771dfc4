package dev.shippingresilience.examples;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP client a demo run sends its calls through, with the library's adapter for that client installed. The
 * pipeline around it (workload, policies, workers, tallies, checks, output) is {@link DemoCommand}'s and the same
 * for every client; an implementation only translates a {@link DemoWorkload.HttpCall} into its client's request.
 * Implementations are thread-safe: the demo's workers share one instance.
 */
interface DemoClient extends AutoCloseable {
  /** What the header line says about the client, e.g. {@code OkHttp 5.5.1}. */
  String description();

  /**
   * Sends {@code call} through the library, reads the final response's body to the end and closes it. A non-2xx
   * final response is returned like any other: the demo reads the library's decision header.
   *
   * @throws IOException the library's {@link dev.shippingresilience.ShippingCallException} or the transport's
   *     failure, unwrapped from whatever the client wraps it in
   */
  FinalResponse send(DemoWorkload.HttpCall call) throws IOException;

  /** Returns whether a connection is still leased, i.e. some response was never closed. Asked after the run. */
  boolean leaked();

  /** Releases the client's connections and threads. */
  @Override
  void close();

  /** Opens a client over the demo's policies, sending to the simulator on {@code simulatorPort}. */
  @FunctionalInterface
  interface Opener {
    /** Opens the client. */
    DemoClient open(dev.shippingresilience.ShippingPolicies policies, int simulatorPort);
  }

  /** What the demo reads from a final response: the library's headers. */
  record FinalResponse(@Nullable String decision, boolean duplicate) {}
}
