package cn.tongban.gateway.graphql;

import cn.tongban.core.Platform;
import cn.tongban.core.access.Caller;
import cn.tongban.core.application.ActionCommand;
import cn.tongban.core.application.ApplicationQuery;
import cn.tongban.core.application.ApplicationStatus;
import cn.tongban.core.application.ApplicationView;
import cn.tongban.core.application.SubmitCommand;
import cn.tongban.core.outbox.OutboxRelay;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

/** Cases over GraphQL: submitting, reading, acting, progress and live events (as rest/ApplicationOperations). */
final class ApplicationFetchers {
  private ApplicationFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Vertx vertx, Platform platform) {
    var applications = platform.applications();
    wiring.type("Query", t -> t
            .dataFetcher("application", env -> {
              Caller caller = caller(env);
              return applications.get(caller, env.getArgument("number")).map(a -> ApplicationView.of(a, caller));
            })
            .dataFetcher("applications", env -> {
              Caller caller = caller(env);
              Map<String, Object> f = env.getArgumentOrDefault("filter", Map.of());
              ApplicationQuery q = new ApplicationQuery(
                  Optional.ofNullable((String) f.get("status")).map(ApplicationStatus::valueOf),
                  Optional.ofNullable((String) f.get("matterCode")));
              Optional<String> after = Optional.ofNullable(env.getArgument("after"));
              if (summaryEnough(env)) {
                return applications.listSummaries(caller, q, Fetch.first(env), after)
                    .map(p -> Fetch.connection(p, a -> ApplicationView.summary(a, caller)));
              }
              return applications.list(caller, q, Fetch.first(env), after)
                  .map(p -> Fetch.connection(p, a -> ApplicationView.of(a, caller)));
            })
            .dataFetcher("prefill", env -> applications.prefill(caller(env), env.getArgument("matterCode"),
                Optional.empty(), locale(env)))
            .dataFetcher("reusableMaterials", env -> applications.reusableMaterials(caller(env),
                env.getArgument("matterCode"), Optional.ofNullable(env.getArgument("idNumber")),
                Optional.ofNullable(env.getArgument("creditCode")), locale(env)))
            .dataFetcher("progress", env -> Fetch.publicLookup(env, platform.rateLimits())
                .compose(v -> platform.lifecycle().progress(env.getArgument("number"), env.getArgument("queryCode"),
                    locale(env))).recover(e -> e instanceof DomainException d
                    && d.code() == ProblemCode.APPLICATION_NOT_FOUND ? Future.succeededFuture(null)
                    : Future.failedFuture(e))))
        .type("Subscription", t -> t.dataFetcher("applicationEvents", env -> {
          Caller caller = caller(env);
          Optional<String> only = Optional.ofNullable(env.getArgument("number"));
          return new EventStream(vertx, OutboxRelay.ADDRESS, event -> {
            String number = event.getString("aggregateId");
            if (!"application".equals(event.getString("aggregateType"))
                || only.isPresent() && !only.get().equals(number)) {
              return Future.succeededFuture(Optional.empty());
            }
            return applications.visible(caller, number).map(visible -> visible
                ? Optional.of(applicationEvent(event)) : Optional.empty());
          });
        }))
        .type("Application", t -> t.dataFetcher("steps", env -> platform.lifecycle()
                .steps(caller(env), ((JsonObject) env.getSource()).getString("number")))
            .dataFetcher("dataSources", env -> platform.applications()
                .dataSources(caller(env), ((JsonObject) env.getSource()).getString("number"))))
        .type("Mutation", t -> t
            .dataFetcher("submitApplication", submit(platform))
            .dataFetcher("actOnApplication", env -> {
              Caller caller = caller(env);
              return platform.lifecycle().act(caller, env.getArgument("number"),
                  ActionCommand.fromJson(json(env, "input"), Optional.empty()), locale(env))
                  .map(a -> ApplicationView.of(a, caller));
            }));
  }

  /** The fields of an Application that {@link ApplicationView#summary} answers (or that have their own fetcher). */
  private static final Set<String> SUMMARY_FIELDS = Set.of("__typename", "number", "status", "matterCode",
      "matterName", "formVersion", "channel", "hallCode", "departmentCode", "queryCode", "applicant", "version",
      "submittedAt", "updatedAt", "noticeDueDate", "acceptedAt", "clockStart", "dueDate", "legalDueDate",
      "suspendedAt", "warnings", "rating", "dataSources", "steps");

  /**
   * Whether a list query asks only for what the summary holds: then its cases are read without their form
   * data and per-case detail, which would be neither decrypted nor sent for nothing.
   */
  private static boolean summaryEnough(DataFetchingEnvironment env) {
    var selection = env.getSelectionSet();
    return selection.getFields("edges/node/*").stream().allMatch(f -> SUMMARY_FIELDS.contains(f.getName()))
        && selection.getFields("edges/node/applicant/*").stream()
            .allMatch(f -> Set.of("__typename", "kind", "name").contains(f.getName()));
  }

  private static DataFetcher<Future<JsonObject>> submit(Platform platform) {
    return env -> {
      Caller caller = caller(env);
      JsonObject input = new JsonObject(env.<Map<String, Object>>getArgument("input"));
      Object data = input.getValue("data");
      if (!(data instanceof JsonObject)) {
        java.util.Locale locale = locale(env);
        return Future.succeededFuture(new JsonObject().put("violations", new JsonArray().add(new Violation("/data",
            "type", Messages.get(locale, "violation.type", Messages.get(locale, "field.root"))).toJson()))
            .put("replayed", false));
      }
      SubmitCommand cmd = SubmitCommand.fromJson(input, (JsonObject) data,
          Optional.ofNullable(input.getString("idempotencyKey")));
      return platform.applications().submit(caller, cmd, locale(env))
          .map(s -> new JsonObject().put("application", ApplicationView.of(s.application(), caller))
              .put("violations", new JsonArray()).put("replayed", s.replayed()))
          .recover(e -> {
            if (e instanceof DomainException d && d.code() == ProblemCode.VALIDATION_FAILED) {
              JsonArray violations = new JsonArray();
              d.violations().forEach(v -> violations.add(v.toJson()));
              return Future.succeededFuture(new JsonObject().putNull("application").put("violations", violations)
                  .put("replayed", false));
            }
            return Future.failedFuture(e);
          });
    };
  }

  private static JsonObject applicationEvent(JsonObject event) {
    JsonObject payload = event.getJsonObject("payload", new JsonObject());
    return new JsonObject().put("id", event.getString("id")).put("type", event.getString("type"))
        .put("number", event.getString("aggregateId")).put("matterCode", payload.getString("matterCode"))
        .put("status", payload.getString("status")).put("payload", payload);
  }
}
