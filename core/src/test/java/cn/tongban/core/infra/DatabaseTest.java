package cn.tongban.core.infra;

import cn.tongban.core.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The platform's pool bounds every statement, so a hanging one frees its connection and its request. */
class DatabaseTest {
  @Test
  void statementsThatHangAreCancelled() throws Exception {
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.pool(vertx, TestServers.newDatabase(), 2);
    try {
      String timeout = pool.query("show statement_timeout").execute().map(r -> r.iterator().next().getString(0))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals("30s", timeout);
      // A shorter bound in one transaction shows what the platform's bound does to a statement that hangs.
      ExecutionException e = assertThrows(ExecutionException.class, () -> pool.withTransaction(tx -> tx
              .query("set local statement_timeout = 200").execute()
              .compose(v -> tx.query("select pg_sleep(5)").execute()))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof PgException p && "57014".equals(p.getSqlState()), String.valueOf(e.getCause()));
    } finally {
      pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
