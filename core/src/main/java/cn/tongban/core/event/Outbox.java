package cn.tongban.core.event;

import cn.tongban.plugin.Trace;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The one writer of single outbox events, inside the transaction that made the change they announce, so an
 * event exists exactly when its change committed. The relay (package {@code outbox}) delivers them after
 * commit. Set-based statements that raise many events at once (the deadline scan, a case change in one round
 * trip) insert theirs in the same statement instead. Each event keeps the trace of the request that produced it
 * ({@link Trace}), which the relay hands to the sinks.
 */
public final class Outbox {
  private static final String INSERT = "insert into outbox_event (aggregate_type, aggregate_id, event_type, payload,"
      + " traceparent) values ($1, $2, $3, $4, $5)";

  private Outbox() {
  }

  /** Appends an event about {@code aggregateType}/{@code aggregateId}. */
  public static Future<Void> append(SqlClient tx, String aggregateType, String aggregateId, String eventType,
      JsonObject payload) {
    return tx.preparedQuery(INSERT).execute(Tuple.of(aggregateType, aggregateId, eventType, payload,
        Trace.currentTraceparent())).mapEmpty();
  }
}
