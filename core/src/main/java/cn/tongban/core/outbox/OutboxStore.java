package cn.tongban.core.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The relay's SQL on {@code outbox_event}: reading the pending line, leasing, marking delivered, scheduling
 * a retry, and the administrators' list of dead events. Events are written by {@code event.Outbox.append}
 * inside the transactions that raise them.
 */
public final class OutboxStore {
  // A claim walks the pending events in sequence order (along the pending-only index, a page of PAGE at a
  // time, usually one page) and picks, in Java, each due event that has no earlier pending event of its
  // aggregate: an event seen earlier in the walk, due or backing off. So the order per case holds exactly, and
  // events behind any number of others that are backing off (a failing sink) are still found. The picked
  // events are then leased unless another node took them meanwhile. (One statement with a correlated NOT
  // EXISTS was planned along the wrong partial index whenever the statistics were stale, a scan of every
  // pending event per candidate: 50-670 ms per claim under load, more of PostgreSQL's time than the
  // submissions it relayed.)
  private static final String PENDING_PAGE = """
      select id, seq, aggregate_type, aggregate_id, next_attempt_at <= now() as due from outbox_event
      where status = 'PENDING' and seq > $1 order by seq limit %d""".formatted(OutboxRelay.PAGE);

  // "Not delivered, not dead" rather than "= 'PENDING'": the same rows, but no partial index on the status
  // matches it, so the planner goes by primary key. With "= 'PENDING'" and statistics from a quiet moment
  // (no pending event then), it walked the pending-only index through thousands of pending events instead.
  private static final String LEASE = """
      update outbox_event set next_attempt_at = now() + ($2 || ' seconds')::interval, attempts = attempts + 1
      where id in (
        select e.id from outbox_event e
        where e.id = any($1::uuid[]) and e.status not in ('DELIVERED', 'DEAD') and e.next_attempt_at <= now()
        for update skip locked)
      returning id::text, seq, aggregate_type, aggregate_id, event_type, payload, attempts, traceparent""";

  private final Pool pool;

  public OutboxStore(Pool pool) {
    this.pool = pool;
  }

  /** A pending event as the claim's walk sees it. */
  public record Pending(UUID id, long seq, String aggregateType, String aggregateId, boolean due) {
  }

  /** A leased event, to be delivered. */
  public record Leased(String id, long seq, String aggregateType, String aggregateId, String eventType,
      Object payload, int attempts, String traceparent) {
  }

  /** Up to {@link OutboxRelay#PAGE} pending events after {@code afterSeq}, in sequence order. */
  public Future<List<Pending>> pendingAfter(long afterSeq) {
    return pool.preparedQuery(PENDING_PAGE).execute(Tuple.of(afterSeq)).map(rows -> {
      List<Pending> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Pending(r.getUUID("id"), r.getLong("seq"), r.getString("aggregate_type"),
            r.getString("aggregate_id"), r.getBoolean("due")));
      }
      return out;
    });
  }

  /** Leases those of {@code ids} still due and not taken by another node, for {@code leaseSeconds}. */
  public Future<List<Leased>> lease(List<UUID> ids, int leaseSeconds) {
    return pool.preparedQuery(LEASE).execute(Tuple.of(ids.toArray(UUID[]::new), String.valueOf(leaseSeconds)))
        .map(rows -> {
          List<Leased> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Leased(r.getString("id"), r.getLong("seq"), r.getString("aggregate_type"),
                r.getString("aggregate_id"), r.getString("event_type"), r.getValue("payload"),
                r.getInteger("attempts"), r.getString("traceparent")));
          }
          return out;
        });
  }

  /** Events waiting to go out and dead letters, counted for the metrics ({@code pending}, {@code dead}). */
  public Future<long[]> backlog() {
    return pool.query("select count(*) filter (where status = 'PENDING'), count(*) filter (where status = 'DEAD')"
            + " from outbox_event where status in ('PENDING', 'DEAD')")
        .execute().map(rows -> {
          Row r = rows.iterator().next();
          return new long[] {r.getLong(0), r.getLong(1)};
        });
  }

  /** Marks the events delivered. */
  public Future<Void> delivered(List<String> ids) {
    return pool.preparedQuery("update outbox_event set status = 'DELIVERED', delivered_at = now(), last_error = null"
            + " where id = any($1::uuid[])")
        .execute(Tuple.of(ids.stream().map(UUID::fromString).toArray(UUID[]::new)))
        .mapEmpty();
  }

  /** A failed delivery: the next try after {@code delayMillis}, or dead. */
  public Future<Void> failed(String id, boolean dead, String error, long delayMillis) {
    return pool.preparedQuery("update outbox_event set status = $2, last_error = $3,"
            + " next_attempt_at = now() + ($4 || ' milliseconds')::interval where id = $1::uuid")
        .execute(Tuple.of(UUID.fromString(id), dead ? "DEAD" : "PENDING", error, String.valueOf(delayMillis)))
        .mapEmpty();
  }

  /** A dead event, as administrators see it. */
  public record Dead(String id, long seq, String aggregateType, String aggregateId, String type, int attempts,
      String lastError, OffsetDateTime createdAt) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("seq", seq).put("aggregateType", aggregateType)
          .put("aggregateId", aggregateId).put("type", type).put("attempts", attempts).put("lastError", lastError)
          .put("createdAt", createdAt.toString());
    }
  }

  /** Dead events, newest first. */
  public Future<List<Dead>> dead(int limit) {
    return pool.preparedQuery("""
            select id::text, seq, aggregate_type, aggregate_id, event_type, attempts, last_error, created_at
            from outbox_event where status = 'DEAD' order by seq desc limit $1""")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<Dead> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Dead(r.getString(0), r.getLong(1), r.getString(2), r.getString(3),
              r.getString(4), r.getInteger(5), r.getString(6), r.getOffsetDateTime(7))));
          return out;
        });
  }

  /** Puts a dead event back in line; false when there is no dead event with this id. */
  public Future<Boolean> retry(UUID id) {
    return pool.preparedQuery("update outbox_event set status = 'PENDING', attempts = 0, next_attempt_at = now()"
            + " where id = $1::uuid and status = 'DEAD'")
        .execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }
}
