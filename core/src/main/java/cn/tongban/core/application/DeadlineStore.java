package cn.tongban.core.application;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The deadline scan's set-based SQL on the application aggregate (cases, their opinions and warnings):
 * the limits due by a horizon, approvals still waiting for their licence, the warnings raised with their
 * outbox events in one statement, and the silent departments' opinions turned into deemed consent.
 */
public final class DeadlineStore {
  private static final String CANDIDATES = """
      -- A limit already carded RED is left out: a red card is the last warning of a limit (its day only
      -- recedes), so an overdue case is read here, and sent to case_warning, once, not on every pass.
      select c.* from (
      -- The due dates as the V74 indexes hold them (an open case's, else null): PostgreSQL keeps statistics
      -- of an index's expression, so it knows how few open cases are due and reads them through the index
      -- instead of every case (it took closed cases' past dates for open ones, and scanned the table).
      select a.id, 'DECISION_DUE' as kind, '' as subject, a.due_date as due from application a
        where a.status in ('ACCEPTED', 'IN_REVIEW')
          and (case when a.status in ('ACCEPTED', 'IN_REVIEW') then a.due_date end) <= $1
      union all
      select a.id, 'LEGAL_DUE', '', a.legal_due_date from application a
        where a.status in ('ACCEPTED', 'IN_REVIEW')
          and (case when a.status in ('ACCEPTED', 'IN_REVIEW') then a.legal_due_date end) <= $1
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
        where a.deficiency is not null and a.status in ('ACCEPTED', 'IN_REVIEW', 'SUSPENDED')
          and not (i ? 'suppliedAt')
          and (i->>'deadline')::date <= $1
      union all
      select a.id, 'VERIFICATION_DUE', '', (a.commitments->>'verificationDueDate')::date from application a
        where a.commitments is not null and not (a.commitments ? 'verifiedAt')
          and a.status not in ('TERMINATED', 'WITHDRAWN')
          and (a.commitments->>'verificationDueDate')::date <= $1
      ) c (id, kind, subject, due)
      where not exists (select 1 from case_warning w where w.application_id = c.id and w.kind = c.kind
        and w.level = 'RED' and w.subject = coalesce(c.subject, '') and w.due_date = c.due)""";

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

  private final Pool pool;

  public DeadlineStore(Pool pool) {
    this.pool = pool;
  }

  /** A limit due by the horizon: the case's id, the kind of limit, its subject ('' for none) and its day. */
  public record Due(long applicationId, String kind, String subject, LocalDate due) {
  }

  /** An approval without its licence: the case's id and its approval day in Beijing. */
  public record Approval(long applicationId, LocalDate approvedOn) {
  }

  /** A warning to raise. */
  public record Warning(long applicationId, String kind, String level, String subject, LocalDate due) {
  }

  /** Every watched limit due on or before {@code horizon}. */
  public Future<List<Due>> dueBy(LocalDate horizon) {
    return pool.preparedQuery(CANDIDATES).execute(Tuple.of(horizon)).map(rows -> {
      List<Due> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Due(r.getLong(0), r.getString(1), r.getString(2) == null ? "" : r.getString(2),
            r.getLocalDate(3)));
      }
      return out;
    });
  }

  /** Approvals since {@code since} whose matter's result is a licence that is not issued yet. */
  public Future<List<Approval>> awaitingLicence(OffsetDateTime since) {
    return pool.preparedQuery(LICENCE_PENDING).execute(Tuple.of(since)).map(rows -> {
      List<Approval> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Approval(r.getLong(0), r.getLocalDate(1)));
      }
      return out;
    });
  }

  /** Raises the warnings not raised before, each with its outbox event; how many were new. */
  public Future<Integer> raise(List<Warning> warnings, OffsetDateTime raisedAt) {
    return pool.preparedQuery(RAISE).execute(Tuple.of(
            warnings.stream().map(Warning::applicationId).toArray(Long[]::new),
            warnings.stream().map(Warning::kind).toArray(String[]::new),
            warnings.stream().map(Warning::level).toArray(String[]::new),
            warnings.stream().map(Warning::subject).toArray(String[]::new),
            warnings.stream().map(Warning::due).toArray(LocalDate[]::new), raisedAt))
        .map(r -> r.iterator().next().getLong(0).intValue());
  }

  /**
   * Up to 100 accepted cases with an opinion past its limit whose matter takes silence as consent (超时默认),
   * locked for {@code tx} (skipping those another node holds).
   */
  public Future<List<Long>> silentPastLimit(SqlClient tx, LocalDate today) {
    return tx.preparedQuery("""
            select a.id from application a join matter m on m.code = a.matter_code
            where a.status = 'ACCEPTED' and exists (select 1 from case_opinion o where o.application_id = a.id
              and o.opinion is null and o.due_date < $1)
              -- Only where the matter says silence is consent (超时默认); otherwise warnings only.
              and coalesce((m.document->'parallelApproval'->>'deemedConsent')::boolean, true)
            order by a.id limit 100
            for update of a skip locked""")
        .execute(Tuple.of(today))
        .map(rows -> {
          List<Long> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getLong(0)));
          return out;
        });
  }

  /** The case's opinions past their limit become deemed consent; the departments, as the case's step records them. */
  public Future<List<JsonObject>> deemSilentOpinions(SqlClient tx, long applicationId, LocalDate today, String actor,
      OffsetDateTime now) {
    return tx.preparedQuery("""
            update case_opinion set opinion = 'DEEMED_CONSENT', actor = $3, decided_at = $4,
              comment = '超时未出具意见，视为同意'
            where application_id = $1 and opinion is null and due_date < $2
            returning department_code, department_name, due_date""")
        .execute(Tuple.of(applicationId, today, actor, now))
        .map(deemed -> {
          List<JsonObject> departments = new ArrayList<>();
          deemed.forEach(d -> departments.add(new JsonObject().put("department", d.getString(0))
              .put("departmentName", d.getString(1)).put("dueDate", d.getLocalDate(2).toString())));
          return departments;
        });
  }
}
