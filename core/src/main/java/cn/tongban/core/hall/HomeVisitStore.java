package cn.tongban.core.hall;

import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
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
import java.util.Optional;

/** Every statement of door-to-door visits (上门服务): the visit, its contact sealed, lists and the deadline scan. */
final class HomeVisitStore {
  /** The contact column's context: a sealed value opens only in the column it was sealed for. */
  static final String CONTACT = "home_visit.contact";

  /** A visit's sealed contact (name, identity number, phone, address), for a rewrap. */
  static final SealedTable SEALED = new SealedTable("home_visit",
      "select number, contact from home_visit where $2::bytea is not null and (" + SealedTable.stale("contact")
          + ") order by number",
      "update home_visit set contact = $2 where number = $1",
      (personal, r) -> Tuple.of(r.getString("number"), personal.sealJson(CONTACT, r.getString("number"),
          personal.openJson(CONTACT, r.getString("number"), r.getString("contact")))));

  private static final String COLUMNS = """
      v.id, v.number, v.hall_code, h.name as hall_name, v.matter_code, m.name as matter_name,
      v.account_id::text as account_id, v.contact, v.reason, v.status, v.requested_at, v.due_date, v.assigned_to,
      a.display_name as assigned_name, a.username as assigned_username, v.scheduled_at, v.decided_by, v.decided_at,
      v.decline_reason, v.application_number, v.taken_in_at""";
  private static final String FROM = " from home_visit v join hall h on h.code = v.hall_code"
      + " join matter m on m.code = v.matter_code left join account a on a.id::text = v.assigned_to";

  private final Pool pool;
  private final PersonalData personal;

  HomeVisitStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  Pool pool() {
    return pool;
  }

  Future<String> insert(SqlClient tx, String hall, String matter, String accountId, JsonObject contact, String reason,
      OffsetDateTime now, LocalDate due) {
    // The number is drawn first: the sealed contact is bound to it.
    return tx.preparedQuery("select 'SM' || to_char($1::timestamptz at time zone 'Asia/Shanghai', 'YYYYMMDD')"
            + " || lpad(nextval('home_visit_seq')::text, 5, '0')").execute(Tuple.of(now))
        .map(rows -> rows.iterator().next().getString(0))
        .compose(drawn -> tx.preparedQuery("""
            insert into home_visit (number, hall_code, matter_code, account_id, contact, reason, status, requested_at,
                                    due_date)
            values ($7, $1, $2, $3::uuid, $4, $5, 'REQUESTED', $6, $8)
            returning number""")
        .execute(Tuple.from(new Object[] {hall, matter, accountId, personal.sealJson(CONTACT, drawn, contact), reason,
            now, drawn, due})))
        .map(rows -> rows.iterator().next().getString(0));
  }

  Future<Optional<JsonObject>> find(SqlClient client, String number, boolean lock) {
    return client.preparedQuery("select " + COLUMNS + FROM + " where v.number = $1" + (lock ? " for update of v" : ""))
        .execute(Tuple.of(number)).map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toJson(rows.iterator().next())));
  }

  /** A person's own (accountId), a hall's (hall), or all; open ones first, by due date. */
  Future<List<JsonObject>> list(String accountId, String hall) {
    return pool.preparedQuery("select " + COLUMNS + FROM + " where ($1::uuid is null or v.account_id = $1::uuid)"
            + " and ($2::text is null or v.hall_code = $2)"
            + " order by v.status in ('REQUESTED', 'SCHEDULED') desc, v.due_date, v.number limit 200")
        .execute(Tuple.of(accountId, hall)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(toJson(r)));
          return out;
        });
  }

  /** A staff account (id, display name) that works at a window of {@code hall}. */
  Future<Optional<String[]>> hallStaff(String hall, String username) {
    return pool.preparedQuery("select id::text, display_name from account where username = $1 and kind = 'STAFF'"
            + " and hall_code = $2 and not disabled and roles && array['CLERK', 'AGENT']")
        .execute(Tuple.of(username, hall)).map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(new String[] {rows.iterator().next().getString(0), rows.iterator().next().getString(1)}));
  }

  Future<Boolean> schedule(SqlClient tx, String number, String assignee, OffsetDateTime at, String by,
      OffsetDateTime now) {
    return tx.preparedQuery("update home_visit set status = 'SCHEDULED', assigned_to = $2, scheduled_at = $3,"
            + " decided_by = $4, decided_at = $5 where number = $1 and status in ('REQUESTED', 'SCHEDULED')")
        .execute(Tuple.of(number, assignee, at, by, now)).map(r -> r.rowCount() == 1);
  }

  Future<Boolean> decline(SqlClient tx, String number, String reason, String by, OffsetDateTime now) {
    return tx.preparedQuery("update home_visit set status = 'DECLINED', decline_reason = $2, decided_by = $3,"
            + " decided_at = $4 where number = $1 and status in ('REQUESTED', 'SCHEDULED')")
        .execute(Tuple.of(number, reason, by, now)).map(r -> r.rowCount() == 1);
  }

  Future<Boolean> cancel(SqlClient tx, String number, OffsetDateTime now) {
    return tx.preparedQuery("update home_visit set status = 'CANCELLED', decided_at = $2"
            + " where number = $1 and status in ('REQUESTED', 'SCHEDULED')")
        .execute(Tuple.of(number, now)).map(r -> r.rowCount() == 1);
  }

  Future<Boolean> takenIn(SqlClient tx, String number, String application, OffsetDateTime now) {
    return tx.preparedQuery("update home_visit set status = 'TAKEN_IN', application_number = $2, taken_in_at = $3"
            + " where number = $1 and status = 'SCHEDULED'")
        .execute(Tuple.of(number, application, now)).map(r -> r.rowCount() == 1);
  }

  /** Visits up to {@code horizon} still to be made: [id, 'VISIT_DUE', due date]. */
  Future<List<Object[]>> dueBy(LocalDate horizon) {
    return pool.preparedQuery("select id, due_date from home_visit where status in ('REQUESTED', 'SCHEDULED')"
            + " and due_date <= $1").execute(Tuple.of(horizon)).map(rows -> {
              List<Object[]> out = new ArrayList<>();
              rows.forEach(r -> out.add(new Object[] {r.getLong(0), "VISIT_DUE", r.getLocalDate(1)}));
              return out;
            });
  }

  /** Raises each warning not raised before, with its outbox event, in one statement; answers how many. */
  private static final String RAISE = DeadlineWarnings.raiseStatement("home_visit_warning", "home_visit_id",
      "home_visit", "homeVisit", "p.number", "HomeVisitDeadlineWarning", "jsonb_build_object('number', p.number,"
          + " 'kind', ins.kind, 'level', ins.level, 'dueDate', ins.due_date, 'hallCode', p.hall_code)");

  Future<Integer> raise(List<Long> ids, List<String> kinds, List<String> levels, List<LocalDate> dues,
      OffsetDateTime at) {
    return pool.preparedQuery(RAISE)
        .execute(DeadlineWarnings.raiseArguments(ids, kinds, levels, dues, at))
        .map(r -> r.iterator().next().getLong(0).intValue());
  }

  /** The warnings raised on a visit, the latest first. */
  Future<List<JsonObject>> warnings(SqlClient client, long id) {
    return client.preparedQuery("select kind, level, due_date, raised_at from home_visit_warning"
            + " where home_visit_id = $1 order by raised_at desc, level").execute(Tuple.of(id)).map(rows -> {
              List<JsonObject> out = new ArrayList<>();
              rows.forEach(r -> out.add(new JsonObject().put("kind", r.getString("kind"))
                  .put("level", r.getString("level")).put("dueDate", r.getLocalDate("due_date").toString())
                  .put("raisedAt", HallTime.text(r.getOffsetDateTime("raised_at")))));
              return out;
            });
  }

  private JsonObject toJson(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("number", r.getString("number"))
        .put("hallCode", r.getString("hall_code")).put("hallName", r.getString("hall_name"))
        .put("matterCode", r.getString("matter_code")).put("matterName", r.getString("matter_name"))
        .put("accountId", r.getString("account_id"))
        .put("contact", personal.openJson(CONTACT, r.getString("number"), r.getString("contact"))).put("reason", r.getString("reason"))
        .put("status", r.getString("status")).put("requestedAt", HallTime.text(r.getOffsetDateTime("requested_at")))
        .put("dueDate", r.getLocalDate("due_date").toString()).put("assignedTo", r.getString("assigned_username"))
        .put("assignedId", r.getString("assigned_to"))
        .put("assignedName", r.getString("assigned_name"))
        .put("scheduledAt", HallTime.text(r.getOffsetDateTime("scheduled_at")))
        .put("declineReason", r.getString("decline_reason")).put("applicationNumber", r.getString("application_number"))
        .put("takenInAt", HallTime.text(r.getOffsetDateTime("taken_in_at")));
  }
}
