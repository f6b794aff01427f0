package cn.tongban.gateway.rest;

import cn.tongban.core.application.ProvisionalDueDates;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.clock.WorkingCalendar;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The working-day calendar over REST: due dates for anyone, day and year changes for administrators, and the
 * cases whose due dates wait for a year's calendar.
 */
final class CalendarOperations {
  private final CalendarService calendar;
  private final ProvisionalDueDates provisional;

  CalendarOperations(CalendarService calendar, ProvisionalDueDates provisional) {
    this.calendar = calendar;
    this.provisional = provisional;
  }

  void computeDueDate(RoutingContext rc) {
    var q = Rest.validated(rc).getQuery();
    Rest.reply(rc, Future.future(p -> p.complete(calendar.dueDate(LocalDate.parse(q.get("from").getString()),
        new BigDecimal(String.valueOf(q.get("workingDays").get()))))), 200);
  }

  void setCalendarDay(RoutingContext rc) {
    var body = Rest.body(rc);
    Rest.reply(rc, calendar.setDay(RequestContext.requireCaller(rc), LocalDate.parse(Rest.path(rc, "date")),
        WorkingCalendar.Kind.valueOf(body.getString("kind")), body.getString("name")), 200);
  }

  void setCalendarYear(RoutingContext rc) {
    int year = Rest.validated(rc).getPathParameters().get("year").getInteger();
    String type = String.valueOf(rc.request().getHeader("Content-Type"));
    // The notice as JSON, or as the small text file of docs/calendar.md.
    Rest.reply(rc, type.startsWith("text/plain")
        ? calendar.setYearFromFile(RequestContext.requireCaller(rc), year, rc.body().asString(), RequestContext.locale(rc))
        : calendar.setYear(RequestContext.requireCaller(rc), year, Rest.body(rc), RequestContext.locale(rc)), 200);
  }

  void listProvisionalCases(RoutingContext rc) {
    Rest.reply(rc, provisional.list(RequestContext.requireCaller(rc)), 200);
  }
}
