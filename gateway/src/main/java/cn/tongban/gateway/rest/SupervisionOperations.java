package cn.tongban.gateway.rest;

import cn.tongban.core.application.DeadlineScanner;
import cn.tongban.core.identity.Caller;
import cn.tongban.core.identity.Role;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

/** 电子监察 over REST: running the deadline scan on demand. */
final class SupervisionOperations {
  private final DeadlineScanner deadlines;

  SupervisionOperations(DeadlineScanner deadlines) {
    this.deadlines = deadlines;
  }

  void runDeadlineScan(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    if (!caller.has(Role.ADMIN) && !caller.has(Role.SUPERVISOR)) {
      rc.fail(new DomainException(ProblemCode.FORBIDDEN, "supervision.forbidden"));
      return;
    }
    Rest.reply(rc, deadlines.scan(), 200);
  }
}
