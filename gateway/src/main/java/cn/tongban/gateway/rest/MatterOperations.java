package cn.tongban.gateway.rest;

import cn.tongban.core.form.FormVersion;
import cn.tongban.core.form.WorkingDraft;
import cn.tongban.core.matter.Matter;
import cn.tongban.core.matter.MatterAuthoringService;
import cn.tongban.core.matter.MatterService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;


/** The public catalogue, and its authoring by form authors, over REST. */
final class MatterOperations {
  private final MatterService matters;
  private final MatterAuthoringService authoring;

  MatterOperations(MatterService matters, MatterAuthoringService authoring) {
    this.matters = matters;
    this.authoring = authoring;
  }

  void listMatters(RoutingContext rc) {
    MatterService.Filter filter = new MatterService.Filter(Rest.query(rc, "q"), Rest.query(rc, "department"),
        Rest.queryInt(rc, "level"), Rest.queryBool(rc, "sameCity"), Rest.query(rc, "type"), Rest.query(rc, "theme"),
        Rest.queryInt(rc, "star"), Rest.query(rc, "channel"));
    Rest.reply(rc, matters.listSummaries(filter, Rest.queryInt(rc, "limit").orElse(20), Rest.query(rc, "cursor")),
        200);
  }

  void getMatter(RoutingContext rc) {
    Rest.reply(rc, matters.detailJson(Rest.path(rc, "code")), 200);
  }

  void createMatter(RoutingContext rc) {
    Rest.reply(rc, authoring.create(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc))
        .map(Matter::toDetailJson), 201);
  }

  void updateMatter(RoutingContext rc) {
    Rest.reply(rc, authoring.update(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.body(rc),
        RequestContext.locale(rc)).map(Matter::toDetailJson), 200);
  }

  void listFormVersions(RoutingContext rc) {
    authoring.forms(RequestContext.requireCaller(rc), Rest.path(rc, "code")).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      JsonArray out = new JsonArray();
      ar.result().forEach(f -> out.add(f.toAuthoringJson()));
      rc.response().putHeader("Content-Type", "application/json").end(out.encode());
    });
  }

  void createFormDraft(RoutingContext rc) {
    Rest.reply(rc, authoring.createDraft(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.body(rc))
        .map(v -> new JsonObject().put("version", v)), 201);
  }

  void getFormVersion(RoutingContext rc) {
    Rest.reply(rc, authoring.form(RequestContext.requireCaller(rc), Rest.path(rc, "code"), version(rc))
        .map(FormVersion::toAuthoringJson), 200);
  }

  void publishForm(RoutingContext rc) {
    Rest.reply(rc, authoring.publish(RequestContext.requireCaller(rc), Rest.path(rc, "code"), version(rc),
        RequestContext.locale(rc)).map(FormVersion::toAuthoringJson), 200);
  }

  void dryRunForm(RoutingContext rc) {
    Rest.reply(rc, authoring.dryRun(RequestContext.requireCaller(rc), Rest.path(rc, "code"), version(rc),
        Rest.body(rc).getJsonObject("data"), RequestContext.locale(rc)).map(MatterAuthoringService::dryRunJson), 200);
  }

  void formChanges(RoutingContext rc) {
    Rest.reply(rc, authoring.changes(RequestContext.requireCaller(rc), Rest.path(rc, "code"),
        Rest.queryInt(rc, "since").orElseThrow(), version(rc)), 200);
  }

  void dryRunWorkingDraft(RoutingContext rc) {
    Rest.reply(rc, authoring.dryRunDraft(RequestContext.requireCaller(rc), Rest.path(rc, "code"),
        Rest.body(rc).getJsonObject("data"), RequestContext.locale(rc)).map(MatterAuthoringService::dryRunJson), 200);
  }

  void workingDraftChanges(RoutingContext rc) {
    Rest.reply(rc, authoring.draftChanges(RequestContext.requireCaller(rc), Rest.path(rc, "code"),
        Rest.queryInt(rc, "since"), RequestContext.locale(rc)), 200);
  }

  void listFormFieldTypes(RoutingContext rc) {
    Rest.send(rc, authoring.fieldTypes(RequestContext.requireCaller(rc)).map(JsonArray::toBuffer), "application/json");
  }

  void getWorkingDraft(RoutingContext rc) {
    Rest.reply(rc, authoring.workingDraft(RequestContext.requireCaller(rc), Rest.path(rc, "code"))
        .map(WorkingDraft::toJson), 200);
  }

  void saveWorkingDraft(RoutingContext rc) {
    JsonObject body = Rest.body(rc);
    Rest.reply(rc, authoring.saveWorkingDraft(RequestContext.requireCaller(rc), Rest.path(rc, "code"),
        body.getJsonObject("definition"), body.getInteger("revision")).map(WorkingDraft::toJson), 200);
  }

  void exportMatter(RoutingContext rc) {
    String code = Rest.path(rc, "code");
    rc.response().putHeader("Content-Disposition", "attachment; filename=\"" + code + ".matter.json\"");
    Rest.reply(rc, authoring.export(RequestContext.requireCaller(rc), code), 200);
  }

  void importMatter(RoutingContext rc) {
    Rest.reply(rc, authoring.importFile(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc))
        .map(Matter::toDetailJson), 201);
  }

  private static int version(RoutingContext rc) {
    return Rest.validated(rc).getPathParameters().get("version").getInteger();
  }

}
