package cn.tongban.core.matter;

import cn.tongban.core.form.FormVersion;
import cn.tongban.core.form.WorkingDraft;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL for matters, departments and form versions. */
public final class MatterStore {
  private static final String MATTER_COLUMNS = """
      m.code, m.name, m.type, m.department_code, d.name as department_name, m.levels, m.same_city,
      m.star_level, m.promised_days, m.legal_days, m.sort_order, m.document""";
  private static final String FORM_COLUMNS = """
      matter_code, version, status, schema, ui_schema, handlers, material_bindings, created_at, published_at""";
  private static final String DRAFT_COLUMNS = "matter_code, revision, definition, updated_by, updated_at";
  /** A working draft with the account name of whoever saved it last (so a conflict can name them). */
  private static final String DRAFT_SELECT = "select d.matter_code, d.revision, d.definition, d.updated_at,"
      + " coalesce(a.username, d.updated_by) as updated_by from %s d"
      + " left join account a on d.updated_by = 'account:' || a.id::text";

  private final Pool pool;
  private final java.util.Map<String, JsonArray> handlerCache = new java.util.concurrent.ConcurrentHashMap<>();

  public MatterStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** A page of the catalogue, in display order, after the given position. */
  public Future<List<Matter>> list(CatalogueQuery q, int limit) {
    StringBuilder sql = new StringBuilder("select " + MATTER_COLUMNS
        + " from matter m join department d on d.code = m.department_code where true");
    Tuple args = Tuple.tuple();
    if (q.text().isPresent()) {
      // The gram index narrows the rows; the substring test makes the match exact.
      args.addArrayOfString(SearchGrams.ofQuery(q.text().get()));
      sql.append(" and m.search_grams @> $").append(args.size());
      args.addString(q.text().get().toLowerCase(java.util.Locale.ROOT));
      sql.append(" and strpos(m.search_text, $").append(args.size()).append(") > 0");
    }
    q.department().ifPresent(v -> {
      args.addString(v);
      sql.append(" and m.department_code = $").append(args.size());
    });
    q.level().ifPresent(v -> {
      args.addInteger(v);
      sql.append(" and $").append(args.size()).append(" = any(m.levels)");
    });
    q.sameCity().ifPresent(v -> {
      args.addBoolean(v);
      sql.append(" and m.same_city = $").append(args.size());
    });
    q.type().ifPresent(v -> {
      args.addString(v);
      sql.append(" and m.type = $").append(args.size());
    });
    q.theme().ifPresent(v -> {
      args.addString(v);
      sql.append(" and $").append(args.size()).append(" = any(m.themes)");
    });
    q.starLevel().ifPresent(v -> {
      args.addInteger(v);
      sql.append(" and m.star_level >= $").append(args.size());
    });
    q.channel().ifPresent(v -> {
      args.addString(v);
      sql.append(" and $").append(args.size()).append(" = any(m.channels)");
    });
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
    return find(pool, code);
  }

  public Future<Optional<Matter>> find(SqlClient client, String code) {
    return client.preparedQuery("select " + MATTER_COLUMNS
            + " from matter m join department d on d.code = m.department_code where m.code = $1")
        .execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toMatter(rows.iterator().next())));
  }

  /** The bundle hash recorded when the matter was last imported from the bundled catalogue. */
  public Future<Optional<Optional<String>>> bundleHash(SqlClient client, String code) {
    return client.preparedQuery("select bundle_hash from matter where code = $1").execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(Optional.ofNullable(rows.iterator().next().getString(0))));
  }

  /** A matter with its published form (if any), in one round trip. */
  public record WithForm(Matter matter, Optional<FormVersion> form) {
  }

  public Future<Optional<WithForm>> findWithPublishedForm(String code) {
    return findStampedWithPublishedForm(code).map(found -> found.map(Stamped::found));
  }

  /**
   * Which row versions a matter with its published form is made of now (the matter's, its department's and
   * the published form version's): any change to any of them gives another stamp. Empty when there is no
   * such matter. A few bytes from three index look-ups, against the documents and schemas themselves.
   */
  public Future<Optional<String>> publishedFormStamp(String code) {
    return pool.preparedQuery("select " + STAMP + WITH_PUBLISHED_FORM)
        .execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  /**
   * {@link #publishedFormStamp} as a scalar sub-query on the matter code in parameter {@code $n}, for a
   * statement that reads other things in the same round trip (null when there is no such matter).
   */
  public static String publishedFormStampQuery(int n) {
    return publishedFormStampQuery("$" + n);
  }

  /** As {@link #publishedFormStampQuery(int)}, on the matter code the SQL expression {@code matterCode} gives. */
  public static String publishedFormStampQuery(String matterCode) {
    return "(select " + STAMP + WITH_PUBLISHED_FORM.replace("$1", matterCode) + ")";
  }

  private static final String STAMP =
      "concat_ws(':', m.xmin::text, d.xmin::text, f.version::text, f.xmin::text) as stamp";
  private static final String WITH_PUBLISHED_FORM = " from matter m join department d on d.code = m.department_code"
      + " left join form_version f on f.matter_code = m.code and f.status = 'PUBLISHED' where m.code = $1";

  /** As {@link #findWithPublishedForm}, with the stamp ({@link #publishedFormStamp}) of what was read. */
  public record Stamped(WithForm found, String stamp) {
  }

  public Future<Optional<Stamped>> findStampedWithPublishedForm(String code) {
    return pool.preparedQuery("select " + MATTER_COLUMNS + ", f.matter_code, f.version, f.status, f.schema,"
            + " f.ui_schema, f.handlers, f.material_bindings, f.created_at, f.published_at, " + STAMP
            + WITH_PUBLISHED_FORM)
        .execute(Tuple.of(code))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new Stamped(new WithForm(toMatter(r),
              r.getValue("version") == null ? Optional.empty() : Optional.of(toForm(r))), r.getString("stamp")));
        });
  }

  public Future<Optional<FormVersion>> findPublishedForm(String matterCode) {
    return pool.preparedQuery("select " + FORM_COLUMNS
            + " from form_version where matter_code = $1 and status = 'PUBLISHED'")
        .execute(Tuple.of(matterCode))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toForm(rows.iterator().next())));
  }

  /**
   * The handler bindings of a form version. A version cases are on is never a draft, and such a version
   * never changes, so its bindings are kept here once read (safe on every node).
   */
  public Future<JsonArray> handlers(SqlClient client, String matterCode, int version) {
    String key = matterCode + "@" + version;
    JsonArray known = handlerCache.get(key);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return findForm(client, matterCode, version).map(found -> {
      FormVersion form = found.orElseThrow(() -> new IllegalStateException("no form version " + key));
      if (form.status() != FormVersion.Status.DRAFT) {
        if (handlerCache.size() >= 10_000) {
          handlerCache.clear();
        }
        handlerCache.put(key, form.handlers());
      }
      return form.handlers();
    });
  }

  public Future<Optional<FormVersion>> findForm(SqlClient client, String matterCode, int version) {
    return client.preparedQuery("select " + FORM_COLUMNS + " from form_version where matter_code = $1 and version = $2")
        .execute(Tuple.of(matterCode, version))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toForm(rows.iterator().next())));
  }

  /** Every version of a matter's form, oldest first. */
  public Future<List<FormVersion>> listForms(SqlClient client, String matterCode) {
    return client.preparedQuery("select " + FORM_COLUMNS + " from form_version where matter_code = $1 order by version")
        .execute(Tuple.of(matterCode))
        .map(rows -> {
          List<FormVersion> out = new ArrayList<>();
          rows.forEach(r -> out.add(toForm(r)));
          return out;
        });
  }

  /** Inserts the department, or renames it. */
  public Future<Void> upsertDepartment(SqlClient client, String code, String name) {
    return client.preparedQuery("""
            insert into department (code, name) values ($1, $2)
            on conflict (code) do update set name = excluded.name""")
        .execute(Tuple.of(code, name)).mapEmpty();
  }

  /** Inserts a matter unless one with its code exists; true when inserted. */
  public Future<Boolean> insertIfAbsent(SqlClient client, JsonObject doc, int sortOrder, String bundleHash) {
    return upsertDepartment(client, doc.getJsonObject("department").getString("code"),
        doc.getJsonObject("department").getString("name"))
        .compose(v -> client.preparedQuery("""
                insert into matter (code, name, type, department_code, levels, same_city, star_level, promised_days,
                                    legal_days, sort_order, document, search_grams, search_text, themes, channels,
                                    bundle_hash)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                on conflict (code) do nothing""")
            .execute(columns(doc).addInteger(sortOrder).addValue(doc).addArrayOfString(grams(doc))
                .addString(SearchGrams.searchText(doc)).addArrayOfString(strings(doc.getJsonArray("themes")))
                .addArrayOfString(channels(doc)).addString(bundleHash)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Replaces a matter's document and searchable columns; true when the matter exists. */
  public Future<Boolean> update(SqlClient client, JsonObject doc, Optional<String> bundleHash) {
    return upsertDepartment(client, doc.getJsonObject("department").getString("code"),
        doc.getJsonObject("department").getString("name"))
        .compose(v -> client.preparedQuery("""
                update matter set name = $2, type = $3, department_code = $4, levels = $5, same_city = $6,
                  star_level = $7, promised_days = $8, legal_days = $9, document = $10, search_grams = $11,
                  search_text = $12, themes = $13, channels = $14, bundle_hash = coalesce($15, bundle_hash),
                  updated_at = now()
                where code = $1""")
            .execute(columns(doc).addValue(doc).addArrayOfString(grams(doc)).addString(SearchGrams.searchText(doc))
                .addArrayOfString(strings(doc.getJsonArray("themes"))).addArrayOfString(channels(doc))
                .addString(bundleHash.orElse(null))))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The next display position, after every matter there is. */
  public Future<Integer> nextSortOrder(SqlClient client) {
    return client.query("select coalesce(max(sort_order), 0) + 10 from matter").execute()
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /** Inserts a form version; {@code version} empty = the next number. Returns the version number. */
  public Future<Integer> insertForm(SqlClient client, String matterCode, Optional<Integer> version,
      FormVersion.Status status, JsonObject definition, String createdBy) {
    return client.preparedQuery("""
            insert into form_version (matter_code, version, status, schema, ui_schema, handlers, material_bindings,
                                      created_by, published_at)
            values ($1, coalesce($2, (select coalesce(max(version), 0) + 1 from form_version where matter_code = $1)),
                    $3, $4, $5, $6, $7, $8, case when $3 = 'PUBLISHED' then now() end)
            returning version""")
        .execute(Tuple.of(matterCode, version.orElse(null), status.name(), definition.getJsonObject("schema"),
            definition.getJsonObject("uiSchema", new JsonObject()),
            definition.getJsonArray("handlers", new JsonArray()),
            definition.getJsonArray("materialBindings", new JsonArray()), createdBy))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /** Makes {@code version} the published one, retiring the one published before. */
  public Future<Void> publish(SqlClient client, String matterCode, int version) {
    return client.preparedQuery("""
            update form_version set status = 'RETIRED', retired_at = now()
            where matter_code = $1 and status = 'PUBLISHED' and version <> $2""")
        .execute(Tuple.of(matterCode, version))
        .compose(v -> client.preparedQuery("""
                update form_version set status = 'PUBLISHED', published_at = now()
                where matter_code = $1 and version = $2""")
            .execute(Tuple.of(matterCode, version)))
        .mapEmpty();
  }

  /** The matter's working draft (revision 0 when none was saved). */
  public Future<WorkingDraft> findWorkingDraft(SqlClient client, String matterCode) {
    return client.preparedQuery(DRAFT_SELECT.formatted("form_draft") + " where d.matter_code = $1")
        .execute(Tuple.of(matterCode))
        .map(rows -> rows.size() == 0 ? WorkingDraft.none(matterCode) : toDraft(rows.iterator().next()));
  }

  /**
   * Saves the working draft if its revision is still {@code baseRevision} (0 = none saved yet); answers the
   * saved draft, or empty when someone saved in between.
   */
  public Future<Optional<WorkingDraft>> saveWorkingDraft(SqlClient client, String matterCode, JsonObject definition,
      int baseRevision, String by) {
    Future<io.vertx.sqlclient.RowSet<Row>> saved = baseRevision == 0
        ? client.preparedQuery("with saved as (insert into form_draft (matter_code, definition, revision, updated_by)"
            + " values ($1, $2, 1, $3) on conflict (matter_code) do nothing returning " + DRAFT_COLUMNS + ") "
            + DRAFT_SELECT.formatted("saved"))
            .execute(Tuple.of(matterCode, definition, by))
        : client.preparedQuery("with saved as (update form_draft set definition = $2, revision = revision + 1,"
            + " updated_by = $4, updated_at = now() where matter_code = $1 and revision = $3 returning "
            + DRAFT_COLUMNS + ") " + DRAFT_SELECT.formatted("saved"))
            .execute(Tuple.of(matterCode, definition, baseRevision, by));
    return saved.map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toDraft(rows.iterator().next())));
  }

  /** Locks the matter's row for the rest of the transaction: one author's publish at a time. */
  public Future<Boolean> lock(SqlClient client, String matterCode) {
    return client.preparedQuery("select code from matter where code = $1 for update").execute(Tuple.of(matterCode))
        .map(rows -> rows.size() == 1);
  }

  private static Tuple columns(JsonObject doc) {
    return Tuple.from(new ArrayList<>(List.of(
        doc.getString("code"), doc.getString("name"), doc.getString("type"),
        doc.getJsonObject("department").getString("code"),
        doc.getJsonArray("levels").stream().map(o -> ((Number) o).intValue()).toArray(Integer[]::new),
        doc.getBoolean("sameCity", false), StarLevel.of(doc),
        new BigDecimal(String.valueOf(doc.getValue("promisedDays"))),
        new BigDecimal(String.valueOf(doc.getValue("legalDays"))))));
  }

  private static String[] grams(JsonObject doc) {
    return SearchGrams.ofText(SearchGrams.searchText(doc));
  }

  private static String[] strings(JsonArray array) {
    return array == null ? new String[0] : array.stream().map(String::valueOf).toArray(String[]::new);
  }

  private static String[] channels(JsonObject doc) {
    return doc.getJsonObject("channels", new JsonObject()).getMap().entrySet().stream()
        .filter(e -> Boolean.TRUE.equals(e.getValue())).map(Map.Entry::getKey).sorted().toArray(String[]::new);
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

  private static WorkingDraft toDraft(Row r) {
    return new WorkingDraft(r.getString("matter_code"), r.getInteger("revision"),
        Optional.of((JsonObject) r.getValue("definition")), Optional.of(r.getString("updated_by")),
        Optional.of(r.getOffsetDateTime("updated_at")));
  }

  private static FormVersion toForm(Row r) {
    return new FormVersion(r.getString("matter_code"), r.getInteger("version"),
        FormVersion.Status.valueOf(r.getString("status")), (JsonObject) r.getValue("schema"),
        (JsonObject) r.getValue("ui_schema"), (JsonArray) r.getValue("handlers"),
        (JsonArray) r.getValue("material_bindings"), Optional.ofNullable(r.getOffsetDateTime("created_at")),
        Optional.ofNullable(r.getOffsetDateTime("published_at")));
  }

  /**
   * Which of these halls and departments the organisation has, as {@code hall:CODE} and
   * {@code department:CODE} (a matter's 通办范围 must name existing ones).
   */
  public Future<java.util.Set<String>> knownPlaces(String[] hallCodes, String[] departmentCodes) {
    return pool.preparedQuery("select 'hall:' || code from hall where code = any($1)"
            + " union all select 'department:' || code from department where code = any($2)")
        .execute(Tuple.tuple().addArrayOfString(hallCodes).addArrayOfString(departmentCodes))
        .map(rows -> {
          java.util.Set<String> known = new java.util.HashSet<>();
          rows.forEach(r -> known.add(r.getString(0)));
          return known;
        });
  }
}
