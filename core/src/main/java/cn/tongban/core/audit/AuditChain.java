package cn.tongban.core.audit;

import cn.tongban.core.access.Role;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Access;
import cn.tongban.core.json.CanonicalJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tamper-evident audit trail: every audit event is appended, after it commits, to one global hash chain.
 * Requests insert audit events as before, with no lock, and nothing ever updates them: {@link #seal()} (a
 * periodic job) appends one {@code audit_seal} row covering the final events nobody has sealed yet, each at
 * the next gapless chain position with
 * {@code hash = SHA-256(canonical JSON of its immutable columns, its position and the previous hash)}.
 *
 * <p>Which events are final: each event carries the id of the transaction that wrote it ({@code tx}, a
 * column default). Events whose transaction is older than the oldest transaction still running
 * ({@code pg_snapshot_xmin}) have all committed or aborted, so none can appear among them later; the sealer
 * takes those after its cursor (the last sealed event's {@code (tx, id)}, kept in the chain head) in
 * {@code (tx, id)} order. An event whose transaction commits late is simply final later: none is skipped and
 * no grace period is needed. Only the node holding the chain head row ({@code FOR UPDATE SKIP LOCKED})
 * appends; the others skip the pass.
 */
public final class AuditChain {
  /** The hash before the first link. */
  public static final String GENESIS = "0".repeat(64);
  private static final int SEAL_BATCH = 500;
  private static final int VERIFY_SEALS = 20;
  private static final String EVENT_COLUMNS = "id, occurred_at, actor, action, entity_type, entity_id, detail";
  /** Events after the cursor, from transactions no longer running, in chain order. */
  private static final String FINAL_EVENTS = "select " + EVENT_COLUMNS + ", tx::text as tx_text from audit_event"
      + " where (tx, id) > ($1::text::xid8, $2) and tx < pg_snapshot_xmin(pg_current_snapshot())"
      + " order by tx, id limit $3";

  private final Pool pool;

  public AuditChain(Pool pool) {
    this.pool = pool;
  }

  /**
   * One sealing pass: appends up to {@value #SEAL_BATCH} final unsealed events to the chain in one seal.
   * Returns how many were sealed; 0 when there were none or another node is sealing right now.
   */
  public Future<Integer> seal() {
    return pool.withTransaction(tx -> tx.query("select last_seq, last_hash, last_tx::text, last_id"
            + " from audit_chain_head for update skip locked")
        .execute()
        .compose(head -> {
          if (head.size() == 0) {
            return Future.succeededFuture(0);
          }
          Row h = head.iterator().next();
          return tx.preparedQuery(FINAL_EVENTS)
              .execute(Tuple.of(h.getString(2), h.getLong(3), SEAL_BATCH))
              .compose(rows -> rows.size() == 0 ? Future.succeededFuture(0)
                  : append(tx, h.getLong("last_seq"), h.getString("last_hash"), rows));
        }));
  }

  /** Seals until nothing is left to seal (or another node holds the chain head). */
  public Future<Long> sealAll() {
    return sealFrom(0);
  }

  private Future<Long> sealFrom(long sealed) {
    return seal().compose(n -> n < SEAL_BATCH ? Future.succeededFuture(sealed + n) : sealFrom(sealed + n));
  }

  private static Future<Integer> append(SqlClient tx, long lastSeq, String lastHash, RowSet<Row> events) {
    Long[] ids = new Long[events.size()];
    String[] hashes = new String[events.size()];
    long seq = lastSeq;
    String hash = lastHash;
    String lastTx = null;
    int i = 0;
    for (Row e : events) {
      seq++;
      hash = linkHash(e, seq, hash);
      ids[i] = e.getLong("id");
      hashes[i++] = hash;
      lastTx = e.getString("tx_text");
    }
    String cursorTx = lastTx;
    return tx.preparedQuery("insert into audit_seal (first_seq, event_ids, hashes, prev_hash, hash)"
            + " values ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(lastSeq + 1, ids, hashes, lastHash, hash))
        .compose(u -> tx.preparedQuery("update audit_chain_head set last_seq = $1, last_hash = $2,"
                + " last_tx = $3::text::xid8, last_id = $4, sealed_at = now()")
            .execute(Tuple.of(lastSeq + ids.length, hashes[ids.length - 1], cursorTx, ids[ids.length - 1])))
        .map(ids.length);
  }

  /** The hash of the link at {@code seq}: the event's immutable columns, its position and the previous hash. */
  static String linkHash(Row event, long seq, String previousHash) {
    return CanonicalJson.sha256(new JsonObject()
        .put("seq", seq)
        .put("prev", previousHash)
        .put("id", event.getLong("id"))
        .put("occurredAt", event.getOffsetDateTime("occurred_at").toInstant().toString())
        .put("actor", event.getString("actor"))
        .put("action", event.getString("action"))
        .put("entityType", event.getString("entity_type"))
        .put("entityId", event.getString("entity_id"))
        .put("detail", event.getValue("detail")));
  }

  /** {@link #verify()} for an administrator (the chain names cases and accounts). */
  public Future<AuditVerification> verify(Caller caller) {
    return Access.require(caller, "audit.forbidden", Role.ADMIN).compose(v -> verify());
  }

  /**
   * Recomputes the chain from the genesis up to the head as it is now, seal by seal, then checks that no event
   * behind the head's cursor is left out of it (one inserted afterwards). Events sealed after the head was read
   * are left for the next check; those after the cursor are counted as pending.
   */
  public Future<AuditVerification> verify() {
    return pool.query("select h.last_seq, h.last_hash, h.last_tx::text, h.last_id,"
            + " (select count(*) from audit_event e where (e.tx, e.id) > (h.last_tx, h.last_id))"
            + " from audit_chain_head h")
        .execute()
        .compose(rows -> {
          Row head = rows.iterator().next();
          Head h = new Head(head.getLong(0), head.getString(1), head.getString(2), head.getLong(3), head.getLong(4));
          return walk(h, 0, GENESIS);
        });
  }

  private record Head(long seq, String hash, String lastTx, long lastId, long pending) {
    AuditVerification intact() {
      return new AuditVerification(seq, pending, seq, hash, Optional.empty());
    }

    Future<AuditVerification> broken(long verified, AuditVerification.Reason reason, long sequence, Row event) {
      return Future.succeededFuture(new AuditVerification(verified, pending, seq, hash,
          Optional.of(new AuditVerification.BrokenLink(sequence, reason, event == null ? null : event.getLong("id"),
              event == null ? null : event.getString("entity_type"),
              event == null ? null : event.getString("entity_id")))));
    }
  }

  /** One seal as stored. */
  private record Seal(long firstSeq, Long[] eventIds, String[] hashes, String prevHash, String hash) {
    String hashAt(int i) {
      return i < hashes.length ? hashes[i] : null;
    }
  }

  private Future<AuditVerification> walk(Head head, long seq, String hash) {
    if (seq >= head.seq()) {
      return hash.equals(head.hash()) ? uncovered(head)
          : head.broken(seq, AuditVerification.Reason.HEAD_ALTERED, seq, null);
    }
    return pool.preparedQuery("select first_seq, event_ids, hashes, prev_hash, hash from audit_seal"
            + " where first_seq > $1 and first_seq <= $2 order by first_seq limit $3")
        .execute(Tuple.of(seq, head.seq(), VERIFY_SEALS))
        .compose(rows -> {
          List<Seal> seals = new ArrayList<>();
          List<Long> ids = new ArrayList<>();
          for (Row r : rows) {
            Seal s = new Seal(r.getLong(0), r.getArrayOfLongs(1), r.getArrayOfStrings(2), r.getString(3),
                r.getString(4));
            seals.add(s);
            ids.addAll(Arrays.asList(s.eventIds()));
          }
          if (seals.isEmpty()) {
            // The chain stops before the head: its last seals were deleted.
            return head.broken(seq, AuditVerification.Reason.MISSING, seq + 1, null);
          }
          return pool.preparedQuery("select " + EVENT_COLUMNS + " from audit_event where id = any($1)")
              .execute(Tuple.of(ids.toArray(new Long[0])))
              .compose(found -> {
                Map<Long, Row> events = new HashMap<>();
                for (Row e : found) {
                  events.put(e.getLong("id"), e);
                }
                return check(head, seq, hash, seals, events);
              });
        });
  }

  /** Recomputes one page of seals; a broken link ends the walk, an intact page continues it. */
  private Future<AuditVerification> check(Head head, long seq, String hash, List<Seal> seals, Map<Long, Row> events) {
    long at = seq;
    String prev = hash;
    for (int s = 0; s < seals.size(); s++) {
      Seal seal = seals.get(s);
      if (seal.firstSeq() != at + 1 || seal.eventIds().length == 0) {
        // A whole seal is gone: the chain continues at this one's first event still present.
        return head.broken(at, AuditVerification.Reason.MISSING, at + 1, nextPresent(seals, s, 0, events));
      }
      if (!seal.prevHash().equals(prev)) {
        return head.broken(at, AuditVerification.Reason.ALTERED, at + 1, events.get(seal.eventIds()[0]));
      }
      for (int i = 0; i < seal.eventIds().length; i++) {
        long expected = at + 1;
        Row e = events.get(seal.eventIds()[i]);
        if (e == null) {
          return head.broken(at, AuditVerification.Reason.MISSING, expected, nextPresent(seals, s, i + 1, events));
        }
        String computed = linkHash(e, expected, prev);
        if (!computed.equals(seal.hashAt(i))) {
          return head.broken(at, AuditVerification.Reason.ALTERED, expected, e);
        }
        at = expected;
        prev = computed;
      }
      if (!seal.hash().equals(prev)) {
        Long last = seal.eventIds()[seal.eventIds().length - 1];
        return head.broken(at - 1, AuditVerification.Reason.ALTERED, at, events.get(last));
      }
    }
    return walk(head, at, prev);
  }

  private static Row nextPresent(List<Seal> seals, int seal, int from, Map<Long, Row> events) {
    for (int s = seal; s < seals.size(); s++) {
      Long[] ids = seals.get(s).eventIds();
      for (int i = s == seal ? from : 0; i < ids.length; i++) {
        Row e = events.get(ids[i]);
        if (e != null) {
          return e;
        }
      }
    }
    return null;
  }

  /**
   * After an intact walk: is every event behind the cursor in the chain? One that is not was inserted after its
   * place was sealed (with an old id or transaction): named at the position of the sealed event it precedes in
   * sealing order (the events sealed before V75, whose {@code tx} is null, first).
   */
  private Future<AuditVerification> uncovered(Head head) {
    return pool.preparedQuery("select count(*) from audit_event where tx is null or (tx, id) <= ($1::text::xid8, $2)")
        .execute(Tuple.of(head.lastTx(), head.lastId()))
        .compose(count -> {
          if (count.iterator().next().getLong(0) <= head.seq()) {
            return Future.succeededFuture(head.intact());
          }
          return pool.preparedQuery("""
                  with covered as (select s.first_seq + o.i - 1 as seq, o.id
                                     from audit_seal s, unnest(s.event_ids) with ordinality as o(id, i)),
                       forged as (select e.id, e.tx, e.entity_type, e.entity_id from audit_event e
                                   where (e.tx is null or (e.tx, e.id) <= ($1::text::xid8, $2))
                                     and not exists (select 1 from covered c where c.id = e.id)
                                   order by e.tx nulls first, e.id limit 1)
                  select f.id, f.entity_type, f.entity_id,
                         (select min(c.seq) from covered c join audit_event n on n.id = c.id
                           where case when f.tx is null then n.tx is not null or n.id > f.id
                                      else (n.tx, n.id) > (f.tx, f.id) end) as seq
                    from forged f""")
              .execute(Tuple.of(head.lastTx(), head.lastId()))
              .compose(forged -> {
                if (forged.size() == 0) {
                  return Future.succeededFuture(head.intact());
                }
                Row f = forged.iterator().next();
                long at = f.getLong("seq") == null ? head.seq() + 1 : f.getLong("seq");
                return head.broken(head.seq(), AuditVerification.Reason.INSERTED, at, f);
              });
        });
  }
}
