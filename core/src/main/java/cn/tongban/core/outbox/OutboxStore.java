package cn.tongban.core.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The relay's SQL on {@code outbox_event} and {@code outbox_claim}: reading the pending line, claiming a
 * batch, marking delivered, scheduling a retry, and the administrators' list of dead events. Events are written by {@code event.Outbox.append}
 * inside the transactions that raise them.
 */
public final class OutboxStore {
  // A claim walks the pending events in sequence order (along the pending-only index, a page of PAGE at a
  // time, usually one page) and picks, in Java, each due event that has no earlier pending event of its
  // aggregate: an event seen earlier in the walk, due or backing off. So the order per case holds exactly, and
  // events behind any number of others that are backing off (a failing sink) are still found; an event another
  // node's running claim holds counts as seen, not due. (One statement with a correlated NOT
  // EXISTS was planned along the wrong partial index whenever the statistics were stale, a scan of every
  // pending event per candidate: 50-670 ms per claim under load, more of PostgreSQL's time than the
  // submissions it relayed.)
  private static final String PENDING_PAGE = """
      select id, seq, aggregate_type, aggregate_id, next_attempt_at <= now() as due from outbox_event
      where status = 'PENDING' and seq > $1 order by seq limit %d""".formatted(OutboxRelay.PAGE);

  // Claims are taken one at a time across the nodes (the walk and the claim row in one transaction holding
  // this lock), so that no two claims list the same event.
  private static final String CLAIM_LOCK = "select pg_advisory_xact_lock(hashtext('outbox_event.claim'))";

  // A claim that ran out belongs to a node that died (or stalled past it): deleted, the lost try counted on
  // each of its events still pending and not since settled by that node (a failure moves next_attempt_at past
  // the claim's time). Returns the events listed in the claims still running: no other node's to deliver.
  private static final String CLAIMED = """
      with expired as (
        delete from outbox_claim where expires_at <= now() returning event_ids, claimed_at
      ), lost as (
        update outbox_event e set attempts = e.attempts + 1
        from (select unnest(event_ids) as id, claimed_at from expired) x
        where e.id = x.id and e.status = 'PENDING' and e.next_attempt_at <= x.claimed_at
      )
      select u.id from outbox_claim c cross join lateral unnest(c.event_ids) as u(id) where c.expires_at > now()""";

  // The claim row, and the claimed events to deliver (their try counted when it is settled: attempts + 1).
  // "Not delivered, not dead" rather than "= 'PENDING'": the same rows, but no partial index on the status
  // matches it, so the planner goes by primary key. With "= 'PENDING'" it filtered the pending-only index,
  // every pending event read for each claim.
  private static final String CLAIM = """
      with c as (
        insert into outbox_claim (event_ids, expires_at) values ($1, now() + ($2 || ' seconds')::interval)
        returning id
      )
      select c.id as claim, e.id::text, e.seq, e.aggregate_type, e.aggregate_id, e.event_type, e.payload,
             e.attempts + 1 as attempts, e.traceparent
      from c left join outbox_event e on e.id = any($1) and e.status not in ('DELIVERED', 'DEAD')""";

  private final Pool pool;

  public OutboxStore(Pool pool) {
    this.pool = pool;
  }

  /** A pending event as the claim's walk sees it. */
  public record Pending(UUID id, long seq, String aggregateType, String aggregateId, boolean due) {
  }

  /** A claimed event, to be delivered; {@code attempts} counts this try. */
  public record Leased(String id, long seq, String aggregateType, String aggregateId, String eventType,
      Object payload, int attempts, String traceparent) {
  }

  /** A claim: its row, and the events it holds. */
  public record Claim(long id, List<Leased> events) {
  }

  /**
   * Claims the events {@code pick} chooses, for {@code leaseSeconds}: {@code pick} walks the pending line with
   * the reader it is given and is told the events other nodes' claims hold. Empty when it picks none.
   */
  public Future<java.util.Optional<Claim>> claim(java.util.function.BiFunction<Pages, java.util.Set<UUID>,
      Future<List<UUID>>> pick, int leaseSeconds) {
    return pool.withTransaction(tx -> tx.query(CLAIM_LOCK).execute()
        .compose(v -> tx.query(CLAIMED).execute())
        .compose(held -> {
          java.util.Set<UUID> taken = new java.util.HashSet<>();
          held.forEach(r -> taken.add(r.getUUID(0)));
          return pick.apply(afterSeq -> pendingAfter(tx, afterSeq), taken);
        })
        .compose(picked -> picked.isEmpty() ? Future.succeededFuture(java.util.Optional.<Claim>empty())
            : tx.preparedQuery(CLAIM).execute(Tuple.of(picked.toArray(UUID[]::new), String.valueOf(leaseSeconds)))
                .map(rows -> {
                  long claim = 0;
                  List<Leased> out = new ArrayList<>();
                  for (Row r : rows) {
                    claim = r.getLong("claim");
                    if (r.getValue("id") != null) {
                      out.add(new Leased(r.getString("id"), r.getLong("seq"), r.getString("aggregate_type"),
                          r.getString("aggregate_id"), r.getString("event_type"), r.getValue("payload"),
                          r.getInteger("attempts"), r.getString("traceparent")));
                    }
                  }
                  return java.util.Optional.of(new Claim(claim, out));
                })));
  }

  /** Reads the pending line a page at a time. */
  public interface Pages {
    /** Up to {@link OutboxRelay#PAGE} pending events after {@code afterSeq}, in sequence order. */
    Future<List<Pending>> after(long afterSeq);
  }

  private static Future<List<Pending>> pendingAfter(SqlClient client, long afterSeq) {
    return client.preparedQuery(PENDING_PAGE).execute(Tuple.of(afterSeq)).map(rows -> {
      List<Pending> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Pending(r.getUUID("id"), r.getLong("seq"), r.getString("aggregate_type"),
            r.getString("aggregate_id"), r.getBoolean("due")));
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

  /**
   * Marks the events delivered (each written this once) and ends the claim: the events of it not delivered (a
   * pass that stopped at half its lease) are at once free for the next claim, whichever node makes it. False
   * when the claim was no longer there: it ran out, and another node may have delivered its events again.
   */
  public Future<Boolean> delivered(long claim, List<String> ids) {
    return pool.preparedQuery("""
            with done as (
              update outbox_event set status = 'DELIVERED', delivered_at = now(), last_error = null,
                                      attempts = attempts + 1
              where id = any($1::uuid[])
            )
            delete from outbox_claim where id = $2""")
        .execute(Tuple.of(ids.stream().map(UUID::fromString).toArray(UUID[]::new), claim))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Extends a running claim to {@code leaseSeconds} from now; false when it has run out (deleted by another
   * node's claim, or about to be: its events may be in another node's hands already).
   */
  public Future<Boolean> renew(long claim, int leaseSeconds) {
    return pool.preparedQuery("update outbox_claim set expires_at = now() + ($2 || ' seconds')::interval"
            + " where id = $1 and expires_at > now()")
        .execute(Tuple.of(claim, String.valueOf(leaseSeconds))).map(rows -> rows.rowCount() == 1);
  }

  /** A failed delivery, its try counted: the next try after {@code delayMillis}, or dead. */
  public Future<Void> failed(String id, boolean dead, String error, long delayMillis) {
    return pool.preparedQuery("update outbox_event set status = $2, last_error = $3, attempts = attempts + 1,"
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
