package cn.tongban.core.rating;

import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All SQL of 好差评: ratings, their bad-review steps, their deadline warnings and the figures. */
public final class RatingStore {
  /** Column context of the sealed free-text comment. */
  static final String COMMENT = "rating.comment";

  /** The sealed comments, for a rewrap (and the start-up sealing of comments stored in clear before V51). */
  public static final SealedTable SEALED = new SealedTable("rating",
      "select id, comment from rating where $2::bytea is not null and " + SealedTable.stale("comment")
          + " order by id",
      "update rating set comment = $2 where id = $1",
      (personal, r) -> Tuple.of(r.getLong("id"), personal.seal(COMMENT, String.valueOf(r.getLong("id")),
          personal.open(COMMENT, String.valueOf(r.getLong("id")), r.getString("comment")))));

  /**
   * The facts of a case a rating needs: who is responsible (department, matter, intake hall, the window of the
   * visit that produced it and the member of staff who took it in), and when it was decided and delivered.
   */
  public record CaseFacts(long id, String number, String status, String departmentCode, String matterCode,
      Optional<String> hallCode, Optional<String> windowCode, Optional<String> staff,
      Optional<OffsetDateTime> decidedAt, Optional<OffsetDateTime> deliveredAt) {

    Subject subject() {
      return new Subject(Optional.of(id), Optional.empty(), Optional.of(number), Optional.empty(), Optional.empty(),
          Optional.of(departmentCode), Optional.of(matterCode), hallCode, windowCode, staff);
    }
  }

  /**
   * What a rating is of — a case (its id and number) or a hall visit (the ticket's id, day and number) — and
   * whom it counts for in the figures.
   */
  public record Subject(Optional<Long> applicationId, Optional<String> visitId, Optional<String> number,
      Optional<LocalDate> visitDay, Optional<String> visitNumber, Optional<String> departmentCode,
      Optional<String> matterCode, Optional<String> hallCode, Optional<String> windowCode, Optional<String> staff) {
  }

  /** A new rating, checked. */
  public record NewRating(Subject of, int grade, List<String> reasons, Optional<String> comment, String source,
      String ratedBy, OffsetDateTime at, String status, Optional<LocalDate> verifyDue) {
  }

  /** The filters of a worklist: the caller's scope (department or hall, or none) and the asked-for narrowing. */
  public record Filter(Optional<String> department, Optional<String> hall, Optional<String> status,
      Optional<String> matterCode, Optional<Integer> grade, boolean badOnly, Optional<String> number,
      Optional<OffsetDateTime> from, Optional<OffsetDateTime> to, Optional<Long> before, int limit,
      Optional<String> kind, Optional<String> windowCode) {
  }

  private static final String VIEW = """
      select r.*, m.name as matter_name, d.name as department_name, w.name as window_name,
             sa.display_name as staff_name,
             coalesce((select jsonb_agg(jsonb_build_object('kind', w.kind, 'level', w.level, 'dueDate', w.due_date,
                                                           'raisedAt', w.raised_at) order by w.id)
                       from rating_warning w where w.rating_id = r.id), '[]'::jsonb) as warnings
      from rating r left join matter m on m.code = r.matter_code
        left join department d on d.code = r.department_code
        left join hall_window w on w.hall_code = r.hall_code and w.code = r.window_code
        left join account sa on 'account:' || sa.id::text = r.staff""";

  private static final String EVENT = """
      jsonb_build_object('id', r.id, 'number', r.number, 'departmentCode', r.department_code,
                         'matterCode', r.matter_code, 'hallCode', r.hall_code, 'windowCode', r.window_code,
                         'visitDay', r.visit_day, 'visitNumber', r.visit_number, 'grade', r.grade,
                         'reasons', to_jsonb(r.reasons), 'source', r.source, 'isDefault', r.is_default,
                         'ratedAt', r.rated_at, 'status', r.status, 'excluded', r.excluded)""";

  private final Pool pool;
  private final PersonalData personal;

  public RatingStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  public Pool pool() {
    return pool;
  }

  /** The case behind a number; its delivery time from the step that delivered it. */
  public Future<Optional<CaseFacts>> caseFacts(String number) {
    return pool.preparedQuery("""
            select a.id, a.number, a.status, a.department_code, a.matter_code, a.hall_code, a.decided_at,
                   (select max(s.ended_at) from case_step s where s.application_id = a.id and s.action = 'deliver')
                     as delivered_at, """ + CASE_WINDOW + ", " + CASE_STAFF + """
            from application a where a.number = $1""")
        .execute(Tuple.of(number))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new CaseFacts(r.getLong("id"), r.getString("number"), r.getString("status"),
              r.getString("department_code"), r.getString("matter_code"), Optional.ofNullable(r.getString("hall_code")),
              Optional.ofNullable(r.getString("window_code")), Optional.ofNullable(r.getString("staff")),
              Optional.ofNullable(r.getOffsetDateTime("decided_at")),
              Optional.ofNullable(r.getOffsetDateTime("delivered_at"))));
        });
  }

  /**
   * The window of a case: that of the hall visit that produced it. Its member of staff: the window clerk who
   * took it in (a case submitted at a window is submitted by them).
   */
  private static final String CASE_WINDOW = """
      (select t.window_code from hall_ticket t where t.application_number = a.number and t.hall_code = a.hall_code
       order by t.finished_at desc nulls last limit 1) as window_code""";
  private static final String CASE_STAFF = "case when a.channel = 'WINDOW' then a.submitted_by end as staff\n";

  /** Stores a rating; empty when its case or visit has one already (one each, the unique keys decide). */
  public Future<Optional<Long>> insert(SqlClient tx, NewRating n) {
    Subject s = n.of();
    // The id is drawn first: the sealed comment is bound to it.
    return tx.query("select nextval(pg_get_serial_sequence('rating', 'id'))").execute()
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(id -> tx.preparedQuery("""
            insert into rating (application_id, number, visit_id, visit_day, visit_number, department_code,
                                matter_code, hall_code, window_code, staff, grade, reasons, comment, source,
                                rated_by, rated_at, status, verify_due, id)
            overriding system value
            values ($1, $2, $3::uuid, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
            on conflict do nothing
            returning id""")
        .execute(Tuple.from(new Object[] {s.applicationId().orElse(null), s.number().orElse(null),
            s.visitId().orElse(null), s.visitDay().orElse(null), s.visitNumber().orElse(null),
            s.departmentCode().orElse(null), s.matterCode().orElse(null), s.hallCode().orElse(null),
            s.windowCode().orElse(null), s.staff().orElse(null), (short) n.grade(),
            n.reasons().toArray(String[]::new),
            n.comment().map(c -> personal.seal(COMMENT, String.valueOf(id), c)).orElse(null),
            n.source(), n.ratedBy(), n.at(), n.status(), n.verifyDue().orElse(null), id})))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /** Appends the outbox event of a rating's current state (the exchange push forwards it to the province). */
  public Future<Void> event(SqlClient tx, long id, String eventType) {
    return tx.preparedQuery("insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)"
            + " select 'rating', r.id::text, $2, " + EVENT + " from rating r where r.id = $1")
        .execute(Tuple.of(id, eventType)).mapEmpty();
  }

  public Future<Optional<JsonObject>> find(SqlClient client, long id) {
    return client.preparedQuery(VIEW + " where r.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  public Future<Optional<JsonObject>> findByNumber(String number) {
    return pool.preparedQuery(VIEW + " where r.number = $1").execute(Tuple.of(number))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  /** The rating of a hall visit (its ticket's id), if any. */
  public Future<Optional<JsonObject>> findByVisit(String visitId) {
    return pool.preparedQuery(VIEW + " where r.visit_id = $1::uuid").execute(Tuple.of(visitId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  /** Locks the rating for one step; empty when there is none. */
  public Future<Optional<JsonObject>> lock(SqlClient tx, long id) {
    return tx.preparedQuery("select id from rating where id = $1 for update").execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.empty()) : find(tx, id));
  }

  /** 核实: the finding, and the rectification deadline it sets. */
  public Future<Void> verify(SqlClient tx, long id, String finding, LocalDate rectifyDue, String by,
      OffsetDateTime at) {
    return update(tx, """
        update rating set status = 'RECTIFYING', finding = $2, rectify_due = $3, verified_by = $4, verified_at = $5,
          version = version + 1 where id = $1""", Tuple.of(id, finding, rectifyDue, by, at));
  }

  /** 整改: what was done, and when the applicant is to be called back. */
  public Future<Void> rectify(SqlClient tx, long id, String measures, LocalDate callbackDue, String by,
      OffsetDateTime at) {
    return update(tx, """
        update rating set status = 'CALLING_BACK', measures = $2, callback_due = $3, rectified_by = $4,
          rectified_at = $5, version = version + 1 where id = $1""", Tuple.of(id, measures, callbackDue, by, at));
  }

  /** 回访: the outcome; the bad review is closed. */
  public Future<Void> callBack(SqlClient tx, long id, String outcome, String note, String by, OffsetDateTime at) {
    return update(tx, """
        update rating set status = 'CLOSED', callback_outcome = $2, callback_note = $3, called_back_by = $4,
          called_back_at = $5, version = version + 1 where id = $1""", Tuple.of(id, outcome, note, by, at));
  }

  /** 申诉 or its decision: the appeal record and the status it leads to (and whether the figures drop it). */
  public Future<Void> appeal(SqlClient tx, long id, JsonObject appeal, String status, boolean excluded) {
    return update(tx, """
        update rating set status = $2, appeal = $3, excluded = $4, version = version + 1 where id = $1""",
        Tuple.of(id, status, appeal, excluded));
  }

  private static Future<Void> update(SqlClient tx, String sql, Tuple args) {
    return tx.preparedQuery(sql).execute(args).mapEmpty();
  }

  /** A page of ratings, newest first. */
  public Future<List<JsonObject>> list(Filter f) {
    Tuple args = Tuple.tuple();
    List<String> where = new ArrayList<>();
    f.department().ifPresent(d -> where.add("r.department_code = " + arg(args, d)));
    f.hall().ifPresent(h -> where.add("r.hall_code = " + arg(args, h)));
    f.kind().ifPresent(k -> where.add(k.equals("VISIT") ? "r.visit_id is not null" : "r.application_id is not null"));
    f.windowCode().ifPresent(w -> where.add("r.window_code = " + arg(args, w)));
    f.status().ifPresent(s -> where.add("r.status = " + arg(args, s)));
    f.matterCode().ifPresent(m -> where.add("r.matter_code = " + arg(args, m)));
    f.grade().ifPresent(g -> where.add("r.grade = " + arg(args, g.shortValue())));
    f.number().ifPresent(n -> where.add("r.number = " + arg(args, n)));
    f.from().ifPresent(t -> where.add("r.rated_at >= " + arg(args, t)));
    f.to().ifPresent(t -> where.add("r.rated_at < " + arg(args, t)));
    f.before().ifPresent(b -> where.add("r.id < " + arg(args, b)));
    if (f.badOnly()) {
      where.add("r.grade <= 2");
    }
    String sql = VIEW + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
        + " order by r.id desc limit " + arg(args, f.limit());
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(toJson(r)));
      return out;
    });
  }

  private static String arg(Tuple args, Object value) {
    args.addValue(value);
    return "$" + args.size();
  }

  /**
   * The figures of ratings made in [from, to), by department, matter, hall, window (hall/window) or member of
   * staff (their username and name), of the hall {@code hall} only if given; ratings whose appeal was upheld
   * are left out. Rates are null where nothing was there to count.
   */
  public Future<JsonArray> statistics(String groupBy, OffsetDateTime from, OffsetDateTime to,
      Optional<String> hall) {
    String key = switch (groupBy) {
      case "matter" -> "r.matter_code, m.name";
      case "hall" -> "r.hall_code, h.name";
      case "window" -> "r.hall_code || '/' || r.window_code, h.name || ' ' || w.name";
      case "staff" -> "sa.username, sa.display_name";
      default -> "r.department_code, d.name";
    };
    String sql = "select " + key + """
        , count(*) as ratings,
               count(*) filter (where r.grade >= 3) as satisfied,
               count(*) filter (where r.grade <= 2) as bad,
               count(*) filter (where r.grade <= 2 and r.rectified_at is not null) as rectified,
               count(*) filter (where r.grade <= 2 and r.rectified_at is not null
                                  and (r.rectified_at at time zone 'Asia/Shanghai')::date <= r.rectify_due)
                 as rectified_on_time,
               count(*) filter (where r.is_default) as defaults
        from rating r left join matter m on m.code = r.matter_code
          left join department d on d.code = r.department_code left join hall h on h.code = r.hall_code
          left join hall_window w on w.hall_code = r.hall_code and w.code = r.window_code
          left join account sa on 'account:' || sa.id::text = r.staff
        where not r.excluded and r.rated_at >= $1 and r.rated_at < $2 and ($3::text is null or r.hall_code = $3)
        group by 1, 2 order by 1""";
    return pool.preparedQuery(sql).execute(Tuple.of(from, to, hall.orElse(null))).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(figures(new JsonObject().put("code", r.getString(0)).put("name", r.getString(1)),
          r.getLong("ratings"), r.getLong("satisfied"), r.getLong("bad"), r.getLong("rectified"),
          r.getLong("rectified_on_time"), r.getLong("defaults"))));
      return out;
    });
  }

  /** Counts and the four rates of the national figures. */
  static JsonObject figures(JsonObject into, long ratings, long satisfied, long bad, long rectified, long onTime,
      long defaults) {
    return into.put("ratings", ratings).put("satisfied", satisfied).put("bad", bad).put("rectified", rectified)
        .put("rectifiedOnTime", onTime).put("defaults", defaults)
        .put("satisfactionRate", rate(satisfied, ratings)).put("badRate", rate(bad, ratings))
        .put("rectificationRate", rate(rectified, bad)).put("onTimeRectificationRate", rate(onTime, rectified));
  }

  private static Double rate(long part, long whole) {
    return whole == 0 ? null
        : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP).doubleValue();
  }

  /**
   * 默认评价: delivered cases whose rating window closed before {@code cutoff} without a rating get the
   * default grade, with audit and outbox rows, in one statement (at most 500 a pass; the unique key keeps two
   * nodes from recording one twice).
   */
  public Future<Integer> recordDefaults(OffsetDateTime cutoff, OffsetDateTime since, int grade, String actor,
      OffsetDateTime at) {
    return pool.preparedQuery("""
            with due as (
              select a.id, a.number, a.department_code, a.matter_code, a.hall_code, """ + CASE_WINDOW + ", "
            + CASE_STAFF + """
               from application a
              where a.status = 'DELIVERED' and a.updated_at < $1 and a.updated_at >= $5
                and not exists (select 1 from rating x where x.application_id = a.id)
                and (select max(s.ended_at) from case_step s where s.application_id = a.id and s.action = 'deliver')
                    < $1
              order by a.id limit 500
            ), ins as (
              insert into rating (application_id, number, department_code, matter_code, hall_code, window_code, staff,
                                  grade, source, rated_by, is_default, rated_at, status)
              select id, number, department_code, matter_code, hall_code, window_code, staff, $2, 'DEFAULT', $3, true,
                     $4, 'RECORDED'
              from due
              on conflict do nothing
              returning *
            ), audit as (
              insert into audit_event (actor, action, entity_type, entity_id, detail)
              select r.rated_by, 'rating.defaulted', 'rating', r.id::text,
                     jsonb_build_object('number', r.number, 'grade', r.grade)
              from ins r
            ), events as (
              insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
              select 'rating', r.id::text, 'RatingRecorded', """ + EVENT + """
               from ins r
            )
            select count(*) from ins""")
        .execute(Tuple.of(cutoff, (short) grade, actor, at, since))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  /**
   * 默认评价 of hall visits: visits served before {@code cutoff} (and since {@code since}) without a rating get
   * the default grade, as {@link #recordDefaults} does for cases.
   */
  public Future<Integer> recordVisitDefaults(OffsetDateTime cutoff, OffsetDateTime since, int grade, String actor,
      OffsetDateTime at) {
    return pool.preparedQuery("""
            with due as (
              select t.id, t.day, t.number, m.department_code, t.matter_code, t.hall_code, t.window_code, t.called_by
              from hall_ticket t left join matter m on m.code = t.matter_code
              where t.status = 'SERVED' and t.finished_at < $1 and t.finished_at >= $5
                and not exists (select 1 from rating x where x.visit_id = t.id)
              order by t.finished_at, t.id limit 500
            ), ins as (
              insert into rating (visit_id, visit_day, visit_number, department_code, matter_code, hall_code,
                                  window_code, staff, grade, source, rated_by, is_default, rated_at, status)
              select id, day, number, department_code, matter_code, hall_code, window_code, called_by, $2, 'DEFAULT',
                     $3, true, $4, 'RECORDED'
              from due
              on conflict do nothing
              returning *
            ), audit as (
              insert into audit_event (actor, action, entity_type, entity_id, detail)
              select r.rated_by, 'rating.defaulted', 'rating', r.id::text,
                     jsonb_build_object('hallCode', r.hall_code, 'visitDay', r.visit_day, 'visitNumber',
                                        r.visit_number, 'grade', r.grade)
              from ins r
            ), events as (
              insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
              select 'rating', r.id::text, 'RatingRecorded', """ + EVENT + """
               from ins r
            )
            select count(*) from ins""")
        .execute(Tuple.of(cutoff, (short) grade, actor, at, since))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  /** Open bad-review steps due on or before {@code horizon}: rating id, kind, due date. */
  public Future<List<Object[]>> dueSteps(LocalDate horizon) {
    return pool.preparedQuery("""
            select id, 'VERIFY_DUE', verify_due from rating where status = 'VERIFYING' and verify_due <= $1
            union all
            select id, 'RECTIFY_DUE', rectify_due from rating where status = 'RECTIFYING' and rectify_due <= $1
            union all
            select id, 'CALLBACK_DUE', callback_due from rating where status = 'CALLING_BACK' and callback_due <= $1""")
        .execute(Tuple.of(horizon)).map(rows -> {
          List<Object[]> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Object[] {r.getLong(0), r.getString(1), r.getLocalDate(2)}));
          return out;
        });
  }

  /** Raises each warning once (the unique key), with an outbox event per warning raised. */
  private static final String RAISE = DeadlineWarnings.raiseStatement("rating_warning", "rating_id", "rating",
      "rating", "p.id::text", "RatingDeadlineWarning", "jsonb_build_object('id', p.id, 'number', p.number, 'kind',"
          + " ins.kind, 'level', ins.level, 'dueDate', ins.due_date, 'departmentCode', p.department_code)");

  public Future<Integer> raise(List<Long> ids, List<String> kinds, List<String> levels, List<LocalDate> dues,
      OffsetDateTime at) {
    return pool.preparedQuery(RAISE)
        .execute(DeadlineWarnings.raiseArguments(ids, kinds, levels, dues, at))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  private JsonObject toJson(Row r) {
    int grade = r.getShort("grade");
    JsonObject json = new JsonObject()
        .put("id", String.valueOf(r.getLong("id")))
        .put("number", r.getString("number"))
        .put("matterCode", r.getString("matter_code"))
        .put("matterName", r.getString("matter_name"))
        .put("departmentCode", r.getString("department_code"))
        .put("departmentName", r.getString("department_name"))
        .put("grade", grade)
        .put("gradeName", RatingService.GRADE_NAMES.get(grade))
        .put("bad", grade <= 2)
        .put("reasons", new JsonArray(List.of(r.getArrayOfStrings("reasons"))))
        .put("source", r.getString("source"))
        .put("isDefault", r.getBoolean("is_default"))
        .put("ratedAt", r.getOffsetDateTime("rated_at").toString())
        .put("status", r.getString("status"))
        .put("excluded", r.getBoolean("excluded"))
        .put("version", r.getInteger("version"));
    json.put("kind", r.getValue("visit_id") == null ? "CASE" : "VISIT");
    put(json, "hallCode", r.getString("hall_code"));
    put(json, "visitDay", r.getLocalDate("visit_day"));
    put(json, "visitNumber", r.getString("visit_number"));
    put(json, "windowCode", r.getString("window_code"));
    put(json, "windowName", r.getString("window_name"));
    put(json, "staffName", r.getString("staff_name"));
    String comment = r.getString("comment");
    put(json, "comment", comment == null ? null : personal.open(COMMENT, String.valueOf(r.getLong("id")), comment));
    put(json, "verifyDue", r.getLocalDate("verify_due"));
    put(json, "verifiedAt", r.getOffsetDateTime("verified_at"));
    put(json, "finding", r.getString("finding"));
    put(json, "rectifyDue", r.getLocalDate("rectify_due"));
    put(json, "rectifiedAt", r.getOffsetDateTime("rectified_at"));
    put(json, "measures", r.getString("measures"));
    OffsetDateTime rectified = r.getOffsetDateTime("rectified_at");
    LocalDate rectifyDue = r.getLocalDate("rectify_due");
    if (rectified != null && rectifyDue != null) {
      json.put("rectifiedOnTime", !rectified.atZoneSameInstant(cn.tongban.core.clock.CalendarService.ZONE)
          .toLocalDate().isAfter(rectifyDue));
    }
    put(json, "callbackDue", r.getLocalDate("callback_due"));
    put(json, "calledBackAt", r.getOffsetDateTime("called_back_at"));
    put(json, "callbackOutcome", r.getString("callback_outcome"));
    put(json, "callbackNote", r.getString("callback_note"));
    Object appeal = r.getValue("appeal");
    if (appeal instanceof JsonObject a) {
      json.put("appeal", a);
    }
    Object warnings = r.getValue("warnings");
    json.put("warnings", warnings instanceof JsonArray w ? w : new JsonArray());
    return json;
  }

  private static void put(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value.toString());
    }
  }
}
