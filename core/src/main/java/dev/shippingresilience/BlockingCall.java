package dev.shippingresilience;

import dev.shippingresilience.CallRules.Next;
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
    try {
      Next next = rules.start();
      while (true) {
        switch (next) {
          case SEND -> {
            ProviderResponse<R> response;
            try {
              response = attempt.send(rules.request());
            } catch (IOException e) {
              next = rules.failed(e);
              continue;
            }
            next = rules.answered(response);
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
      rules.abandon();
      throw e;
    }
  }
}
