package cn.tongban.core.matter;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL for matters, departments and form versions. */
public final class MatterStore {
  private static final String MATTER_COLUMNS = """
      m.code, m.name, m.type, m.department_code, d.name as department_name, m.levels, m.same_city,
      m.star_level, m.promised_days, m.legal_days, m.sort_order, m.document""";

  private final Pool pool;

  public MatterStore(Pool pool) {
    this.pool = pool;
  }

  /** A page of the catalogue, in display order, after the given position. */
  public Future<List<Matter>> list(CatalogueQuery q, int limit) {
    StringBuilder sql = new StringBuilder("select " + MATTER_COLUMNS
        + " from matter m join department d on d.code = m.department_code where true");
    Tuple args = Tuple.tuple();
    if (q.text().isPresent()) {
      args.addString("%" + q.text().get().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
      sql.append(" and (m.name ilike $").append(args.size()).append(" or m.code ilike $").append(args.size())
          .append(')');
    }
    if (q.department().isPresent()) {
      args.addString(q.department().get());
      sql.append(" and m.department_code = $").append(args.size());
    }
    if (q.level().isPresent()) {
      args.addInteger(q.level().get());
      sql.append(" and $").append(args.size()).append(" = any(m.levels)");
    }
    if (q.sameCity().isPresent()) {
      args.addBoolean(q.sameCity().get());
      sql.append(" and m.same_city = $").append(args.size());
    }
    if (q.after().isPresent()) {
      args.addInteger(q.after().get().sortOrder());
      args.addString(q.after().get().code());
      sql.append(" and (m.sort_order, m.code) > ($").append(args.size() - 1).append(", $").append(args.size())
          .append(')');
    }
    args.addInteger(limit);
    sql.append(" order by m.sort_order, m.code limit $").append(args.size());
    return pool.preparedQuery(sql.toString()).execute(args).map(rows -> {
      List<Matter> out = new ArrayList<>();
      rows.forEach(r -> out.add(toMatter(r)));
      return out;
    });
  }

  public Future<Optional<Matter>> find(String code) {
    return pool.preparedQuery("select " + MATTER_COLUMNS
            + " from matter m join department d on d.code = m.department_code where m.code = $1")
        .execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toMatter(rows.iterator().next())));
  }

  public Future<Optional<FormVersion>> findPublishedForm(String matterCode) {
    return pool.preparedQuery("""
            select matter_code, version, status, schema, ui_schema, handlers
            from form_version where matter_code = $1 and status = 'PUBLISHED'""")
        .execute(Tuple.of(matterCode))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toForm(rows.iterator().next())));
  }

  /** Inserts the department, or renames it. */
  public Future<Void> upsertDepartment(SqlClient client, String code, String name) {
    return client.preparedQuery("""
            insert into department (code, name) values ($1, $2)
            on conflict (code) do update set name = excluded.name""")
        .execute(Tuple.of(code, name)).mapEmpty();
  }

  /** Inserts a matter unless one with its code exists; true when inserted. */
  public Future<Boolean> insertIfAbsent(SqlClient client, JsonObject doc, int sortOrder) {
    JsonObject dept = doc.getJsonObject("department");
    return client.preparedQuery("""
            insert into matter (code, name, type, department_code, levels, same_city, star_level,
                                promised_days, legal_days, sort_order, document)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            on conflict (code) do nothing""")
        .execute(Tuple.from(List.of(
            doc.getString("code"), doc.getString("name"), doc.getString("type"), dept.getString("code"),
            doc.getJsonArray("levels").stream().map(o -> ((Number) o).intValue()).toArray(Integer[]::new),
            doc.getBoolean("sameCity", false), StarLevel.of(doc),
            new java.math.BigDecimal(String.valueOf(doc.getValue("promisedDays"))),
            new java.math.BigDecimal(String.valueOf(doc.getValue("legalDays"))),
            sortOrder, doc)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Inserts a form version with the given status. */
  public Future<Void> insertForm(SqlClient client, String matterCode, int version, FormVersion.Status status,
      JsonObject definition) {
    return client.preparedQuery("""
            insert into form_version (matter_code, version, status, schema, ui_schema, handlers, published_at)
            values ($1, $2, $3, $4, $5, $6, case when $3 = 'PUBLISHED' then now() end)""")
        .execute(Tuple.of(matterCode, version, status.name(), definition.getJsonObject("schema"),
            definition.getJsonObject("uiSchema", new JsonObject()),
            definition.getJsonArray("handlers", new JsonArray())))
        .mapEmpty();
  }

  private static Matter toMatter(Row r) {
    Integer[] levels = r.getArrayOfIntegers("levels");
    return new Matter(
        r.getString("code"), r.getString("name"), r.getString("type"),
        new Matter.Department(r.getString("department_code"), r.getString("department_name")),
        new JsonArray(List.of((Object[]) levels)),
        r.getBoolean("same_city"), r.getInteger("star_level"),
        r.getBigDecimal("promised_days").doubleValue(), r.getBigDecimal("legal_days").doubleValue(),
        r.getInteger("sort_order"), (JsonObject) r.getValue("document"));
  }

  private static FormVersion toForm(Row r) {
    return new FormVersion(r.getString("matter_code"), r.getInteger("version"),
        FormVersion.Status.valueOf(r.getString("status")), (JsonObject) r.getValue("schema"),
        (JsonObject) r.getValue("ui_schema"), (JsonArray) r.getValue("handlers"));
  }
}
