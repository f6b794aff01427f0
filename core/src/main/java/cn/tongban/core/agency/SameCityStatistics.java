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
import java.util.List;

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

  /** The statistics of a period: its totals, and its cases by intake hall and by home department. */
  public record Figures(LocalDate from, LocalDate to, SameCityStatisticsStore.Totals totals,
      List<SameCityStatisticsStore.HallCount> byIntakeHall,
      List<SameCityStatisticsStore.DepartmentCount> byHomeDepartment) {
    /** The same-city share: forwarded cases of all cases, to 1/10,000. */
    public double sameCityShare() {
      return totals.total() == 0 ? 0.0 : Math.round(totals.forwarded() * 10000.0 / totals.total()) / 10000.0;
    }

    /** The one JSON form of the statistics, which REST and GraphQL both send. */
    public JsonObject toJson() {
      SameCityStatisticsStore.Totals t = totals;
      return new JsonObject()
          .put("total", t.total())
          .put("sameCityMatterCases", t.sameCityMatterCases())
          .put("forwarded", t.forwarded())
          .put("sameCityShare", sameCityShare())
          .put("forwarding", new JsonObject()
              .put("answered", t.answered())
              .put("pending", t.pending())
              .put("late", t.late())
              .put("averageHours", t.averageHours())
              .put("maxHours", t.maxHours()))
          .put("agentHandled", t.agentHandled())
          .put("collection", new JsonObject()
              .put("INTAKE_HALL", t.collectedAtIntakeHall())
              .put("HOME_DEPARTMENT", t.collectedAtHomeDepartment())
              .put("EXPRESS", t.sentByExpress()))
          .put("from", from.toString())
          .put("to", to.toString())
          .put("byIntakeHall", new JsonArray(byIntakeHall.stream().map(h -> new JsonObject()
              .put("hallCode", h.hallCode()).put("hallName", h.hallName()).put("level", h.level())
              .put("cases", h.cases()).put("forwarded", h.forwarded())).toList()))
          .put("byHomeDepartment", new JsonArray(byHomeDepartment.stream().map(d -> new JsonObject()
              .put("departmentCode", d.departmentCode()).put("departmentName", d.departmentName())
              .put("cases", d.cases()).put("forwarded", d.forwarded())).toList()));
    }
  }

  /**
   * The statistics between the dates as a request gives them ({@code YYYY-MM-DD}; by default the first of
   * this month and today): 400 for a date that does not parse. REST and GraphQL both ask this way.
   */
  public Future<Figures> between(Caller caller, java.util.Optional<String> from, java.util.Optional<String> to) {
    LocalDate today = calendar.today();
    try {
      return between(caller, from.map(LocalDate::parse).orElse(today.withDayOfMonth(1)),
          to.map(LocalDate::parse).orElse(today));
    } catch (java.time.format.DateTimeParseException e) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "statistics.range"));
    }
  }

  /** The statistics between {@code from} and {@code to}; supervisors and admins only. */
  public Future<Figures> between(Caller caller, LocalDate from, LocalDate to) {
    if (caller.kind() != Caller.Kind.STAFF || !(caller.has(Role.ADMIN) || caller.has(Role.SUPERVISOR))) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "statistics.forbidden"));
    }
    if (to.isBefore(from)) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "statistics.range"));
    }
    Future<SameCityStatisticsStore.Totals> totals = store.totals(from, to, calendar.today());
    Future<List<SameCityStatisticsStore.HallCount>> halls = store.byIntakeHall(from, to);
    Future<List<SameCityStatisticsStore.DepartmentCount>> departments = store.byHomeDepartment(from, to);
    return Future.all(totals, halls, departments).map(v -> new Figures(from, to, totals.result(), halls.result(),
        departments.result()));
  }
}
