package cn.tongban.gateway.rest;

import cn.tongban.core.rating.RatingService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** 好差评 over REST: rating a case, the worklist, a bad review's steps, the public figures and settings. */
final class RatingOperations {
  private static final List<String> LIST_FILTERS = List.of("status", "bad", "grade", "departmentCode", "matterCode",
      "number", "kind", "windowCode", "from", "to", "limit", "cursor");
  private final RatingService ratings;

  RatingOperations(RatingService ratings) {
    this.ratings = ratings;
  }

  void rateApplication(RoutingContext rc) {
    Rest.reply(rc, ratings.rate(RequestContext.requireCaller(rc), Rest.path(rc, "number"), Rest.body(rc),
        RequestContext.locale(rc)), 201);
  }

  void rateVisit(RoutingContext rc) {
    Rest.reply(rc, ratings.rateVisit(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.path(rc, "day"),
        Rest.path(rc, "number"), Rest.body(rc), RequestContext.locale(rc)), 201);
  }

  void listRatings(RoutingContext rc) {
    Rest.reply(rc, ratings.list(RequestContext.requireCaller(rc), query(rc, LIST_FILTERS), RequestContext.locale(rc)),
        200);
  }

  void actOnRating(RoutingContext rc) {
    Rest.reply(rc, ratings.act(RequestContext.requireCaller(rc), Rest.path(rc, "id"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void ratingStatistics(RoutingContext rc) {
    Rest.reply(rc, ratings.statistics(RequestContext.caller(rc),
        query(rc, List.of("groupBy", "hallCode", "from", "to")), RequestContext.locale(rc)), 200);
  }

  void ratingSettings(RoutingContext rc) {
    Rest.reply(rc, io.vertx.core.Future.succeededFuture(ratings.settings()), 200);
  }

  private static Map<String, String> query(RoutingContext rc, List<String> names) {
    Map<String, String> out = new HashMap<>();
    names.forEach(n -> Rest.query(rc, n).ifPresent(v -> out.put(n, v)));
    return out;
  }
}
