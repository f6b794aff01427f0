package cn.tongban.gateway.graphql;

import cn.tongban.core.Platform;
import cn.tongban.core.form.FormVersion;
import cn.tongban.core.form.WorkingDraft;
import cn.tongban.core.matter.Matter;
import cn.tongban.core.matter.MatterAuthoringService;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

/** The catalogue and its authoring over GraphQL (as rest/MatterOperations over REST). */
final class MatterFetchers {
  private MatterFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    MatterService matters = platform.matters();
    wiring.type("Query", t -> t
            .dataFetcher("matters", env -> {
              Map<String, Object> f = env.getArgumentOrDefault("filter", Map.of());
              MatterService.Filter filter = new MatterService.Filter(
                  Optional.ofNullable((String) f.get("q")), Optional.ofNullable((String) f.get("department")),
                  Optional.ofNullable((Integer) f.get("level")), Optional.ofNullable((Boolean) f.get("sameCity")),
                  Optional.ofNullable((String) f.get("type")), Optional.ofNullable((String) f.get("theme")),
                  Optional.ofNullable((Integer) f.get("star")), Optional.ofNullable((String) f.get("channel")));
              return matters.listDetails(filter, Fetch.first(env), Optional.ofNullable(env.getArgument("after")))
                  .map(p -> Fetch.connection(p, m -> m));
            })
            .dataFetcher("matter", env -> matters.detailJson(env.getArgument("code"))
                .recover(e -> e instanceof DomainException d && d.code() == ProblemCode.MATTER_NOT_FOUND
                    ? Future.succeededFuture(null) : Future.failedFuture(e)))
            .dataFetcher("formVersions", env -> platform.authoring().forms(caller(env), env.getArgument("matterCode"))
                .map(list -> list.stream().map(FormVersion::toAuthoringJson).toList()))
            .dataFetcher("formChanges", env -> platform.authoring().changes(caller(env),
                env.getArgument("matterCode"), env.<Integer>getArgument("since"), env.<Integer>getArgument("version")))
            .dataFetcher("formFieldTypes", env -> platform.authoring().fieldTypes(caller(env)))
            .dataFetcher("workingDraft", env -> platform.authoring().workingDraft(caller(env),
                env.getArgument("matterCode")).map(WorkingDraft::toJson))
            .dataFetcher("workingDraftChanges", env -> platform.authoring().draftChanges(caller(env),
                env.getArgument("matterCode"), Optional.ofNullable(env.<Integer>getArgument("since")), locale(env))))
        .type("Matter", t -> t
            .dataFetcher("form", env -> ((JsonObject) env.getSource()).getJsonObject("form")))
        .type("Mutation", t -> t
            .dataFetcher("createMatter", env -> platform.authoring().create(caller(env), json(env, "document"),
                locale(env)).map(Matter::toDetailJson))
            .dataFetcher("updateMatter", env -> platform.authoring().update(caller(env), env.getArgument("code"),
                json(env, "document"), locale(env)).map(Matter::toDetailJson))
            .dataFetcher("createFormDraft", env -> platform.authoring().createDraft(caller(env),
                    env.getArgument("matterCode"), json(env, "definition"))
                .compose(v -> platform.authoring().form(caller(env), env.getArgument("matterCode"), v))
                .map(FormVersion::toAuthoringJson))
            .dataFetcher("publishForm", env -> platform.authoring().publish(caller(env), env.getArgument("matterCode"),
                env.<Integer>getArgument("version"), locale(env)).map(FormVersion::toAuthoringJson))
            .dataFetcher("dryRunForm", env -> platform.authoring().dryRun(caller(env), env.getArgument("matterCode"),
                env.<Integer>getArgument("version"), json(env, "data"), locale(env))
                .map(MatterAuthoringService::dryRunJson))
            .dataFetcher("dryRunWorkingDraft", env -> platform.authoring().dryRunDraft(caller(env),
                env.getArgument("matterCode"), json(env, "data"), locale(env)).map(MatterAuthoringService::dryRunJson))
            .dataFetcher("saveWorkingDraft", env -> platform.authoring().saveWorkingDraft(caller(env),
                env.getArgument("matterCode"), json(env, "definition"), env.<Integer>getArgument("revision"))
                .map(WorkingDraft::toJson)));
  }

}
