package cn.tongban.gateway.rest;

import cn.tongban.core.access.Caller;
import cn.tongban.core.lifeevent.LifeEventService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** 一件事一次办 over REST: the life events (bundles), their export and import, and applications for them. */
final class LifeEventOperations {
  private final LifeEventService lifeEvents;

  LifeEventOperations(LifeEventService lifeEvents) {
    this.lifeEvents = lifeEvents;
  }

  void listBundles(RoutingContext rc) {
    Rest.reply(rc, lifeEvents.list(), 200);
  }

  void getBundle(RoutingContext rc) {
    Rest.reply(rc, lifeEvents.get(Rest.path(rc, "code")), 200);
  }

  void exportBundle(RoutingContext rc) {
    Rest.reply(rc, lifeEvents.export(RequestContext.requireCaller(rc), Rest.path(rc, "code")), 200);
  }

  void importBundle(RoutingContext rc) {
    Rest.reply(rc, lifeEvents.importFile(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc)),
        201);
  }

  void applyForBundle(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    Optional<String> key = Optional.ofNullable(Rest.validated(rc).getHeaders().get("Idempotency-Key"))
        .filter(p -> !p.isNull()).map(p -> p.getString());
    lifeEvents.apply(caller, Rest.path(rc, "code"), Rest.body(rc), key, RequestContext.locale(rc)).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      JsonObject view = ar.result().view();
      rc.response().setStatusCode(201).putHeader("Content-Type", "application/json")
          .putHeader("Location", "/api/v1/bundle-applications/" + view.getString("id"));
      if (ar.result().replayed()) {
        rc.response().putHeader("Idempotent-Replayed", "true");
      }
      rc.response().end(view.encode());
    });
  }

  void listBundleApplications(RoutingContext rc) {
    Rest.reply(rc, lifeEvents.mine(RequestContext.requireCaller(rc)), 200);
  }

  void getBundleApplication(RoutingContext rc) {
    Rest.reply(rc, lifeEvents.application(RequestContext.requireCaller(rc), Rest.path(rc, "id")), 200);
  }
}
