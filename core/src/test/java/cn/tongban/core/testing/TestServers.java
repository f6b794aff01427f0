package cn.tongban.core.testing;

import cn.tongban.core.infra.EmbeddedPostgresServer;
import cn.tongban.core.infra.EmbeddedRedisServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL and one real Redis per test JVM, reached by URL like external servers. Each test
 * class gets its own database and its own Redis database number, so classes never see each other's data.
 */
public final class TestServers {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgresServer postgres;
  private static EmbeddedRedisServer redis;

  private TestServers() {
  }

  private static synchronized void ensureStarted() {
    if (postgres != null) {
      return;
    }
    try {
      Path root = Files.createTempDirectory("tongban-test-servers");
      // A throw-away server shared by the tests: no fsync (the jar tests run the durable default).
      postgres = EmbeddedPostgresServer.start(root.resolve("pg"), false);
      redis = EmbeddedRedisServer.start(root.resolve("redis"));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          redis.close();
          postgres.close();
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
