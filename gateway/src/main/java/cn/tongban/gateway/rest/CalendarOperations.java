package cn.tongban.gateway.rest;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.clock.WorkingCalendar;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.time.LocalDate;

/** The working-day calendar over REST: due dates for anyone, day changes for administrators. */
final class CalendarOperations {
  private final CalendarService calendar;

  CalendarOperations(CalendarService calendar) {
    this.calendar = calendar;
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
    Rest.reply(rc, calendar.setYear(RequestContext.requireCaller(rc), Rest.validated(rc).getPathParameters().get("year").getInteger(),
        Rest.body(rc), RequestContext.locale(rc)), 200);
  }
}
