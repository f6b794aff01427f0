package cn.tongban.gateway.rest;

import cn.tongban.core.agency.AgentAuthorisations;
import cn.tongban.core.agency.SameCityStatistics;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

/** 同城通办 over REST: 代办 authorisations (grant, list, revoke) and the same-city statistics. */
final class SameCityOperations {
  private final AgentAuthorisations authorisations;
  private final SameCityStatistics statistics;

  SameCityOperations(AgentAuthorisations authorisations, SameCityStatistics statistics) {
    this.authorisations = authorisations;
    this.statistics = statistics;
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
    Rest.reply(rc, statistics.between(RequestContext.requireCaller(rc), Rest.query(rc, "from"),
        Rest.query(rc, "to")).map(SameCityStatistics.Figures::toJson), 200);
  }
}
