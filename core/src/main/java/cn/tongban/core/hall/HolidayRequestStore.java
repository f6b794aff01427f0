package cn.tongban.core.hall;

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

/** Every statement of holiday service requests (法定节假日订制). */
final class HolidayRequestStore {
  private static final String COLUMNS = """
      r.number, r.hall_code, h.name as hall_name, r.matter_code, m.name as matter_name, r.day, r.time,
      r.account_id::text as account_id, r.applicant_name, r.note, r.status, r.created_at, r.decided_at, r.decided_by,
      r.reason""";
  private static final String FROM = " from holiday_request r join hall h on h.code = r.hall_code"
      + " join matter m on m.code = r.matter_code";

  private final Pool pool;

  HolidayRequestStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** Requests of a person still to come, asked for or confirmed (the anti-scalping count). */
  Future<Integer> open(SqlClient tx, String accountId, LocalDate today) {
    return tx.preparedQuery("select count(*) from holiday_request where account_id = $1::uuid"
            + " and status in ('REQUESTED', 'CONFIRMED') and day >= $2")
        .execute(Tuple.of(accountId, today)).map(r -> r.iterator().next().getLong(0).intValue());
  }

  Future<String> insert(SqlClient tx, String hall, String matter, LocalDate day, String time, String accountId,
      String name, String note, OffsetDateTime now) {
    return tx.preparedQuery("""
            insert into holiday_request (number, hall_code, matter_code, day, time, account_id, applicant_name, note,
                                         status, created_at)
            values ('JR' || to_char($9 at time zone 'Asia/Shanghai', 'YYYYMMDD')
                      || lpad(nextval('holiday_request_seq')::text, 5, '0'),
                    $1, $2, $3, $4, $5::uuid, $6, $7, 'REQUESTED', $8)
            returning number""")
        .execute(Tuple.from(new Object[] {hall, matter, day, time, accountId, name, note, now, now}))
        .map(rows -> rows.iterator().next().getString(0));
  }

  Future<Optional<JsonObject>> find(SqlClient client, String number) {
    return client.preparedQuery("select " + COLUMNS + FROM + " where r.number = $1").execute(Tuple.of(number))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  /** Confirms or declines a request still asked for; false when it was decided meanwhile. */
  Future<Boolean> decide(SqlClient tx, String number, String status, String by, String reason, OffsetDateTime now) {
    return tx.preparedQuery("update holiday_request set status = $2, decided_by = $3, reason = $4, decided_at = $5"
            + " where number = $1 and status = 'REQUESTED'")
        .execute(Tuple.of(number, status, by, reason, now)).map(r -> r.rowCount() == 1);
  }

  /** A person's own (accountId), a hall's (hall), or all; newest day first. */
  Future<List<JsonObject>> list(String accountId, String hall) {
    return pool.preparedQuery("select " + COLUMNS + FROM + " where ($1::uuid is null or r.account_id = $1::uuid)"
            + " and ($2::text is null or r.hall_code = $2) order by r.day desc, r.number desc limit 200")
        .execute(Tuple.of(accountId, hall)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(toJson(r)));
          return out;
        });
  }

  private static JsonObject toJson(Row r) {
    return new JsonObject().put("number", r.getString("number")).put("hallCode", r.getString("hall_code"))
        .put("hallName", r.getString("hall_name")).put("matterCode", r.getString("matter_code"))
        .put("matterName", r.getString("matter_name")).put("date", r.getLocalDate("day").toString())
        .put("time", r.getString("time")).put("accountId", r.getString("account_id"))
        .put("applicantName", r.getString("applicant_name")).put("note", r.getString("note"))
        .put("status", r.getString("status")).put("createdAt", HallTime.text(r.getOffsetDateTime("created_at")))
        .put("decidedAt", HallTime.text(r.getOffsetDateTime("decided_at"))).put("decidedBy", r.getString("decided_by"))
        .put("reason", r.getString("reason"));
  }
}
