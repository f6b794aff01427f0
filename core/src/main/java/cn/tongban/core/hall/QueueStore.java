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
      t.application_number, t.transfers""";
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
      OffsetDateTime priorityFrom, String accountId, String takenBy, OffsetDateTime now) {
    return tx.preparedQuery("""
            with n as (
              insert into hall_ticket_counter (hall_code, day, last) values ($1, $2, 1)
              on conflict (hall_code, day) do update set last = hall_ticket_counter.last + 1
              returning last
            )
            insert into hall_ticket (hall_code, day, number, matter_code, appointment_number, priority_from, status,
                                     account_id, taken_by, taken_at)
            select $1, $2, $3 || lpad(n.last::text, 3, '0'), $4, $5, $6, 'WAITING', $7::uuid, $8, $9 from n
            returning number""")
        .execute(Tuple.from(new Object[] {hall, day, prefix, matter, appointment, priorityFrom, accountId, takenBy,
            now}))
        .compose(rows -> find(tx, hall, day, rows.iterator().next().getString(0), false)).map(Optional::orElseThrow);
  }

  /**
   * Calls the next waiting number to {@code window}: those transferred to it first, then bookings whose slot
   * has begun, then by the time taken. SKIP LOCKED: two windows calling at once never get the same number.
   */
  Future<Optional<JsonObject>> callNext(SqlClient tx, String hall, LocalDate day, String window, OffsetDateTime now,
      String by) {
    return tx.preparedQuery("""
            with next as (
              select id from hall_ticket
              where hall_code = $1 and day = $2 and status = 'WAITING' and (window_code is null or window_code = $3)
              order by (window_code is not null) desc, (priority_from is not null and priority_from <= $4) desc,
                       taken_at, number
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
        .put("transfers", r.getInteger("transfers"))
        .put("waitSeconds", called == null ? null : called.toEpochSecond() - taken.toEpochSecond())
        .put("serviceSeconds", finished == null || called == null ? null
            : finished.toEpochSecond() - called.toEpochSecond());
  }
}
