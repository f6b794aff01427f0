package cn.tongban.gateway.graphql;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

import cn.tongban.core.Platform;
import cn.tongban.gateway.http.RequestContext;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** 好差评 over GraphQL (as rest/RatingOperations), and the rating on a case. */
final class RatingFetchers {
  private RatingFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    var ratings = platform.ratings();
    wiring.type("Query", t -> t
            .dataFetcher("ratings", env -> {
              Map<String, String> q = arguments(env, List.of("status", "bad", "grade", "departmentCode", "matterCode",
                  "number", "kind", "windowCode", "from", "to"));
              Optional.ofNullable(env.getArgument("first")).ifPresent(f -> q.put("limit", String.valueOf(f)));
              Optional.ofNullable(env.getArgument("after")).ifPresent(a -> q.put("cursor", String.valueOf(a)));
              return ratings.list(caller(env), q, locale(env));
            })
            .dataFetcher("ratingStatistics", env -> ratings.statistics(
                Optional.ofNullable(Fetch.routing(env)).flatMap(RequestContext::caller),
                arguments(env, List.of("groupBy", "hallCode", "from", "to")), locale(env)))
            .dataFetcher("ratingSettings", env -> Future.succeededFuture(ratings.settings())))
        .type("Mutation", t -> t
            .dataFetcher("rateApplication", env -> ratings.rate(caller(env), env.getArgument("number"),
                json(env, "input"), locale(env)))
            .dataFetcher("rateVisit", env -> ratings.rateVisit(caller(env), env.getArgument("hallCode"),
                env.getArgument("day"), env.getArgument("number"), json(env, "input"), locale(env)))
            .dataFetcher("actOnRating", env -> ratings.act(caller(env), env.getArgument("id"), json(env, "input"),
                locale(env))))
        .type("Application", t -> t.dataFetcher("rating", env -> ratings.ofCase(caller(env),
            ((JsonObject) env.getSource()).getString("number")).map(r -> r.orElse(null))));
  }

  /** The given arguments as the REST query's text values. */
  private static Map<String, String> arguments(DataFetchingEnvironment env, List<String> names) {
    Map<String, String> out = new HashMap<>();
    names.forEach(n -> Optional.ofNullable(env.getArgument(n)).ifPresent(v -> out.put(n, String.valueOf(v))));
    return out;
  }
}
