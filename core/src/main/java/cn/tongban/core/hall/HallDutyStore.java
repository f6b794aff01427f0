package cn.tongban.core.hall;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every statement of the duty roster (值班表) and of what a hall publishes about itself (六统一). */
final class HallDutyStore {
  private final Pool pool;

  HallDutyStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** A hall's name and level, if it exists. */
  Future<Optional<JsonObject>> hall(String hall) {
    return pool.preparedQuery("select code, name, level from hall where code = $1").execute(Tuple.of(hall))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new JsonObject()
            .put("hallCode", rows.iterator().next().getString("code"))
            .put("name", rows.iterator().next().getString("name"))
            .put("level", rows.iterator().next().getString("level"))));
  }

  /** A staff account's display name when it works at a window of {@code hall} (clerk or agent there). */
  Future<Optional<String>> windowStaff(SqlClient tx, String hall, String username) {
    return tx.preparedQuery("select display_name from account where username = $1 and kind = 'STAFF'"
            + " and hall_code = $2 and not disabled and roles && array['CLERK', 'AGENT']")
        .execute(Tuple.of(username, hall))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  Future<Boolean> windowExists(SqlClient tx, String hall, String window) {
    return tx.preparedQuery("select 1 from hall_window where hall_code = $1 and code = $2")
        .execute(Tuple.of(hall, window)).map(rows -> rows.size() > 0);
  }

  /** Replaces a day's roster with {@code entries} ([windowCode, username, name]). */
  Future<Void> replace(SqlClient tx, String hall, LocalDate day, List<String[]> entries) {
    return tx.preparedQuery("delete from hall_duty where hall_code = $1 and day = $2").execute(Tuple.of(hall, day))
        .compose(x -> entries.isEmpty() ? Future.succeededFuture() : tx.preparedQuery("""
                insert into hall_duty (hall_code, day, window_code, username, staff_name)
                select $1, $2, w, u, n from unnest($3::text[], $4::text[], $5::text[]) as t(w, u, n)
                on conflict do nothing""")
            .execute(Tuple.of(hall, day, entries.stream().map(e -> e[0]).toArray(String[]::new),
                entries.stream().map(e -> e[1]).toArray(String[]::new),
                entries.stream().map(e -> e[2]).toArray(String[]::new))))
        .mapEmpty();
  }

  /** A day's roster: [{windowCode, windowName, username, name}] by window. */
  Future<List<JsonObject>> roster(String hall, LocalDate day) {
    return pool.preparedQuery("""
            select d.window_code, w.name as window_name, d.username, d.staff_name from hall_duty d
            join hall_window w on w.hall_code = d.hall_code and w.code = d.window_code
            where d.hall_code = $1 and d.day = $2 order by d.window_code, d.username""")
        .execute(Tuple.of(hall, day)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject().put("windowCode", r.getString("window_code"))
              .put("windowName", r.getString("window_name")).put("username", r.getString("username"))
              .put("name", r.getString("staff_name"))));
          return out;
        });
  }

  /** The published matters of a department (what its windows serve), by code. */
  Future<List<JsonObject>> departmentMatters(String department) {
    return pool.preparedQuery("select code, name from matter where department_code = $1 order by code limit 200")
        .execute(Tuple.of(department)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject().put("code", r.getString("code")).put("name", r.getString("name"))));
          return out;
        });
  }
}
