package cn.tongban.core.clock;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** All of the working-day calendar's SQL: special days ({@code calendar_day}) and the years entered. */
final class CalendarStore {
  private final Pool pool;

  CalendarStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** The whole calendar: every special day and every year entered. */
  Future<WorkingCalendar> load() {
    return load(pool);
  }

  /** As {@link #load()}, as {@code client} sees it (inside a transaction: with its changes). */
  Future<WorkingCalendar> load(SqlClient client) {
    return client.query("select day, kind from calendar_day").execute().compose(days -> {
      Map<LocalDate, WorkingCalendar.Kind> special = new HashMap<>();
      days.forEach(r -> special.put(r.getLocalDate("day"), WorkingCalendar.Kind.valueOf(r.getString("kind"))));
      return client.query("select year from calendar_year").execute().map(years -> {
        Set<Integer> known = new HashSet<>();
        years.forEach(r -> known.add(r.getInteger(0)));
        return new WorkingCalendar(special, known);
      });
    });
  }

  /** One day set by hand; its year counts as entered from then on. */
  Future<Void> setDay(SqlClient tx, LocalDate day, WorkingCalendar.Kind kind, String name, String by) {
    return tx.preparedQuery("""
            insert into calendar_day (day, kind, name, updated_by) values ($1, $2, $3, $4)
            on conflict (day) do update set kind = excluded.kind, name = excluded.name,
              updated_by = excluded.updated_by, updated_at = now()""")
        .execute(Tuple.of(day, kind.name(), name, by))
        .compose(v -> tx.preparedQuery("""
            insert into calendar_year (year, source) values ($1, '管理员录入')
            on conflict (year) do nothing""").execute(Tuple.of(day.getYear())))
        .mapEmpty();
  }

  /** Replaces a year's special days with the notice's holidays and make-up working days. */
  Future<Void> replaceYear(SqlClient tx, int year, Map<LocalDate, String> holidays, Map<LocalDate, String> workdays,
      String source, String by) {
    List<LocalDate> days = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    holidays.forEach((d, n) -> { days.add(d); kinds.add("HOLIDAY"); names.add(n); });
    workdays.forEach((d, n) -> { days.add(d); kinds.add("WORKDAY"); names.add(n); });
    Tuple rows = Tuple.tuple().addArrayOfLocalDate(days.toArray(LocalDate[]::new))
        .addArrayOfString(kinds.toArray(String[]::new)).addArrayOfString(names.toArray(String[]::new)).addString(by);
    return tx.preparedQuery("delete from calendar_day where day between $1 and $2")
        .execute(Tuple.of(LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31)))
        .compose(x -> tx.preparedQuery("""
            insert into calendar_day (day, kind, name, updated_by)
            select * , $4 from unnest($1::date[], $2::text[], $3::text[])""").execute(rows))
        .compose(x -> tx.preparedQuery("""
            insert into calendar_year (year, source) values ($1, $2)
            on conflict (year) do update set source = excluded.source, entered_at = now()""")
            .execute(Tuple.of(year, source)))
        .mapEmpty();
  }
}
