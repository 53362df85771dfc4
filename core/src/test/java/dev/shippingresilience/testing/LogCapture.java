package dev.shippingresilience.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Captures, while open, every line that loggers under the given name prefixes write at DEBUG and above, with the
 * text of any exception logged (stack, causes and suppressed ones). Silent otherwise, like {@code slf4j-nop}.
 *
 * <p>A module uses it by naming {@link Provider} in its test resources'
 * {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider}: SLF4J takes the first provider on the class path,
 * and a module's own test classes come first. One capture at a time.
 */
public final class LogCapture implements AutoCloseable {
  private static final AtomicReference<LogCapture> OPEN = new AtomicReference<>();

  private final List<String> prefixes;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private LogCapture(List<String> prefixes) {
    this.prefixes = prefixes;
  }

  /**
   * Starts capturing the loggers whose names start with one of {@code loggerPrefixes}.
   *
   * @throws IllegalStateException if SLF4J does not use {@link Provider} or another capture is open
   */
  public static LogCapture start(String... loggerPrefixes) {
    if (!(LoggerFactory.getILoggerFactory() instanceof Factory)) {
      throw new IllegalStateException("SLF4J does not use LogCapture.Provider but "
          + LoggerFactory.getILoggerFactory().getClass().getName() + ": register it in META-INF/services");
    }
    LogCapture capture = new LogCapture(List.of(loggerPrefixes));
    if (!OPEN.compareAndSet(null, capture)) {
      throw new IllegalStateException("another LogCapture is open");
    }
    return capture;
  }

  /** Returns the lines captured so far, each {@code LEVEL logger: message} and any exception's text. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    OPEN.compareAndSet(this, null);
  }

  private static boolean wanted(String logger) {
    LogCapture capture = OPEN.get();
    return capture != null && capture.prefixes.stream().anyMatch(logger::startsWith);
  }

  private static void add(String logger, Level level, String message, Throwable t) {
    LogCapture capture = OPEN.get();
    if (capture == null) {
      return;
    }
    StringBuilder line = new StringBuilder(level + " " + logger + ": " + message);
    if (t != null) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      line.append('\n').append(trace);
    }
    capture.lines.add(line.toString());
  }

  /** The SLF4J provider behind {@link LogCapture}; name it in {@code META-INF/services}. */
  public static final class Provider implements SLF4JServiceProvider {
    private final Factory factory = new Factory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Creates the provider; SLF4J does. */
    public Provider() {}

    @Override
    public ILoggerFactory getLoggerFactory() {
      return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
      return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
      return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
      return "2.0.99";
    }

    @Override
    public void initialize() {}
  }

  private static final class Factory implements ILoggerFactory {
    @Override
    public org.slf4j.Logger getLogger(String name) {
      return new CapturingLogger(name);
    }
  }

  private static final class CapturingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    CapturingLogger(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return wanted(name);
    }

    @Override
    public boolean isInfoEnabled() {
      return wanted(name);
    }

    @Override
    public boolean isWarnEnabled() {
      return wanted(name);
    }

    @Override
    public boolean isErrorEnabled() {
      return wanted(name);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
        Throwable throwable) {
      add(name, level, MessageFormatter.basicArrayFormat(messagePattern, arguments), throwable);
    }
  }
}
