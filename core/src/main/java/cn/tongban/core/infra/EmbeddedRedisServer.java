package cn.tongban.core.infra;

import redis.embedded.RedisInstance;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * A real Redis server from a Maven artifact that ships its binary. Redis holds short-lived state; its
 * append-only file in the work directory keeps token revocations across restarts. Start and stop are
 * blocking: call them from a worker thread.
 */
public final class EmbeddedRedisServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedRedisServer.class.getName());
  private final Process process;
  private final int port;

  private EmbeddedRedisServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts Redis on a free loopback port, its pid file in {@code workDir}. */
  public static EmbeddedRedisServer start(Path workDir) throws IOException {
    return start(workDir, 0);
  }

  /** As {@link #start(Path)} on a given port ({@code 0}: a free one), e.g. to restart a server in place. */
  public static EmbeddedRedisServer start(Path workDir, int fixedPort) throws IOException {
    Files.createDirectories(workDir);
    Path pidFile = workDir.resolve("redis.pid");
    ProcessFiles.stopLeftover(pidFile, "redis", Duration.ofSeconds(20));
    int port = fixedPort != 0 ? fixedPort : freePort();
    RedisServer server = RedisServer.newRedisServer()
        .bind("127.0.0.1")
        .port(port)
        .setting("dir " + workDir)
        .setting("pidfile " + pidFile)
        .setting("save \"\"")
        // Revocations (logout, password change) must outlive a restart: an append-only file in workDir.
        .setting("appendonly yes")
        .setting("appendfsync everysec")
        .setting("maxmemory 256mb")
        .setting("maxmemory-policy volatile-lru")
        .onShutdownForceStop(false)
        .build();
    startToleratingBusyBinary(server);
    LOG.info(() -> "embedded Redis started on port " + port);
    return new EmbeddedRedisServer(takeOver(server), port);
  }

  /**
   * Starts the server, again if exec failed with "Text file busy": a process forked elsewhere in the JVM
   * (embedded PostgreSQL starting at the same time) can briefly hold the just-extracted binary open for
   * writing (JDK-8068370).
   */
  private static void startToleratingBusyBinary(RedisServer server) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        server.start();
        return;
      } catch (IOException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
          cause = cause.getCause();
        }
        if (attempt == 5 || !String.valueOf(cause.getMessage()).contains("Text file busy")) {
          throw e;
        }
        LOG.info("the Redis binary was busy (a concurrent fork): starting it again");
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * The library registers a JVM shutdown hook on every start that stops Redis at once, racing our own
   * shutdown, which closes the connections first (otherwise the client logs reconnect failures as Redis
   * goes away under it). So we take the process over: the library's instance is marked inactive, which
   * turns its hook into a no-op, and {@link #close()} stops the process itself.
   */
  private static Process takeOver(RedisServer server) throws IOException {
    try {
      java.lang.reflect.Field processField = RedisInstance.class.getDeclaredField("process");
      java.lang.reflect.Field activeField = RedisInstance.class.getDeclaredField("active");
      processField.setAccessible(true);
      activeField.setAccessible(true);
      synchronized (server) {
        Process p = (Process) processField.get(server);
        activeField.setBoolean(server, false);
        return p;
      }
    } catch (ReflectiveOperationException e) {
      server.stop();
      throw new IOException("embedded-redis changed its internals; cannot manage the Redis process", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping Redis", e);
    }
  }
}
