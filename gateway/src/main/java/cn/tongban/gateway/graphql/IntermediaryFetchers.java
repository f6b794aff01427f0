package cn.tongban.gateway.graphql;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

import cn.tongban.core.Platform;
import graphql.schema.idl.RuntimeWiring;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** 中介超市 over GraphQL (as rest/IntermediaryOperations). */
final class IntermediaryFetchers {
  private IntermediaryFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    var intermediaries = platform.intermediaries();
    wiring.type("Query", t -> t
            .dataFetcher("intermediaries", env -> {
              Map<String, String> q = new HashMap<>();
              List.of("service", "matterCode", "blacklisted").forEach(n -> Optional.ofNullable(env.getArgument(n))
                  .ifPresent(v -> q.put(n, String.valueOf(v))));
              return intermediaries.list(q);
            })
            .dataFetcher("intermediary", env -> intermediaries.get(env.getArgument("id")))
            .dataFetcher("intermediaryServices", env -> intermediaries.services())
            .dataFetcher("intermediarySelection", env -> intermediaries.selection(caller(env), env.getArgument("id")))
            .dataFetcher("intermediarySelections", env -> {
              Map<String, String> q = new HashMap<>();
              List.of("ownerCreditCode", "projectCode").forEach(n -> Optional.ofNullable(env.getArgument(n))
                  .ifPresent(v -> q.put(n, String.valueOf(v))));
              return intermediaries.selections(caller(env), q);
            }))
        .type("Mutation", t -> t
            .dataFetcher("registerIntermediary", env -> intermediaries.register(caller(env), json(env, "input"),
                locale(env)))
            .dataFetcher("selectIntermediary", env -> intermediaries.select(caller(env), json(env, "input"),
                locale(env)))
            .dataFetcher("actOnIntermediarySelection", env -> intermediaries.actOnSelection(caller(env),
                env.getArgument("id"), json(env, "input"), locale(env)))
            .dataFetcher("evaluateIntermediary", env -> intermediaries.evaluate(caller(env), env.getArgument("id"),
                json(env, "input"), locale(env)))
            .dataFetcher("setIntermediaryBlacklist", env -> intermediaries.setBlacklist(caller(env),
                env.getArgument("id"), json(env, "input"), locale(env)))
            .dataFetcher("updateIntermediary", env -> intermediaries.update(caller(env), env.getArgument("id"),
                json(env, "input"), locale(env)))
            .dataFetcher("renewIntermediaryQualification", env -> intermediaries.renewQualification(caller(env),
                env.getArgument("id"), env.getArgument("qualificationId"), json(env, "input"), locale(env))));
  }
}
