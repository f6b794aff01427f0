package cn.tongban.core.infra;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;

import java.util.logging.Logger;

/** The reactive PostgreSQL pool, and the Flyway migrations that run (off the event loop) before it is used. */
public final class Database {
  private static final Logger LOG = Logger.getLogger(Database.class.getName());

  private Database() {
  }

  /** Runs every pending migration on a worker thread. */
  public static Future<Void> migrate(Vertx vertx, String url) {
    return vertx.executeBlocking(() -> {
      PgConnectOptions o = PgConnectOptions.fromUri(url);
      String jdbc = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
      Flyway flyway = Flyway.configure()
          .dataSource(jdbc, o.getUser(), o.getPassword())
          .locations("classpath:db/migration")
          .load();
      int applied = flyway.migrate().migrationsExecuted;
      LOG.info(() -> "database schema at version " + flyway.info().current().getVersion()
          + " (" + applied + " migrations applied now)");
      return null;
    });
  }

  /** Whether PostgreSQL answers on this pool (the health check's probe). */
  public static Future<Void> ping(Pool pool) {
    return pool.query("select 1").execute().mapEmpty();
  }

  /** A pool on the given URL, sized by configuration. */
  public static Pool pool(Vertx vertx, String url, int size) {
    return pool(vertx, url, size, "requests");
  }

  /** As {@link #pool(Vertx, String, int)}, named: the metrics tell the pools apart by name (pool_name). */
  public static Pool pool(Vertx vertx, String url, int size, String name) {
    PgConnectOptions connect = PgConnectOptions.fromUri(url)
        .setCachePreparedStatements(true)
        // The client caches only statements shorter than 2,048 characters by default; the submission and
        // transition statements are longer, so each execution was parsed and planned again (0.75 ms of
        // PostgreSQL's CPU per submission, more than the insert itself). Every statement text here is a
        // constant, so the cache (256 per connection) holds them all.
        .setPreparedStatementCacheSqlLimit(65_536)
        .setPipeliningLimit(16)
        .setReconnectAttempts(2)
        .setReconnectInterval(500)
        // A statement that hangs (a lock held elsewhere, a stalled server) fails after 30 s instead of holding
        // its connection and its request for ever; the longest regular work, a deadline scan, takes seconds.
        .addProperty("statement_timeout", "30000")
        .addProperty("idle_in_transaction_session_timeout", "60000");
    PoolOptions pool = new PoolOptions()
        .setMaxSize(size)
        .setMaxWaitQueueSize(size * 64)
        .setConnectionTimeout(5)
        .setName(name)
        .setShared(false);
    // A server that does not answer a connect fails the request in seconds, not after the 60 s default.
    NetClientOptions net = new NetClientOptions().setConnectTimeout(3_000);
    return PgBuilder.pool().with(pool).with(net).connectingTo(connect).using(vertx).build();
  }
}
