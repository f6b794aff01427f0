package cn.tongban.gateway.rest;

import cn.tongban.core.identity.IdentityService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** 一号申请 over REST: citizens register with their identity number; windows raise real-name levels. */
final class CitizenOperations {
  private final IdentityService identity;

  CitizenOperations(IdentityService identity) {
    this.identity = identity;
  }

  void registerCitizen(RoutingContext rc) {
    JsonObject b = Rest.body(rc);
    Rest.reply(rc, identity.register(new IdentityService.Registration(b.getString("idNumber"), b.getString("name"),
            b.getString("phone"), b.getString("password")), RequestContext.locale(rc))
        .map(a -> new JsonObject().put("id", a.id()).put("idNumber", a.idNumber().orElseThrow())
            .put("name", a.displayName()).put("realNameLevel", a.realNameLevel())), 201);
  }

  void setRealNameLevel(RoutingContext rc) {
    identity.setRealNameLevel(RequestContext.requireCaller(rc), Rest.path(rc, "idNumber"),
        Rest.body(rc).getInteger("level")).onComplete(ar -> {
          if (ar.failed()) {
            rc.fail(ar.cause());
          } else {
            rc.response().setStatusCode(204).end();
          }
        });
  }
}
