package cn.tongban.core.infra;

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
  private final RedisServer server;
  private final int port;

  private EmbeddedRedisServer(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts Redis on a free loopback port, its pid file in {@code workDir}. */
  public static EmbeddedRedisServer start(Path workDir) throws IOException {
    Files.createDirectories(workDir);
    Path pidFile = workDir.resolve("redis.pid");
    ProcessFiles.stopLeftover(pidFile, "redis", Duration.ofSeconds(20));
    int port = freePort();
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
        // Our own shutdown stops it, after the connections to it are closed; a second hook would race that.
        .onShutdownForceStop(false)
        .build();
    server.start();
    LOG.info(() -> "embedded Redis started on port " + port);
    return new EmbeddedRedisServer(server, port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException {
    server.stop();
  }
}
