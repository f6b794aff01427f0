package cn.tongban.gateway.rest;

import cn.tongban.core.application.ApplicationQuery;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.application.ApplicationStatus;
import cn.tongban.core.application.ApplicationView;
import cn.tongban.core.application.Channel;
import cn.tongban.core.application.SubmitCommand;
import cn.tongban.core.identity.Caller;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/** 办件 over REST: submit, list, read. */
final class ApplicationOperations {
  private final ApplicationService applications;

  ApplicationOperations(ApplicationService applications) {
    this.applications = applications;
  }

  void submitApplication(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    JsonObject body = Rest.body(rc);
    Optional<String> key = Optional.ofNullable(Rest.validated(rc).getHeaders().get("Idempotency-Key"))
        .filter(p -> !p.isNull()).map(p -> p.getString());
    SubmitCommand cmd = new SubmitCommand(body.getString("matterCode"), body.getJsonObject("data"),
        Channel.valueOf(body.getString("channel")), Optional.ofNullable(body.getString("hallCode")),
        Optional.ofNullable(body.getJsonObject("applicant")), key);
    applications.submit(caller, cmd, RequestContext.locale(rc)).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      var submission = ar.result();
      rc.response().setStatusCode(201)
          .putHeader("Content-Type", "application/json")
          .putHeader("Location", "/api/v1/applications/" + submission.application().number());
      if (submission.replayed()) {
        rc.response().putHeader("Idempotent-Replayed", "true");
      }
      rc.response().end(ApplicationView.of(submission.application(), caller).encode());
    });
  }

  void listApplications(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    ApplicationQuery q = new ApplicationQuery(Rest.query(rc, "status").map(ApplicationStatus::valueOf),
        Rest.query(rc, "matterCode"));
    Rest.reply(rc, applications.list(caller, q, Rest.queryInt(rc, "limit").orElse(20), Rest.query(rc, "cursor"))
        .map(page -> page.toJson(a -> ApplicationView.of(a, caller))), 200);
  }

  void getApplication(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    Rest.reply(rc, applications.get(caller, Rest.path(rc, "number")).map(a -> ApplicationView.of(a, caller)), 200);
  }
}
