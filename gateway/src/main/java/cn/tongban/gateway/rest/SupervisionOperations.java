package cn.tongban.gateway.rest;

import cn.tongban.core.application.DeadlineScanner;
import cn.tongban.core.application.DepartmentStatistics;
import cn.tongban.core.audit.AuditChain;
import cn.tongban.core.outbox.OutboxRelay;
import cn.tongban.core.outbox.OutboxStore;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.sharing.SharedDatasets;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

/**
 * Administration over REST: the deadline scan on demand, the outbox's dead letters, shared-dataset imports,
 * the audit chain check, the statistics by department. Who may do each is decided in core.
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
    Rest.reply(rc, audit.verify(RequestContext.requireCaller(rc)).map(v -> v.toJson(RequestContext.locale(rc))), 200);
  }

  void importSharedDataset(RoutingContext rc) {
    Rest.reply(rc, datasets.importRecords(RequestContext.requireCaller(rc), Rest.path(rc, "source"),
        Rest.body(rc).getJsonArray("records")).map(SharedDatasets.Imported::toJson), 200);
  }

  void listDeadEvents(RoutingContext rc) {
    Rest.replyArray(rc, relay.dead(RequestContext.requireCaller(rc), 200)
        .map(events -> events.stream().map(OutboxStore.Dead::toJson).toList()));
  }

  void retryDeadEvent(RoutingContext rc) {
    relay.retry(RequestContext.requireCaller(rc), Rest.path(rc, "id")).onComplete(ar -> {
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
    Rest.reply(rc, statistics.byDepartment(RequestContext.requireCaller(rc)).map(DepartmentStatistics.Figures::toJson),
        200);
  }

  void runDeadlineScan(RoutingContext rc) {
    Rest.reply(rc, deadlines.scan(RequestContext.requireCaller(rc)), 200);
  }
}
