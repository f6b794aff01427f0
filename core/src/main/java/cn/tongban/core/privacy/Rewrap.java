package cn.tongban.core.privacy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-seals stored personal data: every value not sealed with the active key in the current format is opened
 * (with whichever configured key sealed it, AES or SM4, or read as it is when it was stored before encryption)
 * and sealed again with the active key — bound to its row where the table passes the row's key — and its blind
 * index recomputed. Moving from AES to SM4 (or back) is a rotation like any other. Batches of {@value #BATCH} rows, each batch one transaction
 * holding its rows' locks, so a case changed meanwhile is never overwritten with an older value. This is how
 * a key rotation finishes (the old key can then be removed) and how data from before encryption is sealed.
 */
public final class Rewrap {
  static final int BATCH = 200;

  private final Pool pool;
  private final PersonalData personal;
  private final List<SealedTable> tables;

  /** @param tables every table with sealed personal data, in the order they are re-sealed */
  public Rewrap(Pool pool, PersonalData personal, List<SealedTable> tables) {
    this.pool = pool;
    this.personal = personal;
    this.tables = List.copyOf(tables);
  }

  private static final String BATCH_LOCKED = " limit " + BATCH + " for update";

  /** What is left to rewrap per table: rows whose personal data is not sealed with the active key. */
  public Future<Map<String, Long>> remaining() {
    Map<String, Long> out = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (SealedTable t : tables) {
      chain = chain.compose(v -> pool.preparedQuery("select count(*) from (" + t.select() + ") x")
          .execute(args(false))
          .map(rows -> {
            out.put(t.name(), rows.iterator().next().getLong(0));
            return null;
          }));
    }
    return chain.map(out);
  }

  /** Rewraps everything not sealed with the active key; the number of rows rewritten. */
  public Future<Long> all() {
    return run(false);
  }

  /**
   * Seals only what was stored before encryption (values without any key), once: while the migration's
   * {@code personal_data_legacy} row exists. Run at start, before serving.
   */
  public Future<Long> legacy() {
    return pool.query("select 1 from personal_data_legacy").execute().compose(pending -> pending.size() == 0
        ? Future.succeededFuture(0L)
        : run(true).compose(n -> pool.query("delete from personal_data_legacy").execute().map(n)));
  }

  /** After a full rewrap: marks every other data key retired, so a later start may leave it out. */
  public Future<Integer> retireOthers() {
    return remaining().compose(left -> left.values().stream().allMatch(n -> n == 0)
        ? pool.preparedQuery("update personal_data_key set retired_at = now()"
            + " where key_id not in ('index', $1) and retired_at is null").execute(Tuple.of(personal.activeKeyId()))
            .map(rows -> rows.rowCount())
        : Future.succeededFuture(0));
  }

  private Future<Long> run(boolean legacyOnly) {
    Future<Long> chain = Future.succeededFuture(0L);
    for (SealedTable t : tables) {
      chain = chain.compose(n -> table(t, legacyOnly, n));
    }
    return chain;
  }

  private Future<Long> table(SealedTable t, boolean legacyOnly, long done) {
    return pool.withTransaction(tx -> tx.preparedQuery(t.select() + BATCH_LOCKED).execute(args(legacyOnly)).compose(rows -> {
      List<Tuple> batch = new ArrayList<>();
      rows.forEach(r -> batch.add(t.redo().apply(personal, r)));
      return batch.isEmpty() ? Future.succeededFuture(0)
          : tx.preparedQuery(t.update()).executeBatch(batch).map(x -> batch.size());
    })).compose(n -> n < BATCH ? Future.succeededFuture(done + n) : table(t, legacyOnly, done + n));
  }

  /**
   * $1: the text prefix a value sealed as wanted starts with; $2: the same for bytes. Legacy: any key;
   * otherwise the active one.
   */
  private Tuple args(boolean legacyOnly) {
    String textPrefix = legacyOnly ? PersonalData.PREFIX : personal.activeTextPrefix();
    byte[] header = legacyOnly ? new byte[] {'T', 'B', 'E'} : personal.activeBytesHeader();
    return Tuple.of(like(textPrefix), Buffer.buffer(header));
  }

  private static String like(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }
}
