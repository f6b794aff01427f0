package cn.tongban.gateway.graphql;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

import cn.tongban.core.Platform;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;

/** 一件事一次办 over GraphQL (as rest/LifeEventOperations). */
final class LifeEventFetchers {
  private LifeEventFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    var lifeEvents = platform.lifeEvents();
    wiring.type("Query", t -> t
            .dataFetcher("bundles", env -> lifeEvents.list().map(page -> page.getJsonArray("items")))
            .dataFetcher("bundle", env -> lifeEvents.get(env.getArgument("code")).recover(e ->
                e instanceof DomainException d && d.code() == ProblemCode.NOT_FOUND ? Future.succeededFuture(null)
                    : Future.failedFuture(e)))
            .dataFetcher("exportBundle", env -> lifeEvents.export(caller(env), env.getArgument("code")))
            .dataFetcher("bundleApplications", env -> lifeEvents.mine(caller(env)).map(p -> p.getJsonArray("items")))
            .dataFetcher("bundleApplication", env -> lifeEvents.application(caller(env), env.getArgument("id"))))
        .type("Mutation", t -> t
            .dataFetcher("importBundle", env -> lifeEvents.importFile(caller(env), json(env, "file"), locale(env)))
            .dataFetcher("applyForBundle", env -> {
              JsonObject input = new JsonObject(env.<Map<String, Object>>getArgument("input"));
              return lifeEvents.apply(caller(env), env.getArgument("code"), input,
                      Optional.ofNullable(input.getString("idempotencyKey")), locale(env))
                  .map(a -> new JsonObject().put("application", a.view()).put("violations", new JsonArray())
                      .put("replayed", a.replayed()))
                  .recover(e -> {
                    if (e instanceof DomainException d && d.code() == ProblemCode.VALIDATION_FAILED) {
                      JsonArray violations = new JsonArray();
                      d.violations().forEach(v -> violations.add(v.toJson()));
                      return Future.succeededFuture(new JsonObject().putNull("application")
                          .put("violations", violations).put("replayed", false));
                    }
                    return Future.failedFuture(e);
                  });
            }));
  }
}
