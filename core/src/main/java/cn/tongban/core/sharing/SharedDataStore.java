package cn.tongban.core.sharing;

import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.Optional;

/**
 * The SQL of departments' imported datasets (数据共享, table {@code shared_dataset_record}): a record per
 * source and subject, the subject found by its blind index, subject and record sealed.
 */
public final class SharedDataStore {
  /** The column context of a shared dataset record (sealed: it is a person's or an enterprise's data). */
  public static final String SHARED_RECORD = "shared_dataset_record.record";
  public static final String SHARED_SUBJECT = "shared_dataset_record.subject";

  /** A shared dataset record's sealed subject and content, for a rewrap. */
  public static final SealedTable SEALED = new SealedTable("shared_dataset_record",
      "select source, subject_index, subject_sealed, record from shared_dataset_record where $2::bytea is not null"
          + " and (" + SealedTable.stale("subject_sealed") + " or " + SealedTable.stale("record")
          + ") order by source, subject_index",
      "update shared_dataset_record set subject_sealed = $3, subject_index = $4, record = $5"
          + " where source = $1 and subject_index = $2",
      (personal, r) -> {
        String was = rowKey(r.getString("source"), r.getString("subject_index"));
        String subject = personal.open(SHARED_SUBJECT, was, r.getString("subject_sealed"));
        String index = personal.index(PersonalData.Kind.ID, subject);
        String row = rowKey(r.getString("source"), index);
        return Tuple.of(r.getString("source"), r.getString("subject_index"), personal.seal(SHARED_SUBJECT, row, subject),
            index, personal.seal(SHARED_RECORD, row, personal.open(SHARED_RECORD, was, r.getString("record"))));
      });

  /** What a record's sealed values are bound to: its source and its subject's blind index (the primary key). */
  private static String rowKey(String source, String subjectIndex) {
    return source + "\u0000" + subjectIndex;
  }

  private static final String UPSERT = "INSERT INTO shared_dataset_record (source, subject_index, subject_sealed, "
      + "record) VALUES ($1, $2, $3, $4) ON CONFLICT (source, subject_index) DO UPDATE SET record = excluded.record, "
      + "subject_sealed = excluded.subject_sealed, imported_at = now()";

  private final Pool client;
  private final PersonalData personal;

  public SharedDataStore(Pool client, PersonalData personal) {
    this.client = client;
    this.personal = personal;
  }

  /** Stores one subject's record in {@code tx}, replacing the subject's earlier record of this source. */
  public Future<Void> put(SqlClient tx, String source, String subjectKey, JsonObject record) {
    return tx.preparedQuery(UPSERT).execute(row(source, subjectKey, record)).mapEmpty();
  }

  /** A batch of records ({@code [subjectKey, record]}) stored in one transaction; the source's count after it. */
  public Future<Long> importAll(String source, List<Entry> records) {
    List<Tuple> batch = records.stream().map(e -> row(source, e.subjectKey(), e.record())).toList();
    return client.withTransaction(tx -> tx.preparedQuery(UPSERT).executeBatch(batch)
        .compose(v -> tx.preparedQuery("SELECT count(*) FROM shared_dataset_record WHERE source = $1")
            .execute(Tuple.of(source))))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** A department's record of a subject, if its imported dataset holds one. */
  public Future<Optional<JsonObject>> record(String source, String subjectKey) {
    String index = personal.index(PersonalData.Kind.ID, subjectKey);
    return client.preparedQuery("SELECT record FROM shared_dataset_record WHERE source = $1 AND subject_index = $2")
        .execute(Tuple.of(source, index))
        .map(rows -> rows.size() == 0 ? Optional.<JsonObject>empty()
            : Optional.of(personal.openJson(SHARED_RECORD, rowKey(source, index),
                rows.iterator().next().getString("record"))));
  }

  /** One subject's record of an import. */
  public record Entry(String subjectKey, JsonObject record) {
  }

  private Tuple row(String source, String subjectKey, JsonObject record) {
    String index = personal.index(PersonalData.Kind.ID, subjectKey);
    return Tuple.of(source, index, personal.seal(SHARED_SUBJECT, rowKey(source, index), subjectKey),
        personal.sealJson(SHARED_RECORD, rowKey(source, index), record));
  }
}
