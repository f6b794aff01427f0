package cn.tongban.gateway.rest;

import cn.tongban.core.matter.Matter;
import cn.tongban.core.matter.MatterService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The public catalogue over REST. */
final class MatterOperations {
  private final MatterService matters;

  MatterOperations(MatterService matters) {
    this.matters = matters;
  }

  void listMatters(RoutingContext rc) {
    MatterService.Filter filter = new MatterService.Filter(Rest.query(rc, "q"), Rest.query(rc, "department"),
        Rest.queryInt(rc, "level"), Rest.queryBool(rc, "sameCity"));
    Rest.reply(rc, matters.list(filter, Rest.queryInt(rc, "limit").orElse(20), Rest.query(rc, "cursor"))
        .map(page -> page.toJson(Matter::toSummaryJson)), 200);
  }

  void getMatter(RoutingContext rc) {
    Rest.reply(rc, matters.get(Rest.path(rc, "code")).map(MatterOperations::detail), 200);
  }

  static JsonObject detail(MatterService.MatterDetail d) {
    JsonObject json = d.matter().toDetailJson();
    d.form().ifPresent(f -> json.put("form", f.toJson()));
    return json;
  }
}
