package cn.tongban.core.lifeevent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL of life events (一件事): their definitions and versions, and the applications made for them with
 * the cases each created. No personal data is kept here: the cases hold it.
 */
public final class LifeEventStore {
  private final Pool pool;

  public LifeEventStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** A version of a life event's definition. */
  public record Version(String code, int version, JsonObject document, String createdBy, OffsetDateTime createdAt) {
  }

  /** An application for a life event and the cases linked to it so far (position → case number). */
  public record Applied(UUID id, String code, int version, String submittedBy, String requestHash,
      OffsetDateTime createdAt, Optional<OffsetDateTime> completedAt, List<Linked> cases) {
  }

  public record Linked(int position, String matterCode, String caseNumber) {
  }

  private static final String CURRENT = "select v.code, v.version, v.document, v.created_by, v.created_at"
      + " from life_event e join life_event_version v on v.code = e.code and v.version = e.version";

  /** The current version of every life event, in catalogue order. */
  public Future<List<Version>> listCurrent() {
    return pool.query(CURRENT + " order by e.sort_order, e.code").execute().map(rows -> {
      List<Version> out = new ArrayList<>();
      rows.forEach(r -> out.add(version(r)));
      return out;
    });
  }

  public Future<Optional<Version>> current(SqlClient client, String code) {
    return client.preparedQuery(CURRENT + " where e.code = $1").execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(version(rows.iterator().next())));
  }

  public Future<List<Version>> versions(String code) {
    return pool.preparedQuery("select code, version, document, created_by, created_at from life_event_version"
        + " where code = $1 order by version").execute(Tuple.of(code)).map(rows -> {
          List<Version> out = new ArrayList<>();
          rows.forEach(r -> out.add(version(r)));
          return out;
        });
  }

  /** Serialises the bundled import of nodes starting together (held until the transaction ends). */
  public Future<Void> lockBundledImport(SqlClient tx) {
    return tx.query("select pg_advisory_xact_lock(hashtext('life_event.bundled'))").execute().mapEmpty();
  }

  /** The hash of the bundled definition the life event came from: empty = none; of empty = authored here. */
  public Future<Optional<Optional<String>>> bundledHash(SqlClient tx, String code) {
    return tx.preparedQuery("select bundled_hash from life_event where code = $1 for update").execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(Optional.ofNullable(rows.iterator().next().getString(0))));
  }

  /** Stores {@code document} as the life event's next version (version 1 for a new one) and makes it current. */
  public Future<Integer> addVersion(SqlClient tx, JsonObject document, Optional<String> bundledHash, String by) {
    String code = document.getString("code");
    return tx.preparedQuery("insert into life_event (code, name, version, sort_order, bundled_hash)"
            + " values ($1, $2, 1, (select coalesce(max(sort_order), 0) + 10 from life_event), $3)"
            + " on conflict (code) do update set version = life_event.version + 1, name = excluded.name,"
            + " bundled_hash = excluded.bundled_hash, updated_at = now() returning version")
        .execute(Tuple.of(code, document.getString("name"), bundledHash.orElse(null)))
        .compose(rows -> {
          int version = rows.iterator().next().getInteger(0);
          return tx.preparedQuery("insert into life_event_version (code, version, document, created_by)"
              + " values ($1, $2, $3, $4)").execute(Tuple.of(code, version, document, by)).map(version);
        });
  }

  /**
   * Records an application before its cases are made; empty when the caller used the key before (then
   * {@link #findByKey} reads that one).
   */
  public Future<Optional<UUID>> insertApplication(UUID id, String code, int version, String submittedBy, String key,
      String requestHash, OffsetDateTime at) {
    return pool.preparedQuery("insert into life_event_application (id, life_event_code, life_event_version,"
            + " submitted_by, idempotency_key, request_hash, created_at) values ($1, $2, $3, $4, $5, $6, $7)"
            + " on conflict (submitted_by, idempotency_key) do nothing returning id")
        .execute(Tuple.of(id, code, version, submittedBy, key, requestHash, at))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID(0)));
  }

  private static final String APPLIED = "select a.id, a.life_event_code, a.life_event_version, a.submitted_by,"
      + " a.request_hash, a.created_at, a.completed_at,"
      + " coalesce(json_agg(json_build_object('position', c.position, 'matter', c.matter_code,"
      + " 'number', c.case_number) order by c.position) filter (where c.position is not null), '[]') as cases"
      + " from life_event_application a left join life_event_case c on c.application_id = a.id";

  public Future<Optional<Applied>> findByKey(String submittedBy, String key) {
    return pool.preparedQuery(APPLIED + " where a.submitted_by = $1 and a.idempotency_key = $2 group by a.id")
        .execute(Tuple.of(submittedBy, key)).map(LifeEventStore::first);
  }

  public Future<Optional<Applied>> find(UUID id) {
    return pool.preparedQuery(APPLIED + " where a.id = $1 group by a.id").execute(Tuple.of(id))
        .map(LifeEventStore::first);
  }

  /** The caller's applications, newest first, at most {@code limit}. */
  public Future<List<Applied>> listBySubmitter(String submittedBy, int limit) {
    return pool.preparedQuery(APPLIED + " where a.submitted_by = $1 group by a.id order by a.created_at desc, a.id"
        + " limit $2").execute(Tuple.of(submittedBy, limit)).map(rows -> {
          List<Applied> out = new ArrayList<>();
          rows.forEach(r -> out.add(applied(r)));
          return out;
        });
  }

  /** Links the cases (an earlier link of a position stays) and marks the application complete; false if it was. */
  public Future<Boolean> complete(SqlClient tx, UUID id, List<Linked> cases, OffsetDateTime at) {
    List<Tuple> batch = cases.stream().map(c -> Tuple.of(id, c.position(), c.matterCode(), c.caseNumber())).toList();
    return tx.preparedQuery("insert into life_event_case (application_id, position, matter_code, case_number)"
            + " values ($1, $2, $3, $4) on conflict do nothing").executeBatch(batch)
        .compose(v -> tx.preparedQuery("update life_event_application set completed_at = $2"
            + " where id = $1 and completed_at is null").execute(Tuple.of(id, at)))
        .map(rows -> rows.rowCount() == 1);
  }

  private static Optional<Applied> first(io.vertx.sqlclient.RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(applied(rows.iterator().next()));
  }

  private static Applied applied(Row r) {
    List<Linked> cases = new ArrayList<>();
    Object raw = r.getValue("cases");
    io.vertx.core.json.JsonArray arr = raw instanceof io.vertx.core.json.JsonArray a ? a
        : new io.vertx.core.json.JsonArray(String.valueOf(raw));
    for (Object o : arr) {
      JsonObject c = (JsonObject) o;
      cases.add(new Linked(c.getInteger("position"), c.getString("matter"), c.getString("number")));
    }
    return new Applied(r.getUUID("id"), r.getString("life_event_code"), r.getInteger("life_event_version"),
        r.getString("submitted_by"), r.getString("request_hash"), r.getOffsetDateTime("created_at"),
        Optional.ofNullable(r.getOffsetDateTime("completed_at")), cases);
  }

  private static Version version(Row r) {
    return new Version(r.getString("code"), r.getInteger("version"), (JsonObject) r.getValue("document"),
        r.getString("created_by"), r.getOffsetDateTime("created_at"));
  }

  /**
   * Forgets one batch of the idempotency keys of life_event_application older than {@code before} (IdempotencyKeys.forget).
   */
  public Future<Integer> forgetIdempotencyKeys(OffsetDateTime before, int batch) {
    return cn.tongban.core.infra.IdempotencyKeys.forget(pool, "life_event_application", "created_at", true, before, batch);
  }
}
