package cn.tongban.gateway.rest;

import cn.tongban.core.application.DeadlineScanner;
import cn.tongban.core.application.DepartmentStatistics;
import cn.tongban.core.audit.AuditChain;
import cn.tongban.core.identity.Caller;
import cn.tongban.core.identity.Role;
import cn.tongban.core.outbox.OutboxRelay;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.sharing.SharedDatasets;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

/**
 * Administration over REST: the deadline scan on demand, the outbox's dead letters, shared-dataset imports,
 * the audit chain check, the statistics by department.
 */
final class SupervisionOperations {
  private final DeadlineScanner deadlines;
  private final OutboxRelay relay;
  private final SharedDatasets datasets;
  private final AuditChain audit;
  private final DepartmentStatistics statistics;

  SupervisionOperations(DeadlineScanner deadlines, OutboxRelay relay, SharedDatasets datasets, AuditChain audit,
      DepartmentStatistics statistics) {
    this.statistics = statistics;
    this.deadlines = deadlines;
    this.relay = relay;
    this.datasets = datasets;
    this.audit = audit;
  }

  void verifyAuditChain(RoutingContext rc) {
    if (!admin(rc, "audit.forbidden")) {
      return;
    }
    Rest.reply(rc, audit.verify().map(v -> v.toJson(RequestContext.locale(rc))), 200);
  }

  void importSharedDataset(RoutingContext rc) {
    if (!admin(rc, "account.forbidden")) {
      return;
    }
    Rest.reply(rc, datasets.importRecords(Rest.path(rc, "source"), Rest.body(rc).getJsonArray("records")), 200);
  }

  void listDeadEvents(RoutingContext rc) {
    if (!admin(rc, "account.forbidden")) {
      return;
    }
    relay.dead(200).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        rc.response().putHeader("Content-Type", "application/json").end(ar.result().encode());
      }
    });
  }

  void retryDeadEvent(RoutingContext rc) {
    if (!admin(rc, "account.forbidden")) {
      return;
    }
    relay.retry(Rest.path(rc, "id")).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else if (!ar.result()) {
        rc.fail(new DomainException(ProblemCode.NOT_FOUND, "request.notFound", Rest.path(rc, "id")));
      } else {
        rc.response().setStatusCode(204).end();
      }
    });
  }

  void departmentStatistics(RoutingContext rc) {
    Rest.reply(rc, statistics.byDepartment(RequestContext.requireCaller(rc)), 200);
  }

  void runDeadlineScan(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    if (!caller.has(Role.ADMIN) && !caller.has(Role.SUPERVISOR)) {
      rc.fail(new DomainException(ProblemCode.FORBIDDEN, "supervision.forbidden"));
      return;
    }
    Rest.reply(rc, deadlines.scan(), 200);
  }

  /** Whether the caller is an administrator; fails the request with 403 (saying {@code messageKey}) when not. */
  private static boolean admin(RoutingContext rc, String messageKey) {
    if (RequestContext.requireCaller(rc).has(Role.ADMIN)) {
      return true;
    }
    rc.fail(new DomainException(ProblemCode.FORBIDDEN, messageKey));
    return false;
  }
}
