package cn.tongban.gateway.graphql;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

import cn.tongban.core.Platform;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Penalties and the public 双公示 listing over GraphQL (as rest/DisclosureOperations; exports are REST files). */
final class DisclosureFetchers {
  private DisclosureFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    var penalties = platform.penalties();
    var disclosures = platform.disclosures();
    wiring.type("Query", t -> t
            .dataFetcher("penalties", env -> penalties.list(caller(env),
                paged(env, List.of("status", "departmentCode")), locale(env)))
            .dataFetcher("disclosures", env -> disclosures.list(
                paged(env, List.of("party", "creditCode", "kind", "departmentCode")), locale(env))))
        .type("Mutation", t -> t
            .dataFetcher("recordPenalty", env -> penalties.record(caller(env), json(env, "input"), locale(env)))
            .dataFetcher("importPenalties", env -> penalties.importFile(caller(env), json(env, "input"),
                locale(env)))
            .dataFetcher("changePenaltyStatus", env -> penalties.changeStatus(caller(env), env.getArgument("id"),
                json(env, "input"), locale(env))));
  }

  /** The given arguments as the REST query's text values, with first/after as limit/cursor. */
  private static Map<String, String> paged(DataFetchingEnvironment env, List<String> names) {
    Map<String, String> out = new HashMap<>();
    names.forEach(n -> Optional.ofNullable(env.getArgument(n)).ifPresent(v -> out.put(n, String.valueOf(v))));
    Optional.ofNullable(env.getArgument("first")).ifPresent(f -> out.put("limit", String.valueOf(f)));
    Optional.ofNullable(env.getArgument("after")).ifPresent(a -> out.put("cursor", String.valueOf(a)));
    return out;
  }
}
