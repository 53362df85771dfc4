package dev.shippingresilience.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Response;

/**
 * When each HTTP request of one strategy's client went out, and when each 429 came back: an OkHttp
 * {@link EventListener} on the client every strategy builds from {@link Strategy#baseClient(EventListener)}. It is
 * the least invasive source of the scorecard's timelines: nothing is added to the call path (no interceptor, no
 * wrapper around the strategy), the simulator stays as it is, and every request on the wire is seen whoever sends
 * it (a strategy's retries, the library's polls). Lock-free; read it after the run.
 */
final class RequestLog extends EventListener {
  private final Queue<Long> sent = new ConcurrentLinkedQueue<>();
  private final Queue<Long> tooManyRequests = new ConcurrentLinkedQueue<>();

  @Override
  public void requestHeadersStart(Call call) {
    sent.add(System.nanoTime());
  }

  @Override
  public void responseHeadersEnd(Call call, Response response) {
    if (response.code() == 429) {
      tooManyRequests.add(System.nanoTime());
    }
  }

  /** Returns what was logged, in nanoseconds from {@code t0} (a {@link System#nanoTime()} reading). */
  Timeline since(long t0) {
    return new Timeline(relative(sent, t0), relative(tooManyRequests, t0));
  }

  private static long[] relative(Queue<Long> times, long t0) {
    long[] out = times.stream().mapToLong(t -> t - t0).toArray();
    Arrays.sort(out);
    return out;
  }

  /**
   * One run's requests and 429 answers on the simulator's clock.
   *
   * @param sentNanos when each request went out, ascending, in nanoseconds from the simulator's start
   * @param tooManyRequestsNanos when each 429 came back, ascending, in nanoseconds from the simulator's start
   */
  record Timeline(long[] sentNanos, long[] tooManyRequestsNanos) {
    /** Returns the time of the last request sent or 429 received, 0 when there was none. */
    long lastNanos() {
      return Math.max(last(sentNanos), last(tooManyRequestsNanos));
    }

    private static long last(long[] sorted) {
      return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    /**
     * Returns events per second in {@code bins} consecutive bins of {@code bin} from 0: bin {@code i} holds the
     * events in {@code [i * bin, (i + 1) * bin)} divided by the bin's length in seconds; later events are dropped.
     */
    static double[] perSecond(long[] times, Duration bin, int bins) {
      long width = bin.toNanos();
      long[] count = new long[bins];
      for (long t : times) {
        long i = Math.max(0, t) / width;
        if (i < bins) {
          count[(int) i]++;
        }
      }
      double seconds = width / 1e9;
      return Arrays.stream(count).mapToDouble(c -> c / seconds).toArray();
    }
  }
}
