package cn.tongban.core.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server from Maven binaries, its data kept under a directory so a restart keeps
 * every case. Start and stop are blocking: call them from a worker thread.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class.getName());
  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts PostgreSQL on a free port with its data in {@code dataDir} (created when missing), every commit
   * flushed to disk before it is acknowledged.
   */
  public static EmbeddedPostgresServer start(Path dataDir) throws IOException {
    return start(dataDir, true);
  }

  /**
   * As {@link #start(Path)}; {@code durable = false} turns fsync off, which only a throw-away test server
   * may do (the library's own default is off: it passes {@code -F}, which {@code fsync=on} overrides).
   */
  public static EmbeddedPostgresServer start(Path dataDir, boolean durable) throws IOException {
    return start(dataDir, durable, 0);
  }

  /** As {@link #start(Path, boolean)} on a given port ({@code 0}: a free one), e.g. to restart a server in place. */
  public static EmbeddedPostgresServer start(Path dataDir, boolean durable, int port) throws IOException {
    Files.createDirectories(dataDir);
    ProcessFiles.stopLeftover(dataDir.resolve("postmaster.pid"), "postgres", Duration.ofSeconds(60));
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (port != 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres pg = builder
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "100")
        .setServerConfig("fsync", durable ? "on" : "off")
        .setServerConfig("full_page_writes", durable ? "on" : "off")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("timezone", "Asia/Shanghai")
        .setLocaleConfig("encoding", "UTF8")
        .setLocaleConfig("locale", "C")
        .start();
    LOG.info(() -> "embedded PostgreSQL started on port " + pg.getPort() + ", data in " + dataDir);
    return new EmbeddedPostgresServer(pg);
  }

  /**
   * The URL of the server already running on {@code dataDir} (a running node's), read from its
   * {@code postmaster.pid}, whose fourth line is the port; empty when none runs there.
   */
  public static Optional<String> runningUrl(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (ProcessFiles.alive(pidFile, "postgres").isEmpty()) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    return lines.size() > 3 && lines.get(3).trim().matches("\\d+")
        ? Optional.of(url(Integer.parseInt(lines.get(3).trim()), "postgres")) : Optional.empty();
  }

  /** The URL to reach this server's {@code postgres} database as the {@code postgres} user. */
  public String url() {
    return url("postgres");
  }

  /** The URL of one database on this server. */
  public String url(String database) {
    return url(postgres.getPort(), database);
  }

  private static String url(int port, String database) {
    return "postgresql://postgres:postgres@127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
