package dev.shippingresilience.testing;

import dev.shippingresilience.Attempt;
import dev.shippingresilience.AttemptRequest;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderResponse;
import dev.shippingresilience.ResponseSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fake transport (not our code) answering from a script: each send takes the next step (a response or an
 * exception); the last step repeats. Records every request and counts responses opened and closed.
 */
public final class ScriptedTransport implements Attempt<String> {
  /** One scripted answer. */
  public interface Step {
    /** Answers {@code request}. */
    ResponseSnapshot answer(AttemptRequest request) throws IOException;
  }

  private final Deque<Step> steps = new ArrayDeque<>();
  private Step lastStep;
  private final List<AttemptRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  /** Adds a response step. */
  public ScriptedTransport then(int status, String body, String... headers) {
    ResponseSnapshot s = ResponseSnapshot.of(status, HeaderValues.of(headers),
        body.getBytes(StandardCharsets.UTF_8), false);
    return then(r -> s);
  }

  /** Adds a failing step. */
  public ScriptedTransport thenFail(IOException e) {
    return then(r -> {
      throw e;
    });
  }

  /** Adds a step computed from the request. */
  public synchronized ScriptedTransport then(Step step) {
    steps.add(step);
    lastStep = step;
    return this;
  }

  /** Adds a step computed from the request, as a function. */
  public ScriptedTransport thenAnswer(Function<AttemptRequest, ResponseSnapshot> f) {
    return then(f::apply);
  }

  @Override
  public ProviderResponse<String> send(AttemptRequest request) throws IOException {
    requests.add(request);
    Step step;
    synchronized (this) {
      step = steps.size() > 1 ? steps.poll() : lastStep;
    }
    ResponseSnapshot snapshot = step.answer(request);
    opened.incrementAndGet();
    return new ProviderResponse<>() {
      private boolean done;

      @Override
      public ResponseSnapshot snapshot() {
        return snapshot;
      }

      @Override
      public String unwrap() {
        synchronized (this) {
          if (!done) {
            done = true;
            closed.incrementAndGet();
          }
        }
        return new String(snapshot.bodyPrefix(), StandardCharsets.UTF_8);
      }

      @Override
      public void close() {
        synchronized (this) {
          if (!done) {
            done = true;
            closed.incrementAndGet();
          }
        }
      }
    };
  }

  /** Returns every request sent. */
  public List<AttemptRequest> requests() {
    return List.copyOf(requests);
  }

  /** Returns the number of sends. */
  public int sends() {
    return requests.size();
  }

  /** Returns responses opened and not yet closed or handed back. */
  public int leaked() {
    return opened.get() - closed.get();
  }
}
