package cn.tongban.core.testing;

import cn.tongban.core.infra.EmbeddedPostgresServer;
import cn.tongban.core.infra.EmbeddedRedisServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One real PostgreSQL and one real Redis per test JVM, reached by URL like external servers. Each test
 * class gets its own database and its own Redis database number, so classes never see each other's data.
 */
public final class TestServers {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgresServer postgres;
  private static EmbeddedRedisServer redis;

  private static final String PREFIX = "tongban-test-servers";
  /** The file in a servers' directory naming the test JVM that started them. */
  private static final String OWNER = "owner.pid";
  /** A directory without a running PostgreSQL this old is no test JVM's that is still starting its servers. */
  private static final Duration STARTING = Duration.ofMinutes(10);

  private TestServers() {
  }

  /**
   * Removes the servers' directories (1–2 GB each) that earlier test JVMs left in the temporary directory when
   * they were killed before their shutdown hook ran: those whose JVM ({@code owner}) is gone, its PostgreSQL
   * stopped first if it outlived it; a directory from before owners were written, when no PostgreSQL runs there
   * and it is not minutes new. A live JVM's servers (a second fork, a build in another checkout) stay.
   */
  private static void sweepLeftovers(Path tmp) {
    try (Stream<Path> dirs = Files.list(tmp)) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX)).toList()) {
        Optional<ProcessHandle> postgres = process(dir.resolve("pg").resolve("postmaster.pid"));
        Optional<ProcessHandle> owner = process(dir.resolve(OWNER));
        boolean left = Files.exists(dir.resolve(OWNER)) ? owner.isEmpty() : postgres.isEmpty()
            && Files.getLastModifiedTime(dir).toInstant().isBefore(Instant.now().minus(STARTING));
        if (left) {
          postgres.filter(p -> p.info().command().orElse("").contains("postgres")).ifPresent(p -> {
            p.destroy();
            p.onExit().completeOnTimeout(p, 30, TimeUnit.SECONDS).join();
          });
          delete(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("removing earlier test servers' directories failed: " + e);
    }
  }

  /** The live process whose pid is on the first line of {@code pidFile}, if any. */
  private static Optional<ProcessHandle> process(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    return lines.isEmpty() ? Optional.empty()
        : ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive);
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static synchronized void ensureStarted() {
    if (postgres != null) {
      return;
    }
    try {
      Path root = Files.createTempDirectory(PREFIX);
      Files.writeString(root.resolve(OWNER), ProcessHandle.current().pid() + "\n");
      // Where the JDK makes temporary directories (it reads java.io.tmpdir once: /tmp or target/tmp).
      sweepLeftovers(root.getParent());
      // A throw-away server shared by the tests: no fsync (the jar tests run the durable default).
      postgres = EmbeddedPostgresServer.start(root.resolve("pg"), false);
      redis = EmbeddedRedisServer.start(root.resolve("redis"));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          redis.close();
          postgres.close();
          delete(root);
        } catch (Exception e) {
          System.err.println("stopping test servers failed: " + e);
        }
      }));
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the test PostgreSQL and Redis", e);
    }
  }

  /** A new, empty database on the shared server, as a {@code postgresql://} URL. */
  public static String newDatabase() {
    ensureStarted();
    String name = "tongban_test_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres",
        "postgres", "postgres"); Statement s = c.createStatement()) {
      s.execute("drop database if exists " + name);
      s.execute("create database " + name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return postgres.url(name);
  }

  /** A Redis URL with a database number of its own (0–15, in turn), emptied first. */
  public static String newRedis() {
    ensureStarted();
    int db = DATABASES.incrementAndGet() % 16;
    String url = redis.url() + "/" + db;
    try (var socket = new java.net.Socket("127.0.0.1", Integer.parseInt(redis.url().replaceAll(".*:", "")))) {
      var out = socket.getOutputStream();
      out.write(("SELECT " + db + "\r\nFLUSHDB\r\nQUIT\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      socket.getInputStream().readAllBytes();
    } catch (Exception e) {
      throw new IllegalStateException("cannot empty Redis database " + db, e);
    }
    return url;
  }
}
