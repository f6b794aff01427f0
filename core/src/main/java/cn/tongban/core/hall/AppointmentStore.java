package cn.tongban.core.hall;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every statement of the hall schedule and its appointments: hours, slot places, bookings and their jobs. */
final class AppointmentStore {
  private static final String COLUMNS = """
      a.number, a.hall_code, h.name as hall_name, a.matter_code, m.name as matter_name, a.starts_at, a.ends_at,
      a.period, a.account_id::text as account_id, a.applicant_name, a.status, a.created_at, a.changed_at,
      a.window_code, w.name as window_name""";
  private static final String FROM = " from appointment a join hall h on h.code = a.hall_code"
      + " join matter m on m.code = a.matter_code"
      + " left join hall_window w on w.hall_code = a.hall_code and w.code = a.window_code";

  private final Pool pool;

  AppointmentStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** The hall's own hours, if it has any; empty also when the hall is unknown ({@link #hallExists}). */
  Future<Optional<JsonObject>> hours(String hall) {
    return pool.preparedQuery("select hours, slot_minutes, capacity, capacities from hall_hours where hall_code = $1")
        .execute(Tuple.of(hall)).map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new JsonObject().put("hours", r.getValue("hours"))
              .put("slotMinutes", r.getInteger("slot_minutes")).put("capacity", r.getInteger("capacity"))
              .put("capacities", r.getValue("capacities")));
        });
  }

  /** A window's own hours ({"WORKDAY": […], "SATURDAY": […]}), if it has any. */
  Future<Optional<JsonObject>> windowHours(String hall, String window) {
    return pool.preparedQuery("select hours from hall_window_hours where hall_code = $1 and window_code = $2")
        .execute(Tuple.of(hall, window)).map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of((JsonObject) rows.iterator().next().getValue("hours")));
  }

  /** Every window of a hall with its own hours (null when it keeps the hall's), its kind and department. */
  Future<List<JsonObject>> windows(String hall) {
    return pool.preparedQuery("""
            select w.code, w.name, w.kind, w.department_code, d.name as department_name, wh.hours, w.slot_capacity
            from hall_window w left join department d on d.code = w.department_code
            left join hall_window_hours wh on wh.hall_code = w.hall_code and wh.window_code = w.code
            where w.hall_code = $1 order by w.code""").execute(Tuple.of(hall)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject().put("windowCode", r.getString("code"))
              .put("name", r.getString("name")).put("kind", r.getString("kind"))
              .put("departmentCode", r.getString("department_code"))
              .put("departmentName", r.getString("department_name")).put("hours", r.getValue("hours"))
              .put("capacity", r.getInteger("slot_capacity"))));
          return out;
        });
  }

  /**
   * The windows of a hall that serve a matter — a comprehensive window every matter (一窗受理), a department's
   * window its department's — with their own hours (null: the hall's) and places per slot (null: the hall's).
   * The same rule as the hall's guide.
   */
  Future<List<JsonObject>> windowsServing(String hall, String matter) {
    return pool.preparedQuery("""
            select w.code, w.name, wh.hours, w.slot_capacity from hall_window w
            left join hall_window_hours wh on wh.hall_code = w.hall_code and wh.window_code = w.code
            where w.hall_code = $1 and (w.kind <> 'DEPARTMENT'
              or w.department_code = (select department_code from matter where code = $2))
            order by w.code""").execute(Tuple.of(hall, matter)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject().put("windowCode", r.getString("code"))
              .put("name", r.getString("name")).put("hours", r.getValue("hours"))
              .put("capacity", r.getInteger("slot_capacity"))));
          return out;
        });
  }

  /** Sets a window's places per slot, or (null) lets it keep the hall's. */
  Future<Void> putWindowCapacity(SqlClient tx, String hall, String window, Integer capacity) {
    return tx.preparedQuery("update hall_window set slot_capacity = $3 where hall_code = $1 and code = $2")
        .execute(Tuple.of(hall, window, capacity)).mapEmpty();
  }

  /** Sets a window's own hours, or (null) lets it keep the hall's. */
  Future<Boolean> putWindowHours(SqlClient tx, String hall, String window, JsonObject hours) {
    return tx.preparedQuery("select 1 from hall_window where hall_code = $1 and code = $2")
        .execute(Tuple.of(hall, window)).compose(found -> found.size() == 0 ? Future.succeededFuture(false)
            : (hours == null
                ? tx.preparedQuery("delete from hall_window_hours where hall_code = $1 and window_code = $2")
                    .execute(Tuple.of(hall, window))
                : tx.preparedQuery("""
                    insert into hall_window_hours (hall_code, window_code, hours) values ($1, $2, $3)
                    on conflict (hall_code, window_code) do update set hours = excluded.hours, updated_at = now()""")
                    .execute(Tuple.of(hall, window, hours))).map(true));
  }

  Future<Boolean> hallExists(String hall) {
    return pool.preparedQuery("select 1 from hall where code = $1").execute(Tuple.of(hall)).map(r -> r.size() > 0);
  }

  Future<Void> putHours(SqlClient tx, HallHours h) {
    JsonObject json = h.toJson();
    return tx.preparedQuery("""
            insert into hall_hours (hall_code, hours, slot_minutes, capacity, capacities) values ($1, $2, $3, $4, $5)
            on conflict (hall_code) do update set hours = excluded.hours, slot_minutes = excluded.slot_minutes,
              capacity = excluded.capacity, capacities = excluded.capacities, updated_at = now()""")
        .execute(Tuple.of(h.hallCode(), json.getJsonObject("hours"), h.slotMinutes(), h.capacity(),
            json.getJsonObject("capacities"))).mapEmpty();
  }

  /** Places taken per window and slot start of one day (key {@code window|start}; window "" for hall-wide slots). */
  Future<Map<String, Integer>> booked(String hall, String matter, OffsetDateTime from, OffsetDateTime to) {
    return pool.preparedQuery("select coalesce(window_code, ''), starts_at, booked from appointment_slot"
            + " where hall_code = $1 and matter_code = $2 and starts_at >= $3 and starts_at < $4")
        .execute(Tuple.of(hall, matter, from, to)).map(rows -> {
          Map<String, Integer> out = new HashMap<>();
          rows.forEach(r -> out.merge(key(r.getString(0), r.getOffsetDateTime(1).toInstant().atOffset(from.getOffset())),
              r.getInteger(2), Integer::sum));
          return out;
        });
  }

  static String key(String window, OffsetDateTime start) {
    return (window == null ? "" : window) + "|" + start.toInstant();
  }

  /** Serialises one person's bookings, so the open-bookings limit holds under parallel requests. */
  Future<Void> lockPerson(SqlClient tx, String accountId) {
    return tx.preparedQuery("select pg_advisory_xact_lock(hashtextextended('appointment:' || $1, 0))")
        .execute(Tuple.of(accountId)).mapEmpty();
  }

  Future<Integer> openBookings(SqlClient tx, String accountId, OffsetDateTime now) {
    return tx.preparedQuery("select count(*) from appointment where account_id = $1::uuid and status = 'BOOKED'"
            + " and ends_at > $2").execute(Tuple.of(accountId, now))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  /**
   * Takes a place of one window's slot ({@code window} null: a hall-wide slot): the row is made at the first
   * booking, then one conditional update, which a parallel booking of the last place waits for and then finds
   * full. False when the slot is full.
   */
  Future<Boolean> takePlace(SqlClient tx, String hall, String matter, String window, OffsetDateTime start,
      int capacity) {
    return tx.preparedQuery("insert into appointment_slot (hall_code, matter_code, window_code, starts_at, capacity)"
            + " values ($1, $2, $3, $4, $5) on conflict do nothing")
        .execute(Tuple.of(hall, matter, window, start, capacity))
        .compose(v -> tx.preparedQuery("update appointment_slot set booked = booked + 1 where hall_code = $1"
            + " and matter_code = $2 and window_code is not distinct from $3 and starts_at = $4 and booked < capacity")
            .execute(Tuple.of(hall, matter, window, start)))
        .map(rows -> rows.rowCount() == 1);
  }

  Future<Void> releasePlace(SqlClient tx, String hall, String matter, String window, OffsetDateTime start) {
    return tx.preparedQuery("update appointment_slot set booked = booked - 1 where hall_code = $1"
            + " and matter_code = $2 and window_code is not distinct from $3 and starts_at = $4 and booked > 0")
        .execute(Tuple.of(hall, matter, window, start)).mapEmpty();
  }

  Future<String> insert(SqlClient tx, String hall, String matter, String window, OffsetDateTime start,
      OffsetDateTime end, String period, String accountId, String name, OffsetDateTime now) {
    return tx.preparedQuery("""
            insert into appointment (number, hall_code, matter_code, starts_at, ends_at, period, account_id,
                                     applicant_name, status, created_at, window_code)
            values ('YY' || to_char($8 at time zone 'Asia/Shanghai', 'YYYYMMDD')
                      || lpad(nextval('appointment_seq')::text, 6, '0'),
                    $1, $2, $3, $4, $5, $6::uuid, $7, 'BOOKED', $8, $9)
            returning number""")
        .execute(Tuple.from(new Object[] {hall, matter, start, end, period, accountId, name, now, window}))
        .map(rows -> rows.iterator().next().getString(0));
  }

  /** One appointment, locked for a change when {@code tx} is a transaction. */
  Future<Optional<JsonObject>> find(SqlClient client, String number, boolean lock) {
    return client.preparedQuery("select " + COLUMNS + FROM + " where a.number = $1" + (lock ? " for update of a" : ""))
        .execute(Tuple.of(number)).map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toJson(rows.iterator().next())));
  }

  Future<Void> move(SqlClient tx, String number, String window, OffsetDateTime start, OffsetDateTime end,
      String period, OffsetDateTime now) {
    return tx.preparedQuery("update appointment set starts_at = $2, ends_at = $3, period = $4, changed_at = $5,"
            + " reminded_at = null, window_code = $6 where number = $1")
        .execute(Tuple.of(number, start, end, period, now, window)).mapEmpty();
  }

  /** Moves a booked appointment to {@code status}; false when it was no longer booked. */
  Future<Boolean> setStatus(SqlClient tx, String number, String status, OffsetDateTime now) {
    return tx.preparedQuery("update appointment set status = $2, changed_at = $3 where number = $1"
            + " and status = 'BOOKED'").execute(Tuple.of(number, status, now)).map(r -> r.rowCount() == 1);
  }

  /** Appointments by scope: one account's, one hall's, or all ({@code null} both); {@code day} narrows them. */
  Future<List<JsonObject>> list(String accountId, String hall, OffsetDateTime dayStart) {
    return pool.preparedQuery("select " + COLUMNS + FROM + " where ($1::uuid is null or a.account_id = $1::uuid)"
            + " and ($2::text is null or a.hall_code = $2)"
            + " and ($3::timestamptz is null or (a.starts_at >= $3 and a.starts_at < $3 + interval '1 day'))"
            + " order by a.starts_at, a.number limit 500")
        .execute(Tuple.of(accountId, hall, dayStart)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(toJson(r)));
          return out;
        });
  }

  /**
   * 预约提醒: appointments starting within the lead time get an {@code AppointmentReminder} event (for the SMS
   * sink) once, with its audit row, in one statement; rows another node claims are skipped.
   */
  Future<Integer> remind(OffsetDateTime now, OffsetDateTime until) {
    return pool.preparedQuery("""
            with due as (
              select number from appointment where status = 'BOOKED' and reminded_at is null
                and starts_at > $1 and starts_at <= $2
              order by starts_at limit 500 for update skip locked
            ), upd as (
              update appointment a set reminded_at = $1 from due where a.number = due.number
              returning a.*
            ), audit as (
              insert into audit_event (actor, action, entity_type, entity_id)
              select 'system', 'appointment.reminded', 'appointment', number from upd
            ), outbox as (
              insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
              select 'appointment', number, 'AppointmentReminder',
                     jsonb_build_object('number', number, 'hallCode', hall_code, 'matterCode', matter_code,
                                        'startsAt', starts_at, 'accountId', account_id)
              from upd
            )
            select count(*) from upd""").execute(Tuple.of(now, until))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  /** 爽约: bookings whose slot ended before {@code before} without a ticket taken become NO_SHOW. */
  Future<Integer> markNoShows(OffsetDateTime before, OffsetDateTime now) {
    return pool.preparedQuery("""
            with due as (
              select number from appointment where status = 'BOOKED' and ends_at <= $1
              order by ends_at limit 500 for update skip locked
            ), upd as (
              update appointment a set status = 'NO_SHOW', changed_at = $2 from due where a.number = due.number
              returning a.*
            ), audit as (
              insert into audit_event (actor, action, entity_type, entity_id)
              select 'system', 'appointment.noShow', 'appointment', number from upd
            ), outbox as (
              insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
              select 'appointment', number, 'AppointmentNoShow',
                     jsonb_build_object('number', number, 'hallCode', hall_code, 'accountId', account_id)
              from upd
            )
            select count(*) from upd""").execute(Tuple.of(before, now))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  static JsonObject toJson(Row r) {
    return new JsonObject().put("number", r.getString("number")).put("hallCode", r.getString("hall_code"))
        .put("hallName", r.getString("hall_name")).put("matterCode", r.getString("matter_code"))
        .put("matterName", r.getString("matter_name"))
        .put("startsAt", HallTime.text(r.getOffsetDateTime("starts_at")))
        .put("endsAt", HallTime.text(r.getOffsetDateTime("ends_at"))).put("period", r.getString("period"))
        .put("accountId", r.getString("account_id")).put("applicantName", r.getString("applicant_name"))
        .put("status", r.getString("status")).put("createdAt", HallTime.text(r.getOffsetDateTime("created_at")))
        .put("changedAt", HallTime.text(r.getOffsetDateTime("changed_at")))
        .put("windowCode", r.getString("window_code")).put("windowName", r.getString("window_name"));
  }
}
