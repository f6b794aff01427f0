package cn.tongban.core.supervision;

import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.event.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * All SQL of 电子监察's monitoring and 问责: the warned items of cases, work orders and bad reviews' rectifications
 * (one view), the decided cases the timeliness figures are folded from, and the accountability records.
 */
public final class SupervisionStore {
  /**
   * Every warning, one row each, with the item it is on. Cases carry their officer (the last staff member who
   * acted on them); work orders their department's last handler; rectifications none. A case taken in again
   * for the same matter by the same applicant within 30 days of withdrawing or ending the earlier one shows as
   * a CLOCK_RESTART warning (a fresh case restarts the clock; 重新申报规避时限); a fee charged at delivery that
   * is not on the matter's fee list (or above its amount) a FEE_NOT_LISTED one.
   */
  private static final String WARNINGS = """
      with warning as (
        select 'CASE' as source, a.id as item_id, a.number, a.matter_code, a.department_code, a.hall_code,
               a.status, a.status in ('SUBMITTED', 'CORRECTION_REQUESTED', 'ACCEPTED', 'IN_REVIEW', 'SUSPENDED')
                 as open,
               (select s.actor from case_step s join account x on 'account:' || x.id::text = s.actor
                 where s.application_id = a.id and x.kind = 'STAFF' order by s.id desc limit 1) as officer,
               w.id as warning_id, w.kind, w.level, w.subject, w.due_date, w.raised_at
        from case_warning w join application a on a.id = w.application_id
        union all
        select 'CASE', a.id, a.number, a.matter_code, a.department_code, a.hall_code, a.status,
               a.status in ('SUBMITTED', 'CORRECTION_REQUESTED', 'ACCEPTED', 'IN_REVIEW', 'SUSPENDED'),
               (select s.actor from case_step s join account x on 'account:' || x.id::text = s.actor
                 where s.application_id = a.id and x.kind = 'STAFF' order by s.id desc limit 1),
               null, 'CLOCK_RESTART', 'YELLOW', e.number, a.submitted_at::date, a.submitted_at
        from application a join lateral (
          select p.number from application p join case_step s on s.application_id = p.id
          where p.applicant_id_index = a.applicant_id_index and p.matter_code = a.matter_code and p.id < a.id
            and p.status in ('WITHDRAWN', 'NOT_ACCEPTED', 'TERMINATED') and s.to_status = p.status
            and s.ended_at > a.submitted_at - interval '30 days' and s.ended_at <= a.submitted_at
          order by p.id desc limit 1) e on true
        where a.applicant_id_index is not null
        union all
        select 'CASE', a.id, a.number, a.matter_code, a.department_code, a.hall_code, a.status,
               a.status in ('SUBMITTED', 'CORRECTION_REQUESTED', 'ACCEPTED', 'IN_REVIEW', 'SUSPENDED'),
               (select t.actor from case_step t join account x on 'account:' || x.id::text = t.actor
                 where t.application_id = a.id and x.kind = 'STAFF' order by t.id desc limit 1),
               null, 'FEE_NOT_LISTED', 'YELLOW', f->>'name', s.ended_at::date, s.ended_at
        from case_step s join application a on a.id = s.application_id join matter m on m.code = a.matter_code,
             jsonb_array_elements(case when jsonb_typeof(s.detail->'fees') = 'array' then s.detail->'fees'
                                  else '[]'::jsonb end) f
        where s.action = 'deliver' and not exists (
          select 1 from jsonb_array_elements(case when jsonb_typeof(m.document->'fees') = 'array'
                                             then m.document->'fees' else '[]'::jsonb end) l
          where l->>'name' = f->>'name' and (f->>'amount')::numeric <= (l->>'amount')::numeric)
        union all
        select 'WORK_ORDER', o.id, o.number, o.matter_code, o.department_code, o.place_hall_code, o.status,
               o.status in ('DISPATCHED', 'SIGNED'),
               (select s.actor from work_order_step s where s.work_order_id = o.id and s.actor like 'account:%'
                 and s.department_code is not distinct from o.department_code order by s.id desc limit 1),
               null, w.kind, w.level, '', w.due_date, w.raised_at
        from work_order_warning w join work_order o on o.id = w.work_order_id
        union all
        select 'RECTIFICATION', r.id, r.number, r.matter_code, r.department_code, r.hall_code, r.status,
               r.status in ('VERIFYING', 'RECTIFYING', 'CALLING_BACK'), null,
               null, w.kind, w.level, '', w.due_date, w.raised_at
        from rating_warning w join rating r on r.id = w.rating_id
      ), item as (
        select source, item_id, number, matter_code, department_code, hall_code, status, open, officer,
               max(case level when 'RED' then 3 when 'YELLOW' then 2 else 1 end) as rank,
               max(raised_at) as last_raised,
               bool_or(open and due_date < $1) as overdue,
               jsonb_agg(jsonb_build_object('id', warning_id, 'kind', kind, 'level', level, 'subject', subject,
                 'dueDate', due_date, 'raisedAt', raised_at) order by raised_at, kind) as warnings
        from warning
        group by source, item_id, number, matter_code, department_code, hall_code, status, open, officer
      )
      select i.*, m.name as matter_name, d.name as department_name, h.name as hall_name,
             acc.username as officer_username, acc.display_name as officer_name
      from item i
      left join matter m on m.code = i.matter_code
      left join department d on d.code = i.department_code
      left join hall h on h.code = i.hall_code
      left join account acc on 'account:' || acc.id::text = i.officer""";

  private static final String ACCOUNTABILITY = """
      select c.id, c.status, c.department_code, d.name as department_name, c.officer, o.username as officer_username,
             o.display_name as officer_name, c.explain_due_date, c.explanation, c.explained_by, c.explained_at,
             e.display_name as explained_by_name, c.finding, c.finding_note, c.closed_by, c.closed_at,
             c.overdue_level, c.opened_at, c.version, a.number, a.matter_code, m.name as matter_name, a.hall_code,
             a.status as case_status, w.kind, w.due_date, w.raised_at
      from accountability c
      join application a on a.id = c.application_id
      join case_warning w on w.id = c.warning_id
      left join matter m on m.code = a.matter_code
      left join department d on d.code = c.department_code
      left join account o on o.id::text = c.officer
      left join account e on 'account:' || e.id::text = c.explained_by""";

  private final Pool pool;

  public SupervisionStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** What the warned list is narrowed by; empty means any. */
  public record WarnedFilter(Optional<String> level, Optional<String> source, Optional<String> kind,
      Optional<String> department, Optional<String> hall, Optional<String> matter, Optional<String> officer,
      Optional<OffsetDateTime> from, Optional<OffsetDateTime> to, Optional<Boolean> overdue,
      Optional<JsonArray> after, int limit) {
  }

  /** Warned items, the latest raised first; {@code today} decides which are overdue. */
  public Future<List<JsonObject>> warned(WarnedFilter f, LocalDate today) {
    Tuple args = Tuple.of(today);
    List<String> where = new ArrayList<>();
    f.level().ifPresent(l -> where.add("i.rank = " + arg(args, switch (l) {
      case "RED" -> 3;
      case "YELLOW" -> 2;
      default -> 1;
    })));
    f.source().ifPresent(s -> where.add("i.source = " + arg(args, s)));
    f.kind().ifPresent(k -> where.add("i.warnings @> jsonb_build_array(jsonb_build_object('kind', "
        + arg(args, k) + "::text))"));
    f.department().ifPresent(d -> where.add("i.department_code = " + arg(args, d)));
    f.hall().ifPresent(h -> where.add("i.hall_code = " + arg(args, h)));
    f.matter().ifPresent(m -> where.add("i.matter_code = " + arg(args, m)));
    f.officer().ifPresent(o -> where.add("acc.username = " + arg(args, o)));
    f.from().ifPresent(t -> where.add("i.last_raised >= " + arg(args, t)));
    f.to().ifPresent(t -> where.add("i.last_raised < " + arg(args, t)));
    f.overdue().ifPresent(o -> where.add("i.overdue is " + (o ? "true" : "not true")));
    f.after().ifPresent(c -> where.add("(i.last_raised, i.source, i.item_id) < (" + arg(args,
        OffsetDateTime.parse(c.getString(0))) + ", " + arg(args, c.getString(1)) + ", " + arg(args, c.getLong(2))
        + ")"));
    String sql = WARNINGS + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
        + " order by i.last_raised desc, i.source desc, i.item_id desc limit " + arg(args, f.limit());
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      for (Row r : rows) {
        int rank = r.getInteger("rank");
        out.add(new JsonObject().put("source", r.getString("source")).put("itemId", r.getLong("item_id"))
            .put("number", r.getString("number")).put("status", r.getString("status"))
            .put("level", rank == 3 ? "RED" : rank == 2 ? "YELLOW" : "REMINDER")
            .put("overdue", Boolean.TRUE.equals(r.getBoolean("overdue")))
            .put("matterCode", r.getString("matter_code")).put("matterName", r.getString("matter_name"))
            .put("departmentCode", r.getString("department_code"))
            .put("departmentName", r.getString("department_name"))
            .put("hallCode", r.getString("hall_code")).put("hallName", r.getString("hall_name"))
            .put("officer", r.getString("officer_username")).put("officerName", r.getString("officer_name"))
            .put("lastRaisedAt", r.getOffsetDateTime("last_raised").toString())
            .put("warnings", new JsonArray(r.getJsonArray("warnings").encode())));
      }
      return out;
    });
  }

  /** One decided case, as the timeliness figures fold it. */
  public record Decided(String department, String departmentName, String hall, String hallName, String matter,
      String matterName, String officer, String officerName, LocalDate clockStart, LocalDate decided,
      LocalDate dueDate, BigDecimal promisedDays, int suspendedWorkingDays, boolean extended, boolean suspended,
      boolean deemedConsent) {
  }

  /**
   * Cases decided (approved or denied) in [from, to) that had a clock, with the department, hall, matter and
   * the officer who decided them, and what happened to their clock.
   */
  public Future<List<Decided>> decided(OffsetDateTime from, OffsetDateTime to, Optional<String> department) {
    Tuple args = Tuple.of(from, to);
    String sql = """
        select a.department_code, d.name as department_name, a.hall_code, h.name as hall_name, a.matter_code,
               m.name as matter_name, off.username, off.display_name, a.clock_start,
               (a.decided_at at time zone 'Asia/Shanghai')::date as decided, a.due_date, m.promised_days,
               coalesce((select sum((s.detail->>'suspendedWorkingDays')::int) from case_step s
                         where s.application_id = a.id and s.action = 'resume'), 0) as suspended_days,
               exists (select 1 from case_step s where s.application_id = a.id and s.action = 'extend') as extended,
               exists (select 1 from case_step s where s.application_id = a.id and s.action = 'suspend') as suspended,
               exists (select 1 from case_step s where s.application_id = a.id and s.action = 'deemed-consent')
                 as deemed
        from application a
        join matter m on m.code = a.matter_code
        left join department d on d.code = a.department_code
        left join hall h on h.code = a.hall_code
        left join lateral (select acc.username, acc.display_name from case_step s
                           join account acc on 'account:' || acc.id::text = s.actor
                           where s.application_id = a.id and s.action in ('approve', 'deny')
                           order by s.id desc limit 1) off on true
        where a.decided_at >= $1 and a.decided_at < $2 and a.clock_start is not null and a.due_date is not null
          and a.status in ('APPROVED', 'DENIED', 'DELIVERED')""";
    if (department.isPresent()) {
      sql += " and a.department_code = " + arg(args, department.get());
    }
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<Decided> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Decided(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
            r.getString(5), r.getString(6), r.getString(7), r.getLocalDate(8), r.getLocalDate(9),
            r.getLocalDate(10), r.getBigDecimal(11), r.getInteger(12), r.getBoolean(13), r.getBoolean(14),
            r.getBoolean(15)));
      }
      return out;
    });
  }

  // -------------------------------------------------------------------------------------------- 问责

  /**
   * Opens an accountability record for every red card on a case that has none, routed to the case's
   * officer and department, due {@code explainDue}; with its audit and outbox rows, in one statement.
   * Answers how many were opened. Safe on every node (the unique warning id).
   */
  public Future<Integer> openForRedCards(LocalDate explainDue, OffsetDateTime now, String actor) {
    return pool.preparedQuery("""
            with opened as (
              insert into accountability (warning_id, application_id, department_code, officer, status,
                                          explain_due_date, opened_at)
              select w.id, a.id, a.department_code,
                     (select substr(s.actor, 9) from case_step s join account acc on 'account:' || acc.id::text = s.actor
                      where s.application_id = a.id and acc.kind = 'STAFF' order by s.id desc limit 1),
                     'OPEN', $1, $2
              from case_warning w join application a on a.id = w.application_id
              where w.level = 'RED' and not exists (select 1 from accountability c where c.warning_id = w.id)
              on conflict (warning_id) do nothing
              returning *
            ), audit as (
              insert into audit_event (actor, action, entity_type, entity_id, detail)
              select $3, 'accountability.open', 'accountability', o.id::text,
                     jsonb_build_object('number', a.number, 'officer', o.officer, 'departmentCode', o.department_code,
                                        'explainDueDate', o.explain_due_date)
              from opened o join application a on a.id = o.application_id
            ), events as (
              insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
              select 'accountability', o.id::text, 'AccountabilityOpened',
                     jsonb_build_object('id', o.id, 'number', a.number, 'officer', o.officer,
                                        'departmentCode', o.department_code, 'explainDueDate', o.explain_due_date)
              from opened o join application a on a.id = o.application_id
            )
            select count(*) from opened""")
        .execute(Tuple.of(explainDue, now, actor)).map(r -> r.iterator().next().getLong(0).intValue());
  }

  /** Open records whose explanation is due by {@code horizon}: id, due date, the level already raised. */
  public Future<List<Object[]>> explanationsDueBy(LocalDate horizon) {
    return pool.preparedQuery("select id, explain_due_date, overdue_level from accountability"
        + " where status = 'OPEN' and explain_due_date <= $1").execute(Tuple.of(horizon)).map(rows -> {
          List<Object[]> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Object[] {r.getLong(0), r.getLocalDate(1), r.getString(2)}));
          return out;
        });
  }

  /** Raises a (higher) overdue-explanation level on a record, with its outbox event; false if already raised. */
  public Future<Boolean> raiseOverdue(long id, String level, String previous, OffsetDateTime now) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            update accountability set overdue_level = $2
            where id = $1 and status = 'OPEN' and overdue_level is not distinct from $3
            returning department_code, officer, explain_due_date""")
        .execute(Tuple.of(id, level, previous)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(false);
          }
          Row r = rows.iterator().next();
          return Outbox.append(tx, "accountability", String.valueOf(id), "AccountabilityExplanationDue",
              new JsonObject().put("id", id).put("level", level).put("departmentCode", r.getString(0))
                  .put("officer", r.getString(1)).put("explainDueDate", r.getLocalDate(2).toString()))
              .map(true);
        }));
  }

  /** What the accountability list is narrowed by. */
  public record AccountabilityFilter(Optional<String> status, Optional<String> department,
      Optional<String> officerOrDepartment, Optional<String> number, Optional<Long> before, int limit) {
  }

  public Future<List<JsonObject>> accountabilities(AccountabilityFilter f) {
    Tuple args = Tuple.tuple();
    List<String> where = new ArrayList<>();
    f.status().ifPresent(s -> where.add("c.status = " + arg(args, s)));
    f.department().ifPresent(d -> where.add("c.department_code = " + arg(args, d)));
    // an officer sees their own; a department head their department's: "officer|department"
    f.officerOrDepartment().ifPresent(od -> {
      String[] p = od.split("\\|", 2);
      where.add("(c.officer = " + arg(args, p[0]) + (p[1].isEmpty() ? "" : " or c.department_code = "
          + arg(args, p[1])) + ")");
    });
    f.number().ifPresent(n -> where.add("a.number = " + arg(args, n)));
    f.before().ifPresent(b -> where.add("c.id < " + arg(args, b)));
    String sql = ACCOUNTABILITY + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
        + " order by c.id desc limit " + arg(args, f.limit());
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(accountability(r)));
      return out;
    });
  }

  public Future<Optional<JsonObject>> accountability(SqlClient client, long id) {
    return client.preparedQuery(ACCOUNTABILITY + " where c.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(accountability(rows.iterator().next())));
  }

  /** Records the explanation of an OPEN record; false when it is no longer open (or the version moved). */
  public Future<Boolean> explain(SqlClient tx, long id, String explanation, String actor, OffsetDateTime now,
      JsonObject event) {
    return tx.preparedQuery("""
            update accountability set status = 'EXPLAINED', explanation = $2, explained_by = $3, explained_at = $4,
              version = version + 1
            where id = $1 and status = 'OPEN' returning id""")
        .execute(Tuple.of(id, explanation, actor, now))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : AuditLog.record(tx, actor, "accountability.explain", "accountability", String.valueOf(id), event)
                .compose(v -> Outbox.append(tx, "accountability", String.valueOf(id), "AccountabilityExplained",
                    event))
                .map(true));
  }

  /** Closes an OPEN or EXPLAINED record with a finding; false when it is already closed. */
  public Future<Boolean> close(SqlClient tx, long id, String finding, String note, String actor, OffsetDateTime now,
      JsonObject event) {
    return tx.preparedQuery("""
            update accountability set status = 'CLOSED', finding = $2, finding_note = $3, closed_by = $4,
              closed_at = $5, version = version + 1
            where id = $1 and status in ('OPEN', 'EXPLAINED') returning id""")
        .execute(Tuple.of(id, finding, note, actor, now))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : AuditLog.record(tx, actor, "accountability.close", "accountability", String.valueOf(id), event)
                .compose(v -> Outbox.append(tx, "accountability", String.valueOf(id), "AccountabilityClosed",
                    event))
                .map(true));
  }

  private static JsonObject accountability(Row r) {
    return new JsonObject().put("id", String.valueOf(r.getLong("id"))).put("status", r.getString("status"))
        .put("number", r.getString("number")).put("caseStatus", r.getString("case_status"))
        .put("matterCode", r.getString("matter_code")).put("matterName", r.getString("matter_name"))
        .put("hallCode", r.getString("hall_code"))
        .put("departmentCode", r.getString("department_code")).put("departmentName", r.getString("department_name"))
        .put("officerId", r.getString("officer"))
        .put("officer", r.getString("officer_username")).put("officerName", r.getString("officer_name"))
        .put("warning", new JsonObject().put("kind", r.getString("kind")).put("level", "RED")
            .put("dueDate", r.getLocalDate("due_date").toString())
            .put("raisedAt", r.getOffsetDateTime("raised_at").toString()))
        .put("openedAt", r.getOffsetDateTime("opened_at").toString())
        .put("explainDueDate", r.getLocalDate("explain_due_date").toString())
        .put("overdueLevel", r.getString("overdue_level"))
        .put("explanation", r.getString("explanation"))
        .put("explainedByName", r.getString("explained_by_name"))
        .put("explainedAt", time(r.getOffsetDateTime("explained_at")))
        .put("finding", r.getString("finding")).put("findingNote", r.getString("finding_note"))
        .put("closedAt", time(r.getOffsetDateTime("closed_at")))
        .put("version", r.getInteger("version"));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toString();
  }

  private static String arg(Tuple args, Object value) {
    args.addValue(value);
    return "$" + args.size();
  }
}
