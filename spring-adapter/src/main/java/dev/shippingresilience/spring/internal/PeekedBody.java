package dev.shippingresilience.spring.internal;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A WebClient response body read once: first its prefix, buffer by buffer until more than the peek limit has
 * arrived or the body ended (nothing more is asked of the body then), to classify it; then, as a {@link Flux} that
 * can be subscribed once, the whole body: the buffers of the prefix, then the rest passed straight through from the
 * untouched original, at the pace the subscriber asks for. Buffers are handed on or released, each exactly once: a
 * cancelled peek, a cancelled subscriber and {@link #discard()} release what they hold.
 *
 * <p>The states: peeking, then peeked (or cancelled while peeking: everything released, the body cancelled), then
 * subscribed (by the caller, or by {@link #discard()} to drain and release it). A body that fails while being
 * peeked counts as ended early ({@link #broken()}); its subscriber receives the prefix, then the failure.
 */
public final class PeekedBody extends Flux<DataBuffer> implements Disposable {
  private static final int PEEKING = 0;
  private static final int PEEKED = 1;
  private static final int SUBSCRIBED = 2;
  private static final int CANCELLED = 3;

  private final int peekLimit;
  private final Context context;
  private final Consumer<PeekedBody> onPeeked;
  /** The prefix, then nothing (the rest is passed through); polled atomically, so each buffer leaves it once. */
  private final Queue<DataBuffer> buffers = new ConcurrentLinkedQueue<>();
  private final AtomicInteger state = new AtomicInteger(PEEKING);
  private final AtomicInteger wip = new AtomicInteger();
  /** Demand of the subscriber not yet met by the prefix, or not yet passed on to the original body. */
  private final AtomicLong requested = new AtomicLong();
  private final Downstream downstream = new Downstream();

  private volatile @Nullable Subscription original;
  /** Written by the original body's thread while peeking, read once peeked. */
  private long received;
  private boolean broken;
  private byte[] prefix = new byte[0];
  private boolean cut;
  private @Nullable Throwable error;
  private volatile boolean done;
  private volatile @Nullable CoreSubscriber<? super DataBuffer> actual;
  private volatile boolean cancelled;
  /** Set once the prefix is out: the subscriber's demand goes to the original body, its buffers straight on. */
  private volatile boolean passThrough;
  /** Whether the end was signalled to the subscriber; only inside {@link #drain()}. */
  private boolean terminated;

  private PeekedBody(int peekLimit, Context context, Consumer<PeekedBody> onPeeked) {
    this.peekLimit = peekLimit;
    this.context = context;
    this.onPeeked = onPeeked;
  }

  /**
   * Starts peeking {@code body}; {@code onPeeked} runs once the prefix is in, on the thread that delivered its last
   * buffer, unless the peek was {@linkplain #dispose() cancelled} first.
   *
   * @param body the original body, subscribed at once
   * @param peekLimit the bytes to classify from; one more is read to tell a body the limit cut
   * @param context the context the original body is read in (the caller's)
   * @param onPeeked receives this body, peeked
   * @return the body, to cancel the peek with {@link #dispose()}
   */
  public static PeekedBody peek(Flux<DataBuffer> body, int peekLimit, Context context,
      Consumer<PeekedBody> onPeeked) {
    PeekedBody peeked = new PeekedBody(peekLimit, context, onPeeked);
    // Buffers that the operators before us drop (their queues, when we cancel) are released, as Spring's decoders do.
    body.doOnDiscard(DataBuffer.class, DataBufferUtils::release).subscribe(peeked.new Upstream());
    return peeked;
  }

  /** Returns the first bytes, at most the peek limit; set once peeked. */
  public byte[] prefix() {
    return prefix;
  }

  /** Returns whether the body went on past the peek limit; set once peeked. */
  public boolean cut() {
    return cut;
  }

  /** Returns whether the body failed while its prefix was read; set once peeked. */
  public boolean broken() {
    return broken;
  }

  /** Cancels the peek if it is still running: the original body is cancelled and what arrived released. */
  @Override
  public void dispose() {
    if (state.compareAndSet(PEEKING, CANCELLED)) {
      Subscription s = original;
      if (s != null) {
        s.cancel();
      }
      releaseAll();
    }
  }

  @Override
  public boolean isDisposed() {
    return state.get() == CANCELLED;
  }

  /**
   * Discards the body nobody will read: a running peek is cancelled; a peeked body is drained, every buffer released
   * (as Spring's {@code ClientResponse.releaseBody()} does, so the connection can be reused); a subscribed one is
   * its subscriber's.
   */
  public void discard() {
    if (state.get() == PEEKING) {
      dispose();
      if (state.get() == CANCELLED) {
        return;
      }
    }
    subscribe(new Drain());
  }

  /** Hands the body to its one subscriber: the prefix, then the rest. Later subscribers get an error. */
  @Override
  public void subscribe(CoreSubscriber<? super DataBuffer> subscriber) {
    if (!state.compareAndSet(PEEKED, SUBSCRIBED)) {
      Operators.error(subscriber, new IllegalStateException(
          "The response body has already been read or released; it can be read only once"));
      return;
    }
    actual = subscriber;
    subscriber.onSubscribe(downstream);
    drain();
  }

  /** Emits the prefix as demanded, then passes demand on, or signals the end; one thread at a time. */
  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    while (true) {
      CoreSubscriber<? super DataBuffer> a = actual;
      if (a != null) {
        if (!cancelled) {
          emit(a);
        }
        if (cancelled) {
          releaseAll();
        }
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void emit(CoreSubscriber<? super DataBuffer> a) {
    long wanted = requested.get();
    long emitted = 0;
    while (emitted != wanted && !cancelled) {
      DataBuffer buffer = buffers.poll();
      if (buffer == null) {
        break;
      }
      a.onNext(buffer);
      emitted++;
    }
    if (emitted != 0 && wanted != Long.MAX_VALUE) {
      requested.addAndGet(-emitted);
    }
    if (cancelled || !buffers.isEmpty()) {
      return;
    }
    if (done) {
      if (!terminated) {
        terminated = true;
        Throwable failure = error;
        if (failure != null) {
          a.onError(failure);
        } else {
          a.onComplete();
        }
      }
      return;
    }
    // The prefix is out: from now on the original body answers the subscriber's demand itself.
    passThrough = true;
    long left = requested.getAndSet(0);
    Subscription s = original;
    if (left > 0 && s != null) {
      s.request(left);
    }
  }

  private void releaseAll() {
    for (DataBuffer buffer; (buffer = buffers.poll()) != null; ) {
      DataBufferUtils.release(buffer);
    }
  }

  /** Ends the peek on the original body's thread: the prefix is copied, then handed on. */
  private void finishPeek() {
    if (!state.compareAndSet(PEEKING, PEEKED)) {
      releaseAll(); // cancelled meanwhile
      return;
    }
    int length = (int) Math.min(received, peekLimit);
    byte[] bytes = new byte[length];
    int at = 0;
    for (DataBuffer buffer : buffers) {
      int n = Math.min(buffer.readableByteCount(), length - at);
      if (n <= 0) {
        break;
      }
      buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(bytes), at, n);
      at += n;
    }
    prefix = bytes;
    cut = !broken && received > peekLimit;
    onPeeked.accept(this);
  }

  /** Reads the original body. */
  private final class Upstream implements CoreSubscriber<DataBuffer> {
    @Override
    public Context currentContext() {
      return context;
    }

    @Override
    public void onSubscribe(Subscription s) {
      original = s;
      if (state.get() == CANCELLED) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(DataBuffer buffer) {
      int now = state.get();
      if (now == PEEKING) {
        buffers.offer(buffer);
        received += buffer.readableByteCount();
        if (state.get() == CANCELLED) {
          releaseAll(); // the peek was cancelled while this buffer went in
        } else if (received > peekLimit) {
          finishPeek();
        } else {
          Subscription s = original;
          if (s != null) {
            s.request(1);
          }
        }
        return;
      }
      CoreSubscriber<? super DataBuffer> a = actual;
      if (now == CANCELLED || cancelled || a == null) {
        DataBufferUtils.release(buffer);
        return;
      }
      a.onNext(buffer); // passing through: only demand the subscriber made brings buffers here
    }

    @Override
    public void onError(Throwable failure) {
      error = failure;
      ended(true);
    }

    @Override
    public void onComplete() {
      ended(false);
    }

    private void ended(boolean failed) {
      int now = state.get();
      if (now == PEEKING) {
        broken = failed;
        done = true;
        finishPeek();
      } else if (now != CANCELLED) {
        done = true;
        drain();
      }
    }
  }

  /** The subscriber's side: demand and cancellation. */
  private final class Downstream implements Subscription {
    @Override
    public void request(long n) {
      if (!Operators.validate(n)) {
        return;
      }
      Subscription s = original;
      if (passThrough && s != null) {
        s.request(n);
        return;
      }
      requested.getAndUpdate(r -> Operators.addCap(r, n));
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      Subscription s = original;
      if (s != null && !done) {
        s.cancel();
      }
      drain();
    }
  }

  /** Reads a discarded body to its end, releasing every buffer. */
  private static final class Drain implements CoreSubscriber<DataBuffer> {
    @Override
    public void onSubscribe(Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(DataBuffer buffer) {
      DataBufferUtils.release(buffer);
    }

    @Override
    public void onError(Throwable failure) {
      // nobody reads this body: its failure has no one to tell
    }

    @Override
    public void onComplete() {
      // drained
    }
  }
}
