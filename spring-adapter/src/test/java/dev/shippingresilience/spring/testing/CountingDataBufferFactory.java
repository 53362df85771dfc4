package dev.shippingresilience.spring.testing;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferWrapper;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.PooledDataBuffer;

/**
 * A leak-detecting {@link DataBufferFactory} for a connector's received bytes: every buffer made by
 * {@link #wrap(ByteBuffer)} (how {@code JdkClientHttpConnector} hands over each chunk it receives) is a
 * {@link PooledDataBuffer} with a reference count, as Netty's pooled buffers are, so a test can check that each was
 * released exactly once (a second release throws, as Netty's does). Other buffers (request bodies, which that
 * connector never releases) are plain. Thread-safe.
 */
public final class CountingDataBufferFactory implements DataBufferFactory {
  private final DefaultDataBufferFactory delegate = DefaultDataBufferFactory.sharedInstance;
  private final List<Counted> made = new CopyOnWriteArrayList<>();

  /** Returns the received buffers made so far. */
  public int made() {
    return made.size();
  }

  /** Returns the bytes of the received buffers made so far. */
  public long bytesMade() {
    return made.stream().mapToLong(c -> c.size).sum();
  }

  /** Returns the received buffers not released. */
  public long unreleased() {
    return made.stream().filter(Counted::isAllocated).count();
  }

  /**
   * Waits until every received buffer made so far is released (a discarded body is drained as its bytes arrive),
   * at most {@code timeout}; returns the buffers still not released.
   */
  public synchronized long awaitReleased(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    long unreleased;
    while ((unreleased = unreleased()) > 0) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return unreleased;
  }

  private synchronized void released() {
    notifyAll();
  }

  @Override
  public DataBuffer wrap(ByteBuffer byteBuffer) {
    Counted counted = new Counted(delegate.wrap(byteBuffer), this);
    made.add(counted);
    return counted;
  }

  @Override
  @Deprecated
  public DataBuffer allocateBuffer() {
    return delegate.allocateBuffer(256);
  }

  @Override
  public DataBuffer allocateBuffer(int initialCapacity) {
    return delegate.allocateBuffer(initialCapacity);
  }

  @Override
  public DataBuffer wrap(byte[] bytes) {
    return delegate.wrap(bytes);
  }

  @Override
  public DataBuffer join(List<? extends DataBuffer> dataBuffers) {
    return delegate.join(dataBuffers);
  }

  @Override
  public boolean isDirect() {
    return false;
  }

  private static final class Counted extends DataBufferWrapper implements PooledDataBuffer {
    private final AtomicInteger references = new AtomicInteger(1);
    private final int size;
    private final CountingDataBufferFactory factory;

    Counted(DataBuffer delegate, CountingDataBufferFactory factory) {
      super(delegate);
      this.size = delegate.readableByteCount();
      this.factory = factory;
    }

    @Override
    public boolean isAllocated() {
      return references.get() > 0;
    }

    @Override
    public PooledDataBuffer retain() {
      references.incrementAndGet();
      return this;
    }

    @Override
    public PooledDataBuffer touch(Object hint) {
      return this;
    }

    @Override
    public boolean release() {
      int left = references.decrementAndGet();
      if (left < 0) {
        throw new IllegalStateException("buffer released more often than retained (refCnt " + left + ")");
      }
      if (left == 0) {
        factory.released();
      }
      return left == 0;
    }
  }
}
