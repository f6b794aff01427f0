package cn.tongban.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.VertxException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.util.Locale;

/** How failures of the stores map to problems: unavailable is a 503, a bad statement stays a 500. */
class ProblemsTest {
  private static JsonObject problem(Throwable t) {
    return Problems.toProblem(t, Locale.ENGLISH, "/api/v1/applications", "trace");
  }

  @Test
  void aServerShuttingDownOrRestartingIsA503NamingPostgres() {
    for (String state : new String[] {"57P01", "57P03", "08006", "53300"}) {
      JsonObject p = problem(new PgException("terminating connection due to administrator command", "FATAL", state,
          null));
      assertEquals(503, p.getInteger("status"), state);
      assertEquals("dependency-unavailable", p.getString("code"), state);
      assertEquals("A service the platform depends on (PostgreSQL) is unavailable; try again later.",
          p.getString("detail"));
    }
  }

  @Test
  void aConnectionResetByTheServerIsA503() {
    // Found by OutageTest: PostgreSQL stopping under load resets connections mid-read.
    assertEquals(503, problem(new java.net.SocketException("Connection reset")).getInteger("status"));
    assertEquals(503, problem(new java.net.ConnectException("Connection refused")).getInteger("status"));
  }

  @Test
  void waitingTooLongForAPooledConnectionIsA503() {
    assertEquals(503, problem(new VertxException("Timeout waiting for connection")).getInteger("status"));
    assertEquals(503, problem(new VertxException("Connection pool reached max wait queue size of 512"))
        .getInteger("status"));
  }

  @Test
  void aValueFromTheRequestThatPostgresCannotStoreIsA400() {
    JsonObject p = problem(new PgException("unsupported Unicode escape sequence", "ERROR", "22P05", null));
    assertEquals(400, p.getInteger("status"));
    assertEquals("The request contains data that cannot be stored (such as a NUL character); correct it and try again.",
        p.getString("detail"));
  }

  @Test
  void aFailingStatementIsStillAnInternalError() {
    assertEquals(500, problem(new PgException("duplicate key value violates unique constraint", "ERROR", "23505",
        null)).getInteger("status"));
  }
}
