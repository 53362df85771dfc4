package dev.shippingresilience;

import dev.shippingresilience.CallRules.Next;
import io.micrometer.observation.Observation;
import java.io.IOException;

/**
 * The blocking driver: carries out the steps of {@link CallRules} on the calling thread, sending through an
 * {@link Attempt} and waiting on the policy's {@link Sleeper}.
 */
final class BlockingCall {
  private BlockingCall() {}

  /** Runs one logical call to its end; see {@link ShippingPolicy#execute}. */
  static <R> CallResult<R> run(CallSettings settings, RequestSnapshot request, CallOptions options,
      Attempt<R> attempt) throws IOException {
    CallRules<R> rules = new CallRules<>(settings, request, options, true);
    CallObservation observation = rules.observation();
    if (observation != null) {
      // the call's observation is current for the whole call: each attempt's becomes the child of it
      observation.openCallScope();
    }
    try {
      Next next = rules.start();
      while (true) {
        switch (next) {
          case SEND -> {
            ProviderResponse<R> response = null;
            IOException failed = null;
            // the attempt's observation is current while the transport sends: the transport's own nests under it
            Observation.Scope scope = observation == null ? null : observation.openAttemptScope();
            try {
              response = attempt.send(rules.request());
            } catch (IOException e) {
              failed = e;
            } finally {
              if (scope != null) {
                scope.close();
              }
            }
            next = failed != null ? rules.failed(failed) : rules.answered(response);
          }
          case WAIT -> {
            try {
              settings.sleeper.sleep(rules.delay(), rules.token());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              next = rules.cancelled(true);
              continue;
            }
            next = rules.waited();
          }
          case RETURN -> {
            return rules.result();
          }
          default -> throw rules.failure();
        }
      }
    } catch (RuntimeException | Error e) {
      // whatever the transport, the classifier or the sleeper throws, the breakers' permits go back
      rules.abandon(e);
      throw e;
    } finally {
      if (observation != null) {
        observation.closeCallScope();
      }
    }
  }
}
