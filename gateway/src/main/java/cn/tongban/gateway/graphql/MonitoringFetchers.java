package cn.tongban.gateway.graphql;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.locale;

import cn.tongban.core.Platform;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** 电子监察 monitoring and 问责 over GraphQL (as rest/MonitoringOperations). */
final class MonitoringFetchers {
  private MonitoringFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    var supervision = platform.supervision();
    wiring.type("Query", t -> t
            .dataFetcher("warnedItems", env -> supervision.warned(caller(env), paged(env, List.of("level", "source",
                "kind", "department", "hall", "matter", "officer", "from", "to", "overdue")), locale(env)))
            .dataFetcher("timeliness", env -> supervision.timeliness(caller(env),
                arguments(env, List.of("groupBy", "department", "from", "to")), locale(env)))
            .dataFetcher("accountabilities", env -> supervision.accountabilities(caller(env),
                paged(env, List.of("status", "department", "number")), locale(env))))
        .type("Mutation", t -> t
            .dataFetcher("explainAccountability", env -> supervision.explain(caller(env), env.getArgument("id"),
                new JsonObject().put("explanation", env.getArgument("explanation")), locale(env)))
            .dataFetcher("closeAccountability", env -> supervision.close(caller(env), env.getArgument("id"),
                new JsonObject().put("finding", env.getArgument("finding")).put("note", env.getArgument("note")),
                locale(env))));
  }

  private static Map<String, String> paged(DataFetchingEnvironment env, List<String> names) {
    Map<String, String> q = arguments(env, names);
    Optional.ofNullable(env.getArgument("first")).ifPresent(f -> q.put("limit", String.valueOf(f)));
    Optional.ofNullable(env.getArgument("after")).ifPresent(a -> q.put("cursor", String.valueOf(a)));
    return q;
  }

  /** The given arguments as the REST query's text values. */
  private static Map<String, String> arguments(DataFetchingEnvironment env, List<String> names) {
    Map<String, String> out = new HashMap<>();
    names.forEach(n -> Optional.ofNullable(env.getArgument(n)).ifPresent(v -> out.put(n, String.valueOf(v))));
    return out;
  }
}
