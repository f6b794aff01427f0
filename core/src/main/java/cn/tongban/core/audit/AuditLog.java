package cn.tongban.core.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The one writer of single audit events, inside the caller's transaction (or on its own when given a pool).
 * The sealer ({@link AuditChain}) links every event into the hash chain afterwards. Statements that record a
 * case change together with its audit row in one round trip (the submission, the case actions) insert theirs
 * in the same statement instead.
 */
public final class AuditLog {
  private static final String INSERT = "insert into audit_event (actor, action, entity_type, entity_id, detail)"
      + " values ($1, $2, $3, $4, $5)";

  private AuditLog() {
  }

  /** Records that {@code actor} did {@code action} to the entity; a null {@code detail} is stored as {@code {}}. */
  public static Future<Void> record(SqlClient client, String actor, String action, String entityType, String entityId,
      JsonObject detail) {
    return client.preparedQuery(INSERT).execute(Tuple.of(actor, action, entityType, entityId,
        detail == null ? new JsonObject() : detail)).mapEmpty();
  }
}
