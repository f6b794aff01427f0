package cn.tongban.core.sharing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Departments' datasets imported for data sharing (数据共享): each record is what a source holds on one
 * subject (an identity number or a credit code). An import is one transaction: all of its records or none;
 * re-importing a subject replaces its record.
 */
public final class SharedDatasets {
  private final Pool pool;

  public SharedDatasets(Pool pool) {
    this.pool = pool;
  }

  /** Imports {@code records} ({@code [{subjectKey, record}]}, already checked by the contract) into {@code source}. */
  public Future<JsonObject> importRecords(String source, JsonArray records) {
    List<Tuple> batch = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      JsonObject r = records.getJsonObject(i);
      batch.add(Tuple.of(source, r.getString("subjectKey"), r.getJsonObject("record")));
    }
    return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO shared_dataset_record (source, subject_key, "
            + "record) VALUES ($1, $2, $3) ON CONFLICT (source, subject_key) DO UPDATE SET record = excluded.record, "
            + "imported_at = now()").executeBatch(batch)
        .compose(v -> tx.preparedQuery("SELECT count(*) FROM shared_dataset_record WHERE source = $1")
            .execute(Tuple.of(source))))
        .map(rows -> new JsonObject().put("source", source).put("imported", batch.size())
            .put("total", rows.iterator().next().getLong(0)));
  }
}
