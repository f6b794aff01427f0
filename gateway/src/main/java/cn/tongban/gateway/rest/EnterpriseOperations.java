package cn.tongban.gateway.rest;

import cn.tongban.core.identity.EnterpriseService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** 法人 over REST: registering an enterprise, authorising agents, listing one's enterprises. */
final class EnterpriseOperations {
  private final EnterpriseService enterprises;

  EnterpriseOperations(EnterpriseService enterprises) {
    this.enterprises = enterprises;
  }

  void registerEnterprise(RoutingContext rc) {
    JsonObject b = Rest.body(rc);
    Rest.reply(rc, enterprises.register(RequestContext.requireCaller(rc), b.getString("creditCode"),
        b.getString("name"), RequestContext.locale(rc)).map(e -> e.toJson().put("role", "LEGAL_REPRESENTATIVE")), 201);
  }

  void listMyEnterprises(RoutingContext rc) {
    enterprises.mine(RequestContext.requireCaller(rc)).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        rc.response().putHeader("Content-Type", "application/json").end(ar.result().encode());
      }
    });
  }

  void authoriseAgent(RoutingContext rc) {
    enterprises.authorise(RequestContext.requireCaller(rc), Rest.path(rc, "creditCode"),
        Rest.body(rc).getString("idNumber")).onComplete(ar -> {
          if (ar.failed()) {
            rc.fail(ar.cause());
          } else {
            rc.response().setStatusCode(204).end();
          }
        });
  }
}
