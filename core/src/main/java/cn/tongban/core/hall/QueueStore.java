package cn.tongban.core.hall;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Optional;

/** Every statement of the queue: numbers per hall and day, calling, transfer, the end of a visit, the board. */
final class QueueStore {
  private static final String COLUMNS = """
      t.hall_code, t.day, t.number, t.matter_code, m.name as matter_name, t.appointment_number, t.priority_from,
      t.status, t.window_code, w.name as window_name, t.taken_at, t.called_at, t.called_by, t.finished_at,
      t.application_number, t.transfers, t.booked_window""";
  private static final String FROM = " from hall_ticket t left join matter m on m.code = t.matter_code"
      + " left join hall_window w on w.hall_code = t.hall_code and w.code = t.window_code";

  private final Pool pool;

  QueueStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  Future<Boolean> windowExists(String hall, String window) {
    return pool.preparedQuery("select 1 from hall_window where hall_code = $1 and code = $2")
        .execute(Tuple.of(hall, window)).map(r -> r.size() > 0);
  }

  /**
   * Issues the next number of the hall's day: the counter row is made or moved by one upsert, so two
   * tickets taken at once get two numbers. {@code prefix} Y for a booking, A for a walk-in.
   */
  Future<JsonObject> take(SqlClient tx, String hall, LocalDate day, String prefix, String matter, String appointment,
      OffsetDateTime priorityFrom, String bookedWindow, String accountId, String takenBy, OffsetDateTime now) {
    return tx.preparedQuery("""
            with n as (
              insert into hall_ticket_counter (hall_code, day, last) values ($1, $2, 1)
              on conflict (hall_code, day) do update set last = hall_ticket_counter.last + 1
              returning last
            )
            insert into hall_ticket (hall_code, day, number, matter_code, appointment_number, priority_from, status,
                                     account_id, taken_by, taken_at, booked_window)
            select $1, $2, $3 || lpad(n.last::text, 3, '0'), $4, $5, $6, 'WAITING', $7::uuid, $8, $9, $10 from n
            returning number""")
        .execute(Tuple.from(new Object[] {hall, day, prefix, matter, appointment, priorityFrom, accountId, takenBy,
            now, bookedWindow}))
        .compose(rows -> find(tx, hall, day, rows.iterator().next().getString(0), false)).map(Optional::orElseThrow);
  }

  /**
   * Calls the next waiting number to {@code window}: those transferred to it first, then bookings whose slot
   * has begun — those booked at this window before those booked at another (a booking prefers its window, but
   * does not wait for it while another window is free) — then by the time taken. SKIP LOCKED: two windows
   * calling at once never get the same number.
   */
  Future<Optional<JsonObject>> callNext(SqlClient tx, String hall, LocalDate day, String window, OffsetDateTime now,
      String by) {
    return tx.preparedQuery("""
            with next as (
              select id from hall_ticket
              where hall_code = $1 and day = $2 and status = 'WAITING' and (window_code is null or window_code = $3)
              order by (window_code is not null) desc, (priority_from is not null and priority_from <= $4) desc,
                       (priority_from is not null and priority_from <= $4 and booked_window is not null
                        and booked_window = $3) desc, taken_at, number
              limit 1 for update skip locked
            )
            update hall_ticket t set status = 'CALLED', window_code = $3, called_at = $4, called_by = $5
            from next where t.id = next.id
            returning t.number""")
        .execute(Tuple.of(hall, day, window, now, by))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.empty())
            : find(tx, hall, day, rows.iterator().next().getString(0), false));
  }

  Future<Optional<JsonObject>> find(SqlClient client, String hall, LocalDate day, String number, boolean lock) {
    return client.preparedQuery("select " + COLUMNS + FROM + " where t.hall_code = $1 and t.day = $2"
            + " and t.number = $3" + (lock ? " for update of t" : ""))
        .execute(Tuple.of(hall, day, number)).map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toJson(rows.iterator().next())));
  }

  /** A visit as 好差评 reads it: its ticket id, the staff who served, whose booking it was, the matter's department. */
  Future<Optional<JsonObject>> visit(String hall, LocalDate day, String number) {
    return pool.preparedQuery("select t.id::text as id, t.status, t.matter_code, m.department_code, t.window_code,"
            + " t.called_by, t.account_id::text as account_id, t.finished_at from hall_ticket t"
            + " left join matter m on m.code = t.matter_code where t.hall_code = $1 and t.day = $2 and t.number = $3")
        .execute(Tuple.of(hall, day, number)).map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new JsonObject().put("id", r.getString("id")).put("status", r.getString("status"))
              .put("matterCode", r.getString("matter_code")).put("departmentCode", r.getString("department_code"))
              .put("windowCode", r.getString("window_code")).put("calledBy", r.getString("called_by"))
              .put("accountId", r.getString("account_id")).put("finishedAt", r.getOffsetDateTime("finished_at")));
        });
  }

  /** A called number goes back to waiting, for {@code window}. */
  Future<Void> transfer(SqlClient tx, String hall, LocalDate day, String number, String window) {
    return tx.preparedQuery("update hall_ticket set status = 'WAITING', window_code = $4, called_at = null,"
            + " called_by = null, transfers = transfers + 1 where hall_code = $1 and day = $2 and number = $3")
        .execute(Tuple.of(hall, day, number, window)).mapEmpty();
  }

  Future<Void> finish(SqlClient tx, String hall, LocalDate day, String number, String status, String application,
      OffsetDateTime now) {
    return tx.preparedQuery("update hall_ticket set status = $4, finished_at = $5,"
            + " application_number = coalesce($6, application_number)"
            + " where hall_code = $1 and day = $2 and number = $3")
        .execute(Tuple.of(hall, day, number, status, now, application)).mapEmpty();
  }

  /** Links the visit to the case it produced. */
  Future<Void> link(SqlClient tx, String hall, LocalDate day, String number, String application) {
    return tx.preparedQuery("update hall_ticket set application_number = $4 where hall_code = $1 and day = $2"
            + " and number = $3").execute(Tuple.of(hall, day, number, application)).mapEmpty();
  }

  Future<Boolean> caseExists(String number) {
    return pool.preparedQuery("select 1 from application where number = $1").execute(Tuple.of(number))
        .map(r -> r.size() > 0);
  }

  /** The hall's board for a day: who waits (in calling order) and the numbers called, latest first. */
  Future<JsonObject> board(String hall, LocalDate day, OffsetDateTime now) {
    return pool.preparedQuery("select " + COLUMNS + FROM + " where t.hall_code = $1 and t.day = $2"
            + " order by (t.window_code is not null) desc, (t.priority_from is not null and t.priority_from <= $3) desc,"
            + " t.taken_at, t.number").execute(Tuple.of(hall, day, now)).map(rows -> {
              JsonArray waiting = new JsonArray();
              JsonArray called = new JsonArray();
              JsonArray done = new JsonArray();
              rows.forEach(r -> {
                JsonObject t = toJson(r);
                switch (t.getString("status")) {
                  case "WAITING" -> waiting.add(t);
                  case "CALLED" -> called.add(t);
                  default -> done.add(t);
                }
              });
              return new JsonObject().put("hallCode", hall).put("day", day.toString()).put("waiting", waiting)
                  .put("called", called).put("finished", done.size());
            });
  }

  /**
   * 大厅考核: the visits of a hall from {@code from} to {@code to} (days) — for the hall, each window and each
   * member of staff who called — with waiting and service times (median, 90th percentile, in seconds), and
   * the hall's bookings of those days.
   */
  Future<JsonObject> assessment(String hall, LocalDate from, LocalDate to) {
    String figures = """
        count(*) as visits, count(*) filter (where t.status = 'SERVED') as served,
        count(*) filter (where t.status = 'ABSENT') as absent, count(t.application_number) as cases,
        count(t.appointment_number) as booked_visits,
        count(t.appointment_number) filter (where t.status = 'ABSENT') as booked_absent,
        percentile_cont(0.5) within group (order by extract(epoch from t.called_at - t.taken_at))
          filter (where t.called_at is not null) as wait_median,
        percentile_cont(0.9) within group (order by extract(epoch from t.called_at - t.taken_at))
          filter (where t.called_at is not null) as wait_p90,
        percentile_cont(0.5) within group (order by extract(epoch from t.finished_at - t.called_at))
          filter (where t.status = 'SERVED') as service_median,
        percentile_cont(0.9) within group (order by extract(epoch from t.finished_at - t.called_at))
          filter (where t.status = 'SERVED') as service_p90,
        count(r.id) as rated, count(r.id) filter (where r.grade >= 3) as satisfied,
        avg(r.grade) as grade_average""";
    return pool.preparedQuery("select grouping(t.window_code) as gw, grouping(t.called_by) as gs, t.window_code,"
            + " t.called_by, (select a.username from account a where 'account:' || a.id::text = t.called_by) as username,"
            + figures + " from hall_ticket t"
            // 好差评 of the visits (one per visit; an appeal upheld takes it out of the figures): read-only.
            + " left join rating r on r.visit_id = t.id and not r.excluded"
            + " where t.hall_code = $1 and t.day between $2 and $3"
            + " group by grouping sets ((), (t.window_code), (t.called_by)) order by 1, 2, 3, 4")
        .execute(Tuple.of(hall, from, to))
        .compose(rows -> pool.preparedQuery("""
                select count(*) as bookings, count(*) filter (where status = 'CHECKED_IN') as kept,
                       count(*) filter (where status = 'NO_SHOW') as no_shows,
                       count(*) filter (where status = 'CANCELLED') as cancelled
                from appointment where hall_code = $1
                  and (starts_at at time zone 'Asia/Shanghai')::date between $2 and $3""")
            .execute(Tuple.of(hall, from, to)).map(b -> {
              Row booked = b.iterator().next();
              JsonObject out = new JsonObject().put("hallCode", hall).put("from", from.toString())
                  .put("to", to.toString());
              JsonArray windows = new JsonArray();
              JsonArray staff = new JsonArray();
              JsonObject whole = figures(null);
              for (Row r : rows) {
                boolean byWindow = r.getInteger("gw") == 0;
                boolean byStaff = r.getInteger("gs") == 0;
                if (byWindow && r.getString("window_code") != null) {
                  windows.add(figures(r).put("windowCode", r.getString("window_code")));
                } else if (byStaff && r.getString("called_by") != null) {
                  staff.add(figures(r).put("staff", r.getString("username")));
                } else if (!byWindow && !byStaff) {
                  whole = figures(r);
                }
              }
              return out.put("hall", whole.put("bookings", booked.getLong("bookings"))
                      .put("bookingsKept", booked.getLong("kept")).put("noShows", booked.getLong("no_shows"))
                      .put("cancelled", booked.getLong("cancelled")))
                  .put("windows", windows).put("staff", staff);
            }));
  }

  private static JsonObject figures(Row r) {
    // `ratings`: the visits' 好差评 — how many were rated, how many 基本满意 or better, the average grade.
    if (r == null) {
      return new JsonObject().put("visits", 0L).put("served", 0L).put("absent", 0L).put("casesTakenIn", 0L)
          .put("bookingsKept", 0L).put("noShows", 0L).put("ratings", new JsonObject().put("rated", 0L)
              .put("satisfied", 0L).putNull("satisfactionRate").putNull("averageGrade"));
    }
    long rated = r.getLong("rated");
    Object average = r.getValue("grade_average");
    return new JsonObject().put("visits", r.getLong("visits")).put("served", r.getLong("served"))
        .put("absent", r.getLong("absent")).put("casesTakenIn", r.getLong("cases"))
        .put("bookingsKept", r.getLong("booked_visits")).put("noShows", r.getLong("booked_absent"))
        .put("ratings", new JsonObject().put("rated", rated).put("satisfied", r.getLong("satisfied"))
            .put("satisfactionRate", rated == 0 ? null : Math.round(r.getLong("satisfied") * 1000.0 / rated) / 1000.0)
            .put("averageGrade", average == null ? null
                : Math.round(((Number) average).doubleValue() * 100.0) / 100.0))
        .put("waitMedianSeconds", seconds(r, "wait_median")).put("waitP90Seconds", seconds(r, "wait_p90"))
        .put("serviceMedianSeconds", seconds(r, "service_median"))
        .put("serviceP90Seconds", seconds(r, "service_p90"));
  }

  private static Double seconds(Row r, String column) {
    Object v = r.getValue(column);
    return v == null ? null : ((Number) v).doubleValue();
  }

  static JsonObject toJson(Row r) {
    OffsetDateTime taken = r.getOffsetDateTime("taken_at");
    OffsetDateTime called = r.getOffsetDateTime("called_at");
    OffsetDateTime finished = r.getOffsetDateTime("finished_at");
    return new JsonObject().put("hallCode", r.getString("hall_code")).put("day", r.getLocalDate("day").toString())
        .put("number", r.getString("number")).put("matterCode", r.getString("matter_code"))
        .put("matterName", r.getString("matter_name")).put("appointmentNumber", r.getString("appointment_number"))
        .put("booked", r.getString("appointment_number") != null)
        .put("slotStartsAt", HallTime.text(r.getOffsetDateTime("priority_from")))
        .put("status", r.getString("status")).put("windowCode", r.getString("window_code"))
        .put("windowName", r.getString("window_name")).put("takenAt", HallTime.text(taken))
        .put("calledAt", HallTime.text(called)).put("calledBy", r.getString("called_by"))
        .put("finishedAt", HallTime.text(finished)).put("applicationNumber", r.getString("application_number"))
        .put("transfers", r.getInteger("transfers")).put("bookedWindow", r.getString("booked_window"))
        .put("waitSeconds", called == null ? null : called.toEpochSecond() - taken.toEpochSecond())
        .put("serviceSeconds", finished == null || called == null ? null
            : finished.toEpochSecond() - called.toEpochSecond());
  }
}
