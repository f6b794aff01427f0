package cn.tongban.gateway.rest;

import cn.tongban.core.supervision.SupervisionService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** 电子监察 monitoring and 问责 over REST: warned items, timeliness, accountability records. */
final class MonitoringOperations {
  private static final List<String> WARNED = List.of("level", "source", "kind", "department", "hall", "matter",
      "officer", "from", "to", "overdue", "limit", "cursor");
  private final SupervisionService supervision;

  MonitoringOperations(SupervisionService supervision) {
    this.supervision = supervision;
  }

  void listWarnedItems(RoutingContext rc) {
    Rest.reply(rc, supervision.warned(RequestContext.requireCaller(rc), query(rc, WARNED), RequestContext.locale(rc)),
        200);
  }

  void timelinessStatistics(RoutingContext rc) {
    Rest.reply(rc, supervision.timeliness(RequestContext.requireCaller(rc),
        query(rc, List.of("groupBy", "department", "from", "to")), RequestContext.locale(rc)), 200);
  }

  void listAccountability(RoutingContext rc) {
    Rest.reply(rc, supervision.accountabilities(RequestContext.requireCaller(rc),
        query(rc, List.of("status", "department", "number", "limit", "cursor")), RequestContext.locale(rc)), 200);
  }

  void explainAccountability(RoutingContext rc) {
    Rest.reply(rc, supervision.explain(RequestContext.requireCaller(rc), Rest.path(rc, "id"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void closeAccountability(RoutingContext rc) {
    Rest.reply(rc, supervision.close(RequestContext.requireCaller(rc), Rest.path(rc, "id"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  /** The query as text, as the GraphQL arguments are handed over (the contract types `overdue` and `limit`). */
  private static Map<String, String> query(RoutingContext rc, List<String> names) {
    Map<String, String> out = new HashMap<>();
    names.forEach(n -> (switch (n) {
      case "overdue" -> Rest.queryBool(rc, n).map(String::valueOf);
      case "limit" -> Rest.queryInt(rc, n).map(String::valueOf);
      default -> Rest.query(rc, n);
    }).ifPresent(v -> out.put(n, v)));
    return out;
  }
}
