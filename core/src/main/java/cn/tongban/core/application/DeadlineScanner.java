package cn.tongban.core.application;

import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.access.Role;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Access;
import cn.tongban.core.clock.CalendarService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * 电子监察 and 超时默认, safe on every node at once: applies deemed consent to departments silent past their
 * limit (rows claimed with FOR UPDATE SKIP LOCKED), and raises each reminder (1 working day before a
 * limit), yellow card (on it) and red card (past it) exactly once, as a warning on the case and an outbox
 * event. Limits watched: the promised and statutory decision limits, department opinions, the
 * correction-notice deadline, forwarded same-city cases awaiting acceptance, 容缺 deadlines, commitment
 * verifications, and the issue of an approved case's licence within 10 working days.
 */
public final class DeadlineScanner {
  /** Who the platform's own steps are recorded as. */
  public static final String ACTOR = "system:deadline-scanner";

  private static final String CANDIDATES = """
      select a.id, 'DECISION_DUE' as kind, '' as subject, a.due_date as due from application a
        where a.status in ('ACCEPTED', 'IN_REVIEW') and a.due_date <= $1
      union all
      select a.id, 'LEGAL_DUE', '', a.legal_due_date from application a
        where a.status in ('ACCEPTED', 'IN_REVIEW') and a.legal_due_date <= $1
      union all
      select a.id, 'NOTICE_DUE', '', a.notice_due_date from application a
        where a.status = 'SUBMITTED' and a.notice_due_date <= $1
      union all
      -- 同城通办: a forwarded case not accepted or returned within 1 working day (late forwarding).
      select a.id, 'FORWARD_DUE', coalesce(a.accepting_department_code, ''), a.forward_due_date from application a
        where a.forwarded_at is not null and a.forward_answered_at is null and a.status = 'SUBMITTED'
          and a.forward_due_date <= $1
      union all
      select o.application_id, 'OPINION_DUE', o.department_code, o.due_date from case_opinion o
        join application a on a.id = o.application_id
        where o.opinion is null and a.status = 'ACCEPTED' and o.due_date <= $1
      union all
      select a.id, 'DEFICIENCY_DUE', i->>'material', (i->>'deadline')::date from application a,
             jsonb_array_elements(a.deficiency->'items') i
        where a.status in ('ACCEPTED', 'IN_REVIEW', 'SUSPENDED') and not (i ? 'suppliedAt')
          and (i->>'deadline')::date <= $1
      union all
      select a.id, 'VERIFICATION_DUE', '', (a.commitments->>'verificationDueDate')::date from application a
        where a.commitments is not null and not (a.commitments ? 'verifiedAt')
          and a.status not in ('TERMINATED', 'WITHDRAWN')
          and (a.commitments->>'verificationDueDate')::date <= $1""";

  /**
   * Approved cases of matters whose result is a licence and that have none yet (证照制发, art. 44): their
   * approval day in Beijing. Only approvals of the last 90 days and without a red card on it yet — 10
   * working days never span more, and once red there is nothing further to raise.
   */
  private static final String LICENCE_PENDING = """
      select a.id, (a.decided_at at time zone 'Asia/Shanghai')::date from application a
        join matter m on m.code = a.matter_code
        where a.status in ('APPROVED', 'DELIVERED') and a.decided_at >= $1
          and m.document->'result' ? 'licenceType'
          and not exists (select 1 from licence l where l.application_number = a.number)
          and not exists (select 1 from case_warning w where w.application_id = a.id and w.kind = 'LICENCE_DUE'
                          and w.level = 'RED')""";

  /** Working days within which the licence of an approval is issued (Administrative Licensing Law art. 44). */
  public static final java.math.BigDecimal LICENCE_DAYS = java.math.BigDecimal.TEN;

  private static final String RAISE = """
      with cand as (
        select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::date[])
          as t(application_id, kind, level, subject, due_date)
      ), ins as (
        insert into case_warning (application_id, kind, level, subject, due_date, raised_at)
        select application_id, kind, level, subject, due_date, $6 from cand
        on conflict do nothing
        returning *
      ), events as (
        insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
        select 'application', a.number, 'DeadlineWarning',
               jsonb_build_object('number', a.number, 'kind', ins.kind, 'level', ins.level, 'subject', ins.subject,
                                  'dueDate', ins.due_date, 'departmentCode', a.department_code,
                                  'hallCode', a.hall_code)
        from ins join application a on a.id = ins.application_id
      )
      select count(*) from ins""";

  private final ApplicationStore store;
  private final CalendarService calendar;
  /** What runs after each pass (问责, wired by Platform), its answer merged into the scan's. */
  private java.util.function.Supplier<Future<JsonObject>> afterScan = () -> Future.succeededFuture(new JsonObject());

  public DeadlineScanner(ApplicationStore store, CalendarService calendar) {
    this.store = store;
    this.calendar = calendar;
  }

  public void afterScan(java.util.function.Supplier<Future<JsonObject>> next) {
    this.afterScan = next;
  }

  /** {@link #scan()} on demand, for an administrator or supervisor. */
  public Future<JsonObject> scan(Caller caller) {
    return Access.require(caller, "supervision.forbidden", Role.ADMIN, Role.SUPERVISOR).compose(v -> scan());
  }

  /** One pass: deemed consents first (they may move cases on), then warnings, then what follows them. */
  public Future<JsonObject> scan() {
    LocalDate today = calendar.today();
    return deemConsents(today).compose(deemed -> raiseWarnings(today)
        .map(raised -> new JsonObject().put("date", today.toString()).put("deemedConsents", deemed)
            .put("warningsRaised", raised)))
        .compose(result -> afterScan.get().map(result::mergeIn));
  }

  private Future<Integer> deemConsents(LocalDate today) {
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return store.pool().withTransaction(tx -> tx.preparedQuery("""
                select a.id from application a join matter m on m.code = a.matter_code
                where a.status = 'ACCEPTED' and exists (select 1 from case_opinion o where o.application_id = a.id
                  and o.opinion is null and o.due_date < $1)
                  -- Only where the matter says silence is consent (超时默认); otherwise warnings only.
                  and coalesce((m.document->'parallelApproval'->>'deemedConsent')::boolean, true)
                order by a.id limit 100
                for update of a skip locked""")
            .execute(Tuple.of(today))
            .compose(rows -> {
              Future<Integer> chain = Future.succeededFuture(0);
              for (Row r : rows) {
                long id = r.getLong(0);
                chain = chain.compose(n -> deem(tx, id, today, now).map(k -> n + k));
              }
              return chain;
            }));
  }

  private Future<Integer> deem(SqlClient tx, long id, LocalDate today, OffsetDateTime now) {
    return tx.preparedQuery("""
            update case_opinion set opinion = 'DEEMED_CONSENT', actor = $3, decided_at = $4,
              comment = '超时未出具意见，视为同意'
            where application_id = $1 and opinion is null and due_date < $2
            returning department_code, department_name, due_date""")
        .execute(Tuple.of(id, today, ACTOR, now))
        .compose(deemed -> {
          List<JsonObject> departments = new ArrayList<>();
          deemed.forEach(d -> departments.add(new JsonObject().put("department", d.getString(0))
              .put("departmentName", d.getString(1)).put("dueDate", d.getLocalDate(2).toString())));
          return store.opinionCounts(tx, id).compose(counts -> store.findById(tx, id).compose(found -> {
            Application a = found.orElseThrow();
            ApplicationStatus to = counts[0] == 0 && counts[1] == 0 ? ApplicationStatus.IN_REVIEW : a.status();
            return store.transition(tx, new ApplicationStore.Transition(a, to, a.data(), a.clock(), a.supervision(),
                now, "deemed-consent", "超时默认", ACTOR, "部门超时未出具意见，视为同意",
                new JsonObject().put("departments", new io.vertx.core.json.JsonArray(departments)),
                "ApplicationDeemedConsent", java.util.Optional.empty()));
          })).map(departments.size());
        });
  }

  private Future<Integer> raiseWarnings(LocalDate today) {
    LocalDate horizon = DeadlineWarnings.horizon(calendar.calendar(), today);
    OffsetDateTime since = today.minusDays(90).atStartOfDay(CalendarService.ZONE).toOffsetDateTime();
    return store.pool().preparedQuery(CANDIDATES).execute(Tuple.of(horizon)).compose(rows -> store.pool()
        .preparedQuery(LICENCE_PENDING).execute(Tuple.of(since)).compose(pending -> {
      List<Long> ids = new ArrayList<>();
      List<String> kinds = new ArrayList<>();
      List<String> levels = new ArrayList<>();
      List<String> subjects = new ArrayList<>();
      List<LocalDate> dues = new ArrayList<>();
      for (Row r : rows) {
        LocalDate due = r.getLocalDate(3);
        ids.add(r.getLong(0));
        kinds.add(r.getString(1));
        subjects.add(r.getString(2) == null ? "" : r.getString(2));
        dues.add(due);
        levels.add(DeadlineWarnings.level(due, today));
      }
      // The licence's limit is counted here, on the working-day calendar, from the approval day.
      for (Row r : pending) {
        LocalDate due = calendar.calendar().addWorkingDays(r.getLocalDate(1), LICENCE_DAYS).date();
        if (!due.isAfter(horizon)) {
          ids.add(r.getLong(0));
          kinds.add("LICENCE_DUE");
          subjects.add("");
          dues.add(due);
          levels.add(DeadlineWarnings.level(due, today));
        }
      }
      if (ids.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return store.pool().preparedQuery(RAISE).execute(Tuple.of(ids.toArray(Long[]::new),
              kinds.toArray(String[]::new), levels.toArray(String[]::new), subjects.toArray(String[]::new),
              dues.toArray(LocalDate[]::new), OffsetDateTime.now(calendar.clock())))
          .map(r -> r.iterator().next().getLong(0).intValue());
    }));
  }
}
