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

import java.time.LocalDate;

/**
 * 同城通办 statistics for supervisors and administrators, over cases taken in between two dates (inclusive,
 * Beijing time): cases by intake hall and by home (accepting) department, the same-city share, forwarding
 * times, where results are collected and how many were agent-handled (代办).
 */
public final class SameCityStatistics {
  private final SameCityStatisticsStore store;
  private final CalendarService calendar;

  public SameCityStatistics(Pool pool, CalendarService calendar) {
    this.store = new SameCityStatisticsStore(pool);
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
    Future<JsonObject> totals = store.totals(from, to, calendar.today());
    Future<JsonArray> halls = store.byIntakeHall(from, to);
    Future<JsonArray> departments = store.byHomeDepartment(from, to);
    return Future.all(totals, halls, departments).map(v -> totals.result().put("from", from.toString())
        .put("to", to.toString()).put("byIntakeHall", halls.result()).put("byHomeDepartment", departments.result()));
  }
}
