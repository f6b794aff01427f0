package cn.tongban.gateway.graphql;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

import cn.tongban.core.Platform;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** 工程建设项目 over GraphQL (as rest/ProjectOperations). */
final class ProjectFetchers {
  private ProjectFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    var projects = platform.projects();
    wiring.type("Query", t -> t
            .dataFetcher("projectStages", env -> projects.stageCatalogue())
            .dataFetcher("projects", env -> projects.list(caller(env)))
            .dataFetcher("project", env -> projects.get(caller(env), env.getArgument("code"))))
        .type("Mutation", t -> t
            .dataFetcher("registerProject", env -> projects.register(caller(env), json(env, "input"),
                Optional.ofNullable(env.getArgument("idempotencyKey")), locale(env)).map(c -> c.view()))
            .dataFetcher("applyForProjectStage", env -> projects.applyStage(caller(env), env.getArgument("code"),
                env.getArgument("stage"), json(env, "input"), Optional.ofNullable(env.getArgument("idempotencyKey")),
                locale(env)).map(c -> c.view()))
            .dataFetcher("assignProjectOfficer", env -> projects.assignOfficer(caller(env), env.getArgument("code"),
                new JsonObject().put("username", env.<String>getArgument("username")), locale(env)))
            .dataFetcher("recordProjectTracking", env -> projects.record(caller(env), env.getArgument("code"),
                json(env, "input"), locale(env))));
  }
}
