package cn.tongban.core.audit;

import cn.tongban.core.access.Role;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Access;
import cn.tongban.core.json.CanonicalJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tamper-evident audit trail: every audit event is appended, after it commits, to one global hash chain.
 * Requests insert audit events as before, with no lock; {@link #seal()} (a periodic job) appends the
 * committed events nobody has sealed yet, in id order, giving each the next gapless chain position and
 * {@code chain_hash = SHA-256(canonical JSON of its immutable columns, its position and the previous hash)}.
 *
 * <p>Positions are handed out at sealing, not at insert: an event whose transaction commits after a later
 * id's simply takes the next position in a later pass, so no event is ever skipped and no grace period is
 * needed. Only the node holding the chain head row ({@code FOR UPDATE SKIP LOCKED}) appends; the others
 * skip the pass.
 */
public final class AuditChain {
  /** The hash before the first link. */
  public static final String GENESIS = "0".repeat(64);
  private static final int SEAL_BATCH = 500;
  private static final int VERIFY_PAGE = 1000;
  private static final String EVENT_COLUMNS =
      "id, occurred_at, actor, action, entity_type, entity_id, detail, chain_seq, chain_hash";

  private final Pool pool;

  public AuditChain(Pool pool) {
    this.pool = pool;
  }

  /**
   * One sealing pass: appends up to {@value #SEAL_BATCH} unsealed events to the chain. Returns how many
   * were sealed; 0 when there were none or another node is sealing right now.
   */
  public Future<Integer> seal() {
    return pool.withTransaction(tx -> tx.query("select last_seq, last_hash from audit_chain_head for update skip locked")
        .execute()
        .compose(head -> {
          if (head.size() == 0) {
            return Future.succeededFuture(0);
          }
          Row h = head.iterator().next();
          return tx.preparedQuery("select " + EVENT_COLUMNS + " from audit_event where chain_seq is null"
                  + " order by id limit $1")
              .execute(Tuple.of(SEAL_BATCH))
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

  private static Future<Integer> append(SqlClient tx, long lastSeq, String lastHash, Iterable<Row> events) {
    List<Long> ids = new ArrayList<>();
    List<Long> positions = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    long seq = lastSeq;
    String hash = lastHash;
    for (Row e : events) {
      seq++;
      hash = linkHash(e, seq, hash);
      ids.add(e.getLong("id"));
      positions.add(seq);
      hashes.add(hash);
    }
    long newSeq = seq;
    String newHash = hash;
    return tx.preparedQuery("""
            update audit_event a set chain_seq = v.seq, chain_hash = v.hash
            from unnest($1::bigint[], $2::bigint[], $3::text[]) as v(id, seq, hash)
            where a.id = v.id""")
        .execute(Tuple.of(ids.toArray(new Long[0]), positions.toArray(new Long[0]), hashes.toArray(new String[0])))
        .compose(u -> tx.preparedQuery("update audit_chain_head set last_seq = $1, last_hash = $2, sealed_at = now()")
            .execute(Tuple.of(newSeq, newHash)))
        .map(ids.size());
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

  /**
   * Recomputes the chain from the genesis up to the head as it is now, page by page. Events sealed after
   * the head was read are left for the next check; unsealed events are counted as pending.
   */
  /** {@link #verify()} for an administrator (the chain names cases and accounts). */
  public Future<AuditVerification> verify(Caller caller) {
    return Access.require(caller, "audit.forbidden", Role.ADMIN).compose(v -> verify());
  }

  public Future<AuditVerification> verify() {
    return pool.query("select last_seq, last_hash, (select count(*) from audit_event where chain_seq is null)"
            + " from audit_chain_head")
        .execute()
        .compose(rows -> {
          Row head = rows.iterator().next();
          Head h = new Head(head.getLong(0), head.getString(1), head.getLong(2));
          return walk(h, 0, GENESIS);
        });
  }

  private record Head(long seq, String hash, long pending) {
  }

  private Future<AuditVerification> walk(Head head, long seq, String hash) {
    if (seq == head.seq()) {
      Optional<AuditVerification.BrokenLink> broken = hash.equals(head.hash()) ? Optional.empty()
          : Optional.of(new AuditVerification.BrokenLink(seq, AuditVerification.Reason.HEAD_ALTERED, null, null, null));
      return Future.succeededFuture(new AuditVerification(seq, head.pending(), head.seq(), head.hash(), broken));
    }
    return pool.preparedQuery("select " + EVENT_COLUMNS + " from audit_event"
            + " where chain_seq > $1 and chain_seq <= $2 order by chain_seq limit $3")
        .execute(Tuple.of(seq, head.seq(), VERIFY_PAGE))
        .compose(rows -> {
          long at = seq;
          String prev = hash;
          for (Row e : rows) {
            long expected = at + 1;
            if (e.getLong("chain_seq") != expected) {
              return broken(head, at, AuditVerification.Reason.MISSING, expected, e);
            }
            String computed = linkHash(e, expected, prev);
            if (!computed.equals(e.getString("chain_hash"))) {
              return broken(head, at, AuditVerification.Reason.ALTERED, expected, e);
            }
            at = expected;
            prev = computed;
          }
          if (rows.size() == 0) {
            // The chain stops before the head: its last links were deleted.
            return Future.succeededFuture(new AuditVerification(at, head.pending(), head.seq(), head.hash(),
                Optional.of(new AuditVerification.BrokenLink(at + 1, AuditVerification.Reason.MISSING, null, null,
                    null))));
          }
          return walk(head, at, prev);
        });
  }

  private static Future<AuditVerification> broken(Head head, long verified, AuditVerification.Reason reason,
      long sequence, Row event) {
    return Future.succeededFuture(new AuditVerification(verified, head.pending(), head.seq(), head.hash(),
        Optional.of(new AuditVerification.BrokenLink(sequence, reason, event.getLong("id"),
            event.getString("entity_type"), event.getString("entity_id")))));
  }
}
