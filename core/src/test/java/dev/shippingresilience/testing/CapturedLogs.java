package dev.shippingresilience.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider that keeps every log line, at every level, in memory while a {@link Capture} is open (and
 * drops them otherwise), plus the {@code java.util.logging} records of the same period (OkHttp's connection-leak
 * warning goes there). A test module registers it in its own
 * {@code src/test/resources/META-INF/services/org.slf4j.spi.SLF4JServiceProvider}; test classes come first on the
 * class path, so SLF4J picks it over the module's {@code slf4j-nop}. Lines keep the logger's name and the rendered
 * throwable (causes and suppressed included), so a test can assert that no secret reached any log. Captures do not
 * nest per thread: open one at a time.
 */
public final class CapturedLogs implements SLF4JServiceProvider {
  private static final List<Line> LINES = new CopyOnWriteArrayList<>();
  private static volatile boolean open;

  private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
  private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, CapturingLogger::new);
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new BasicMDCAdapter();

  /** One captured line. */
  public record Line(String logger, String level, String text) {
    @Override
    public String toString() {
      return level + " " + logger + ": " + text;
    }
  }

  /** An open capture; {@link #close()} stops capturing. */
  public static final class Capture implements AutoCloseable {
    private final Handler julHandler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        String text = record.getMessage() + (record.getThrown() == null ? "" : "\n" + stack(record.getThrown()));
        LINES.add(new Line(String.valueOf(record.getLoggerName()), record.getLevel().getName(), text));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };

    private Capture() {
      LINES.clear();
      java.util.logging.Logger.getLogger("").addHandler(julHandler);
      open = true;
    }

    /** Returns the lines captured so far. */
    public List<Line> lines() {
      return List.copyOf(LINES);
    }

    @Override
    public void close() {
      open = false;
      java.util.logging.Logger.getLogger("").removeHandler(julHandler);
      LINES.clear();
    }
  }

  /**
   * Starts capturing.
   *
   * @throws IllegalStateException if SLF4J is bound to another provider (a test would then pass vacuously)
   */
  public static Capture start() {
    ILoggerFactory bound = LoggerFactory.getILoggerFactory();
    if (!bound.getClass().getName().startsWith(CapturedLogs.class.getName())) {
      throw new IllegalStateException("SLF4J is bound to " + bound.getClass().getName() + ", not CapturedLogs: add "
          + "META-INF/services/org.slf4j.spi.SLF4JServiceProvider to the module's test resources");
    }
    return new Capture();
  }

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

  private static String stack(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /** Records every level while a capture is open; enabled for nothing otherwise, so other tests stay quiet. */
  private static final class CapturingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    CapturingLogger(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return open;
    }

    @Override
    public boolean isDebugEnabled() {
      return open;
    }

    @Override
    public boolean isInfoEnabled() {
      return open;
    }

    @Override
    public boolean isWarnEnabled() {
      return open;
    }

    @Override
    public boolean isErrorEnabled() {
      return open;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
        Throwable throwable) {
      if (!open) {
        return;
      }
      String text = MessageFormatter.basicArrayFormat(messagePattern, arguments);
      LINES.add(new Line(name, level.name(), throwable == null ? text : text + "\n" + stack(throwable)));
    }
  }
}
