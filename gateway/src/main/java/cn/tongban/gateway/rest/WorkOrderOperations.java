package cn.tongban.gateway.rest;

import cn.tongban.core.hotline.WorkOrderService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

/** 12345 work orders over REST: take, act, list, detail, statistics, and the hotline's case lookup. */
final class WorkOrderOperations {
  private final WorkOrderService workOrders;

  WorkOrderOperations(WorkOrderService workOrders) {
    this.workOrders = workOrders;
  }

  void createWorkOrder(RoutingContext rc) {
    Rest.reply(rc, workOrders.create(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc)), 201);
  }

  void actOnWorkOrder(RoutingContext rc) {
    Rest.reply(rc, workOrders.act(RequestContext.requireCaller(rc), Rest.path(rc, "number"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void listWorkOrders(RoutingContext rc) {
    Rest.replyArray(rc, workOrders.list(RequestContext.requireCaller(rc), Rest.query(rc, "status"),
        Rest.query(rc, "type"), Rest.query(rc, "departmentCode"), Rest.queryBool(rc, "overdue").orElse(false),
        Rest.query(rc, "callerPhone"), Rest.query(rc, "caseNumber"), Rest.queryInt(rc, "limit").orElse(50)));
  }

  void getWorkOrder(RoutingContext rc) {
    Rest.reply(rc, workOrders.get(RequestContext.requireCaller(rc), Rest.path(rc, "number")), 200);
  }

  void listWorkOrderDepartments(RoutingContext rc) {
    Rest.replyArray(rc, workOrders.departments(RequestContext.requireCaller(rc)));
  }

  void workOrderStatistics(RoutingContext rc) {
    Rest.reply(rc, workOrders.statistics(RequestContext.requireCaller(rc), Rest.query(rc, "from"),
        Rest.query(rc, "to"), RequestContext.locale(rc)), 200);
  }

  void hotlineCallerHistory(RoutingContext rc) {
    Rest.reply(rc, workOrders.callerHistory(RequestContext.requireCaller(rc), Rest.path(rc, "phone"),
        RequestContext.locale(rc)), 200);
  }

  void lookupHotlineCase(RoutingContext rc) {
    Rest.reply(rc, workOrders.lookupCase(RequestContext.requireCaller(rc), Rest.path(rc, "number"),
        Rest.query(rc, "queryCode").orElse(""), RequestContext.locale(rc)), 200);
  }
}
