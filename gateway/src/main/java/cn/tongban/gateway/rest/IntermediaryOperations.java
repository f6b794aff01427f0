package cn.tongban.gateway.rest;

import cn.tongban.core.intermediary.IntermediaryService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** 中介超市 over REST: the public listing, registration, selections, evaluations and the blacklist. */
final class IntermediaryOperations {
  private final IntermediaryService intermediaries;

  IntermediaryOperations(IntermediaryService intermediaries) {
    this.intermediaries = intermediaries;
  }

  void listIntermediaries(RoutingContext rc) {
    Map<String, String> q = new HashMap<>();
    List.of("service", "matterCode", "blacklisted").forEach(n -> Rest.query(rc, n).ifPresent(v -> q.put(n, v)));
    Rest.reply(rc, intermediaries.list(q), 200);
  }

  void getIntermediary(RoutingContext rc) {
    Rest.reply(rc, intermediaries.get(Rest.path(rc, "id")), 200);
  }

  void listIntermediaryServices(RoutingContext rc) {
    Rest.send(rc, intermediaries.services().map(a -> a.toBuffer()), "application/json");
  }

  void registerIntermediary(RoutingContext rc) {
    Rest.reply(rc, intermediaries.register(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc)),
        201);
  }

  void selectIntermediary(RoutingContext rc) {
    Rest.reply(rc, intermediaries.select(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc)),
        201);
  }

  void getIntermediarySelection(RoutingContext rc) {
    Rest.reply(rc, intermediaries.selection(RequestContext.requireCaller(rc), Rest.path(rc, "id")), 200);
  }

  void actOnIntermediarySelection(RoutingContext rc) {
    Rest.reply(rc, intermediaries.actOnSelection(RequestContext.requireCaller(rc), Rest.path(rc, "id"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void evaluateIntermediary(RoutingContext rc) {
    Rest.reply(rc, intermediaries.evaluate(RequestContext.requireCaller(rc), Rest.path(rc, "id"), Rest.body(rc),
        RequestContext.locale(rc)), 201);
  }

  void updateIntermediary(RoutingContext rc) {
    Rest.reply(rc, intermediaries.update(RequestContext.requireCaller(rc), Rest.path(rc, "id"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void renewIntermediaryQualification(RoutingContext rc) {
    Rest.reply(rc, intermediaries.renewQualification(RequestContext.requireCaller(rc), Rest.path(rc, "id"),
        Rest.path(rc, "qualificationId"), Rest.body(rc), RequestContext.locale(rc)), 200);
  }

  void listIntermediarySelections(RoutingContext rc) {
    Map<String, String> q = new HashMap<>();
    List.of("ownerCreditCode", "projectCode").forEach(n -> Rest.query(rc, n).ifPresent(v -> q.put(n, v)));
    Rest.reply(rc, intermediaries.selections(RequestContext.requireCaller(rc), q), 200);
  }

  void setIntermediaryBlacklist(RoutingContext rc) {
    Rest.reply(rc, intermediaries.setBlacklist(RequestContext.requireCaller(rc), Rest.path(rc, "id"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }
}
