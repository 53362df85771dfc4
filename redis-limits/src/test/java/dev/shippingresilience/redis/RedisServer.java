package dev.shippingresilience.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a random loopback port, without persistence ({@code --save '' --appendonly no}),
 * started and stopped by the tests: Debian's {@code redis-server} when installed, else on Linux x86-64 the Redis
 * binary that Maven delivers in the embedded-redis test jar. Tests skip (with a message saying how to install it)
 * only when neither exists.
 *
 * <p>Public, and published in this module's test-jar, so that other modules' tests (spring-adapter) run against the
 * same launcher instead of a copy.
 */
public final class RedisServer implements AutoCloseable {
  private static final List<String> FALLBACK_DIRS = List.of("/usr/bin", "/usr/local/bin", "/usr/sbin",
      "/opt/homebrew/bin");

  private final Path binary;
  private final int port;
  private final Path dir;
  private Process process;

  private RedisServer(Path binary, int port, Path dir) throws IOException {
    this.binary = binary;
    this.port = port;
    this.dir = dir;
    this.process = launch();
  }

  /**
   * The real Redis binary that the {@code com.github.codemonstur:embedded-redis} test dependency carries as a
   * resource, for machines without Debian's package (a CI that reaches only Maven's registry).
   */
  private static final String BUNDLED_LINUX_AMD64 = "redis-server-6.2.6-v5-linux-amd64";
  private static volatile @Nullable Path bundled;

  /**
   * Returns the {@code redis-server} binary on the PATH (or in the usual places); else, on Linux x86-64, the one
   * bundled in the embedded-redis test jar, copied to a temporary file; else nothing.
   */
  public static Optional<Path> binary() {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(FALLBACK_DIRS);
    for (String d : dirs) {
      Path candidate = Path.of(d, "redis-server");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return bundledBinary();
  }

  private static synchronized Optional<Path> bundledBinary() {
    if (bundled != null) {
      return Optional.of(bundled);
    }
    boolean linuxAmd64 = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
        && List.of("amd64", "x86_64").contains(System.getProperty("os.arch", ""));
    if (!linuxAmd64) {
      return Optional.empty();
    }
    try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(BUNDLED_LINUX_AMD64)) {
      if (in == null) {
        return Optional.empty();
      }
      Path dir = Files.createTempDirectory("shipres-redis-bin");
      Path binary = dir.resolve("redis-server");
      // deleted at exit in reverse order: the binary, then its directory
      dir.toFile().deleteOnExit();
      binary.toFile().deleteOnExit();
      Files.copy(in, binary);
      if (!binary.toFile().setExecutable(true, true)) {
        return Optional.empty();
      }
      bundled = binary;
      return Optional.of(binary);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Starts a server on a free port, or skips the calling test when no binary can be found. */
  public static RedisServer start() throws IOException {
    Optional<Path> bin = binary();
    Assumptions.assumeTrue(bin.isPresent(), "redis-server not found on PATH, and no bundled binary for this "
        + "platform: these tests need a real Redis. Install it (apt-get install -y redis-server; .ci/run tries "
        + "this when it is missing). Skipping.");
    IOException last = null;
    for (int i = 0; i < 5; i++) {
      try {
        return new RedisServer(bin.get(), freePort(), Files.createTempDirectory("shipres-redis"));
      } catch (IOException e) {
        last = e; // the port was taken between probing and binding: try another
      }
    }
    throw last;
  }

  /** Starts a server on {@code port} (one a test reserved earlier), or skips the test when no binary exists. */
  static RedisServer startOn(int port) throws IOException {
    Optional<Path> bin = binary();
    Assumptions.assumeTrue(bin.isPresent(), "redis-server not found on PATH: skipping");
    return new RedisServer(bin.get(), port, Files.createTempDirectory("shipres-redis"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Process launch() throws IOException {
    ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
        "--logfile", "")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile());
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("redis-server exited with " + p.exitValue() + ": " + log());
      }
      if (ping()) {
        return p;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException("interrupted while starting redis-server", e);
      }
    }
    p.destroyForcibly();
    throw new IOException("redis-server did not answer PING within 10 s: " + log());
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Returns {@code true} when the server answers PING. */
  public boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      s.setSoTimeout(200);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  /** Returns {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Kills the server at once (SIGKILL), as a crash would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
  }

  /** Starts the server again on the same port, empty (no persistence). */
  void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("still running");
    }
    process = launch();
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Resumes a frozen server (SIGCONT). */
  void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " failed");
    }
  }

  /** Stops the server. */
  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        thaw();
      } catch (IOException | InterruptedException e) {
        // best effort: a frozen server must be resumed to exit on SIGTERM
      }
      process.destroy();
      try {
        if (!process.waitFor(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
