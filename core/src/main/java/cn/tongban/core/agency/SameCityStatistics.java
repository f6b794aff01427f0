package cn.tongban.core.agency;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;

/**
 * 同城通办 statistics for supervisors and administrators, over cases taken in between two dates (inclusive,
 * Beijing time): cases by intake hall and by home (accepting) department, the same-city share, forwarding
 * times, where results are collected and how many were agent-handled (代办).
 */
public final class SameCityStatistics {
  private static final String RANGE = """
      with c as (
        select a.* from application a
        where a.submitted_at >= ($1::date)::timestamp at time zone 'Asia/Shanghai'
          and a.submitted_at < ($2::date + 1)::timestamp at time zone 'Asia/Shanghai'
      )""";

  private static final String TOTALS = RANGE + """
      select count(*) as total,
             count(*) filter (where m.same_city) as same_city_matters,
             count(*) filter (where c.forwarded_at is not null) as forwarded,
             count(*) filter (where c.forwarded_at is not null and c.forward_answered_at is not null) as answered,
             count(*) filter (where c.forwarded_at is not null and c.forward_answered_at is null) as pending,
             count(*) filter (where c.forwarded_at is not null and (c.forward_answered_at is null
               and c.forward_due_date < $3 or (c.forward_answered_at at time zone 'Asia/Shanghai')::date
               > c.forward_due_date)) as late,
             avg(extract(epoch from c.forward_answered_at - c.forwarded_at) / 3600.0)
               filter (where c.forward_answered_at is not null) as avg_hours,
             max(extract(epoch from c.forward_answered_at - c.forwarded_at) / 3600.0)
               filter (where c.forward_answered_at is not null) as max_hours,
             count(*) filter (where c.agency is not null) as agency,
             count(*) filter (where c.collection->>'method' = 'INTAKE_HALL') as collect_intake,
             count(*) filter (where c.collection->>'method' = 'HOME_DEPARTMENT') as collect_home,
             count(*) filter (where c.collection->>'method' = 'EXPRESS') as collect_express
      from c join matter m on m.code = c.matter_code""";

  private static final String BY_HALL = RANGE + """
      select c.hall_code, h.name, h.level, count(*) as cases,
             count(*) filter (where c.forwarded_at is not null) as forwarded
      from c left join hall h on h.code = c.hall_code
      group by c.hall_code, h.name, h.level order by cases desc, c.hall_code""";

  private static final String BY_DEPARTMENT = RANGE + """
      select coalesce(c.accepting_department_code, c.department_code) as dept, d.name, count(*) as cases,
             count(*) filter (where c.forwarded_at is not null) as forwarded
      from c left join department d on d.code = coalesce(c.accepting_department_code, c.department_code)
      group by 1, d.name order by cases desc, 1""";

  private final Pool pool;
  private final CalendarService calendar;

  public SameCityStatistics(Pool pool, CalendarService calendar) {
    this.pool = pool;
    this.calendar = calendar;
  }

  /**
   * The statistics between the dates as a request gives them ({@code YYYY-MM-DD}; by default the first of
   * this month and today): 400 for a date that does not parse. REST and GraphQL both ask this way.
   */
  public Future<JsonObject> between(Caller caller, java.util.Optional<String> from, java.util.Optional<String> to) {
    LocalDate today = calendar.today();
    try {
      return between(caller, from.map(LocalDate::parse).orElse(today.withDayOfMonth(1)),
          to.map(LocalDate::parse).orElse(today));
    } catch (java.time.format.DateTimeParseException e) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "statistics.range"));
    }
  }

  /** The statistics between {@code from} and {@code to}; supervisors and admins only. */
  public Future<JsonObject> between(Caller caller, LocalDate from, LocalDate to) {
    if (caller.kind() != Caller.Kind.STAFF || !(caller.has(Role.ADMIN) || caller.has(Role.SUPERVISOR))) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "statistics.forbidden"));
    }
    if (to.isBefore(from)) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "statistics.range"));
    }
    Tuple range = Tuple.of(from, to);
    Future<JsonObject> totals = pool.preparedQuery(TOTALS).execute(Tuple.of(from, to, calendar.today()))
        .map(rows -> totals(rows.iterator().next()));
    Future<JsonArray> halls = pool.preparedQuery(BY_HALL).execute(range).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("hallCode", r.getString(0)).put("hallName", r.getString(1))
          .put("level", r.getString(2)).put("cases", r.getLong(3)).put("forwarded", r.getLong(4))));
      return out;
    });
    Future<JsonArray> departments = pool.preparedQuery(BY_DEPARTMENT).execute(range).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("departmentCode", r.getString(0))
          .put("departmentName", r.getString(1)).put("cases", r.getLong(2)).put("forwarded", r.getLong(3))));
      return out;
    });
    return Future.all(totals, halls, departments).map(v -> totals.result().put("from", from.toString())
        .put("to", to.toString()).put("byIntakeHall", halls.result()).put("byHomeDepartment", departments.result()));
  }

  private static JsonObject totals(Row r) {
    long total = r.getLong("total");
    long forwarded = r.getLong("forwarded");
    Number avg = (Number) r.getValue("avg_hours");
    Number max = (Number) r.getValue("max_hours");
    return new JsonObject()
        .put("total", total)
        .put("sameCityMatterCases", r.getLong("same_city_matters"))
        .put("forwarded", forwarded)
        .put("sameCityShare", total == 0 ? 0.0 : Math.round(forwarded * 10000.0 / total) / 10000.0)
        .put("forwarding", new JsonObject()
            .put("answered", r.getLong("answered"))
            .put("pending", r.getLong("pending"))
            .put("late", r.getLong("late"))
            .put("averageHours", avg == null ? null : Math.round(avg.doubleValue() * 100) / 100.0)
            .put("maxHours", max == null ? null : Math.round(max.doubleValue() * 100) / 100.0))
        .put("agentHandled", r.getLong("agency"))
        .put("collection", new JsonObject()
            .put("INTAKE_HALL", r.getLong("collect_intake"))
            .put("HOME_DEPARTMENT", r.getLong("collect_home"))
            .put("EXPRESS", r.getLong("collect_express")));
  }
}
