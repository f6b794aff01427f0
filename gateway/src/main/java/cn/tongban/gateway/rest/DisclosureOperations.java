package cn.tongban.gateway.rest;

import cn.tongban.core.disclosure.DisclosureService;
import cn.tongban.core.disclosure.ExportService;
import cn.tongban.core.disclosure.PenaltyService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Penalties, the public 双公示 listing and the streamed exports over REST. */
final class DisclosureOperations {
  private final PenaltyService penalties;
  private final DisclosureService disclosures;
  private final ExportService exports;

  DisclosureOperations(PenaltyService penalties, DisclosureService disclosures, ExportService exports) {
    this.penalties = penalties;
    this.disclosures = disclosures;
    this.exports = exports;
  }

  void recordPenalty(RoutingContext rc) {
    Rest.reply(rc, penalties.record(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc)), 201);
  }

  void importPenalties(RoutingContext rc) {
    Rest.reply(rc, penalties.importFile(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc)),
        200);
  }

  void changePenaltyStatus(RoutingContext rc) {
    Rest.reply(rc, penalties.changeStatus(RequestContext.requireCaller(rc), Rest.path(rc, "id"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void listPenalties(RoutingContext rc) {
    Rest.reply(rc, penalties.list(RequestContext.requireCaller(rc),
        query(rc, List.of("status", "departmentCode", "limit", "cursor")), RequestContext.locale(rc)), 200);
  }

  void listDisclosures(RoutingContext rc) {
    Rest.reply(rc, disclosures.list(query(rc, List.of("party", "creditCode", "kind", "departmentCode", "limit",
        "cursor")), RequestContext.locale(rc)), 200);
  }

  /** The file is streamed: headers once the export is checked, then rows as the response drains. */
  void exportTable(RoutingContext rc) {
    exports.prepare(RequestContext.requireCaller(rc), Rest.path(rc, "table"),
        query(rc, List.of("from", "to", "format", "exportId")), RequestContext.locale(rc)).onComplete(ar -> {
          if (ar.failed()) {
            rc.fail(ar.cause());
            return;
          }
          ExportService.Export export = ar.result();
          HttpServerResponse response = rc.response().setChunked(true)
              .putHeader("Content-Type", export.contentType()).putHeader("X-Export-Id", export.id())
              .putHeader("Content-Disposition", "attachment; filename=\"" + export.filename() + "\"");
          export.writeTo(response).onComplete(done -> {
            if (done.succeeded()) {
              response.end();
            } else {
              // Headers are out: the only honest signal left is a cut connection, not a complete-looking file.
              response.reset();
            }
          });
        });
  }

  void exportProgress(RoutingContext rc) {
    Rest.reply(rc, exports.progress(RequestContext.requireCaller(rc), Rest.path(rc, "exportId")), 200);
  }

  private static Map<String, String> query(RoutingContext rc, List<String> names) {
    Map<String, String> out = new HashMap<>();
    names.forEach(n -> Rest.query(rc, n).ifPresent(v -> out.put(n, v)));
    return out;
  }
}
