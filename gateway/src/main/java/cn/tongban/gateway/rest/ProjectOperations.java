package cn.tongban.gateway.rest;

import cn.tongban.core.project.ProjectService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** 工程建设项目 over REST: stages, projects, stage applications and the tracking officer's actions. */
final class ProjectOperations {
  private final ProjectService projects;

  ProjectOperations(ProjectService projects) {
    this.projects = projects;
  }

  void listProjectStages(RoutingContext rc) {
    Rest.reply(rc, projects.stageCatalogue(), 200);
  }

  void registerProject(RoutingContext rc) {
    created(rc, projects.register(RequestContext.requireCaller(rc), Rest.body(rc), key(rc), RequestContext.locale(rc)),
        true);
  }

  void listProjects(RoutingContext rc) {
    Rest.reply(rc, projects.list(RequestContext.requireCaller(rc)), 200);
  }

  void getProject(RoutingContext rc) {
    Rest.reply(rc, projects.get(RequestContext.requireCaller(rc), Rest.path(rc, "code")), 200);
  }

  void applyForProjectStage(RoutingContext rc) {
    created(rc, projects.applyStage(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.path(rc, "stage"),
        Rest.body(rc), key(rc), RequestContext.locale(rc)), false);
  }

  void assignProjectOfficer(RoutingContext rc) {
    Rest.reply(rc, projects.assignOfficer(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void recordProjectTracking(RoutingContext rc) {
    Rest.reply(rc, projects.record(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.body(rc),
        RequestContext.locale(rc)), 201);
  }

  private static Optional<String> key(RoutingContext rc) {
    return Optional.ofNullable(Rest.validated(rc).getHeaders().get("Idempotency-Key")).filter(p -> !p.isNull())
        .map(p -> p.getString());
  }

  private static void created(RoutingContext rc, Future<ProjectService.Created> done, boolean location) {
    done.onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      JsonObject view = ar.result().view();
      rc.response().setStatusCode(201).putHeader("Content-Type", "application/json");
      if (location) {
        rc.response().putHeader("Location", "/api/v1/projects/" + view.getString("code"));
      }
      if (ar.result().replayed()) {
        rc.response().putHeader("Idempotent-Replayed", "true");
      }
      rc.response().end(view.encode());
    });
  }
}
