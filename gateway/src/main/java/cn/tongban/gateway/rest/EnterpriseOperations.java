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
    enterprises.register(RequestContext.requireCaller(rc), b.getString("creditCode"), b.getString("name"),
        RequestContext.locale(rc)).onComplete(ar -> {
          if (ar.failed()) {
            rc.fail(ar.cause());
          } else {
            // 201 registered (verified); 202 the claim waits for a window clerk.
            Rest.reply(rc, io.vertx.core.Future.succeededFuture(ar.result().json()), ar.result().verified() ? 201 : 202);
          }
        });
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

  void listEnterpriseClaims(RoutingContext rc) {
    Rest.reply(rc, enterprises.pendingClaims(RequestContext.requireCaller(rc))
        .map(items -> new JsonObject().put("items", items)), 200);
  }

  void decideEnterpriseClaim(RoutingContext rc) {
    JsonObject b = Rest.body(rc);
    Rest.reply(rc, enterprises.decide(RequestContext.requireCaller(rc), Rest.path(rc, "id"), b.getString("decision"),
        b.getString("reason"), RequestContext.locale(rc)), 200);
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
