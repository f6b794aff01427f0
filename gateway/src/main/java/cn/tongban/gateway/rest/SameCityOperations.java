package cn.tongban.gateway.rest;

import cn.tongban.core.agency.AgentAuthorisations;
import cn.tongban.core.agency.SameCityStatistics;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** 同城通办 over REST: 代办 authorisations (grant, list, revoke) and the same-city statistics. */
final class SameCityOperations {
  private final AgentAuthorisations authorisations;
  private final SameCityStatistics statistics;
  private final CalendarService calendar;

  SameCityOperations(AgentAuthorisations authorisations, SameCityStatistics statistics, CalendarService calendar) {
    this.authorisations = authorisations;
    this.statistics = statistics;
    this.calendar = calendar;
  }

  void grantAuthorisation(RoutingContext rc) {
    Rest.reply(rc, authorisations.grant(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc)),
        201);
  }

  void listAuthorisations(RoutingContext rc) {
    Rest.replyArray(rc, authorisations.list(RequestContext.requireCaller(rc)));
  }

  void revokeAuthorisation(RoutingContext rc) {
    Rest.reply(rc, authorisations.revoke(RequestContext.requireCaller(rc), Rest.path(rc, "id")), 200);
  }

  void sameCityStatistics(RoutingContext rc) {
    LocalDate today = calendar.today();
    LocalDate from;
    LocalDate to;
    try {
      from = Rest.query(rc, "from").map(LocalDate::parse).orElse(today.withDayOfMonth(1));
      to = Rest.query(rc, "to").map(LocalDate::parse).orElse(today);
    } catch (DateTimeParseException e) {
      rc.fail(new DomainException(ProblemCode.BAD_REQUEST, "statistics.range"));
      return;
    }
    Rest.reply(rc, statistics.between(RequestContext.requireCaller(rc), from, to), 200);
  }
}
