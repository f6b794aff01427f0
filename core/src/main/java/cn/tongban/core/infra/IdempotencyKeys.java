package cn.tongban.core.infra;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/**
 * The one statement that forgets idempotency keys past their retention (docs/operations.md, "Idempotency
 * keys"), for the stores whose rows carry them: the key and the request's hash are cleared, the row stays.
 */
public final class IdempotencyKeys {
  private IdempotencyKeys() {
  }

  /**
   * Clears one batch of at most {@code batch} rows of {@code table} whose key is older than {@code before} by
   * {@code at}, found through the table's partial index of V67 ({@code onlyCompleted}: only rows with
   * {@code completed_at}, as that index has them); rows another node holds are skipped. The number cleared.
   */
  public static Future<Integer> forget(SqlClient client, String table, String at, boolean onlyCompleted,
      OffsetDateTime before, int batch) {
    return client.preparedQuery("with due as (select id from " + table + " where idempotency_key is not null"
            + (onlyCompleted ? " and completed_at is not null" : "") + " and " + at + " < $1 order by " + at
            + " limit $2 for update skip locked)"
            + " update " + table + " t set idempotency_key = null, request_hash = null from due where t.id = due.id")
        .execute(Tuple.of(before, batch)).map(rows -> rows.rowCount());
  }
}
