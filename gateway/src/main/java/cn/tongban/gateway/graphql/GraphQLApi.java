package cn.tongban.gateway.graphql;

import cn.tongban.core.Platform;
import cn.tongban.core.application.ActionCommand;
import cn.tongban.core.application.ApplicationQuery;
import cn.tongban.core.application.ApplicationStatus;
import cn.tongban.core.application.ApplicationView;
import cn.tongban.core.access.Channel;
import cn.tongban.core.application.SubmitCommand;
import cn.tongban.core.access.Caller;
import cn.tongban.core.form.FormVersion;
import cn.tongban.core.matter.Matter;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.outbox.OutboxRelay;
import cn.tongban.core.page.Page;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.gateway.http.Problems;
import cn.tongban.gateway.http.RequestContext;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.graphql.instrumentation.JsonObjectAdapter;
import io.vertx.ext.web.handler.graphql.instrumentation.VertxFutureAdapter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The GraphQL API for portals: schema-first from api-schema's SDL, with thin fetchers over the same core
 * services as REST. Errors carry the REST problem in {@code extensions}.
 */
public final class GraphQLApi {
  static final String ROUTING_CONTEXT = "routingContext";
  /** Where a WebSocket operation finds its caller (authenticated once, at {@code connection_init}). */
  public static final String CALLER = "caller";
  private static final int MAX_PAGE = 100;

  private GraphQLApi() {
  }

  /** The executable schema; subscriptions listen on {@code vertx}'s event bus. */
  public static GraphQL create(Vertx vertx, Platform platform) {
    String sdl = read("graphql/tongban.graphqls");
    MatterService matters = platform.matters();
    var applications = platform.applications();
    RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
        .scalar(JsonScalar.JSON)
        .scalar(JsonScalar.DATE_TIME)
        .type("Query", t -> t
            .dataFetcher("me", env -> platform.organisation().profile(caller(env)).map(p -> p.toJson()))
            .dataFetcher("matters", env -> {
              Map<String, Object> f = env.getArgumentOrDefault("filter", Map.of());
              MatterService.Filter filter = new MatterService.Filter(
                  Optional.ofNullable((String) f.get("q")), Optional.ofNullable((String) f.get("department")),
                  Optional.ofNullable((Integer) f.get("level")), Optional.ofNullable((Boolean) f.get("sameCity")),
                  Optional.ofNullable((String) f.get("type")), Optional.ofNullable((String) f.get("theme")),
                  Optional.ofNullable((Integer) f.get("star")), Optional.ofNullable((String) f.get("channel")));
              return matters.list(filter, first(env), Optional.ofNullable(env.getArgument("after")))
                  .map(p -> connection(p, m -> matterJson(new MatterService.MatterDetail(m, Optional.empty()))));
            })
            .dataFetcher("matter", env -> matters.get(env.getArgument("code"))
                .map(GraphQLApi::matterJson)
                .recover(e -> e instanceof DomainException d && d.code() == ProblemCode.MATTER_NOT_FOUND
                    ? Future.succeededFuture(null) : Future.failedFuture(e)))
            .dataFetcher("licences", env -> platform.licences().mine(caller(env),
                Optional.ofNullable(env.getArgument("typeName"))))
            .dataFetcher("licence", env -> platform.licences().get(caller(env), env.getArgument("identifier"))
                .map(platform.licences()::toJson))
            .dataFetcher("verifyLicence", env -> platform.licences().verify(Optional.ofNullable(env.getArgument("payload")),
                Optional.ofNullable(env.getArgument("identifier")), locale(env)))
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
              return applications.list(caller, q, first(env), Optional.ofNullable(env.getArgument("after")))
                  .map(p -> connection(p, a -> ApplicationView.of(a, caller)));
            })
            .dataFetcher("prefill", env -> applications.prefill(caller(env), env.getArgument("matterCode"),
                Optional.empty(), locale(env)))
            .dataFetcher("reusableMaterials", env -> applications.reusableMaterials(caller(env),
                env.getArgument("matterCode"), Optional.ofNullable(env.getArgument("idNumber")),
                Optional.ofNullable(env.getArgument("creditCode")), locale(env)))
            .dataFetcher("progress", env -> platform.lifecycle().progress(env.getArgument("number"),
                env.getArgument("queryCode"), locale(env)).recover(e -> e instanceof DomainException d
                    && d.code() == ProblemCode.APPLICATION_NOT_FOUND ? Future.succeededFuture(null)
                    : Future.failedFuture(e)))
            .dataFetcher("formVersions", env -> platform.authoring().forms(caller(env), env.getArgument("matterCode"))
                .map(list -> list.stream().map(FormVersion::toAuthoringJson).toList()))
            .dataFetcher("formChanges", env -> platform.authoring().changes(caller(env),
                env.getArgument("matterCode"), env.<Integer>getArgument("since"), env.<Integer>getArgument("version")))
            .dataFetcher("halls", env -> Boolean.TRUE.equals(env.getArgument("tree"))
                ? platform.organisation().hallTree() : platform.organisation().halls())
            .dataFetcher("authorisations", env -> platform.authorisations().list(caller(env)).map(JsonArray::new))
            .dataFetcher("sameCityStatistics", env -> platform.sameCityStatistics().between(caller(env),
                Optional.ofNullable(env.getArgument("from")), Optional.ofNullable(env.getArgument("to")))))
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
            .steps(caller(env), ((JsonObject) env.getSource()).getString("number"))))
        .type("Matter", t -> t
            .dataFetcher("form", env -> ((JsonObject) env.getSource()).getJsonObject("form")))
        .type("Mutation", t -> t
            .dataFetcher("submitApplication", submit(platform))
            .dataFetcher("actOnApplication", env -> {
              Caller caller = caller(env);
              return platform.lifecycle().act(caller, env.getArgument("number"),
                  ActionCommand.fromJson(json(env, "input"), Optional.empty()), locale(env))
                  .map(a -> ApplicationView.of(a, caller));
            })
            .dataFetcher("grantAuthorisation", env -> platform.authorisations().grant(caller(env),
                authorisationInput(json(env, "input")), locale(env)))
            .dataFetcher("revokeAuthorisation", env -> platform.authorisations().revoke(caller(env),
                env.getArgument("id")))
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
                env.<Integer>getArgument("version"), json(env, "data"), locale(env)).map(violations -> {
                  JsonArray list = new JsonArray();
                  violations.forEach(v -> list.add(v.toJson()));
                  return new JsonObject().put("valid", violations.isEmpty()).put("violations", list);
                })))
        .build();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), wiring);
    return GraphQL.newGraphQL(schema)
        .instrumentation(new ChainedInstrumentation(List.of(
            VertxFutureAdapter.create(), new JsonObjectAdapter(),
            new QueryLimits(12, 1000),
            new ProblemErrors())))
        .defaultDataFetcherExceptionHandler(new ProblemExceptionHandler())
        .build();
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
      SubmitCommand cmd = new SubmitCommand(input.getString("matterCode"), (JsonObject) data,
          Channel.valueOf(input.getString("channel")), Optional.ofNullable(input.getString("hallCode")),
          Optional.ofNullable(input.getJsonObject("applicant")), Optional.ofNullable(input.getString("idempotencyKey")),
          input.getJsonArray("materials"), Optional.ofNullable(input.getJsonObject("collection")),
          Optional.ofNullable(input.getString("authorisationId")));
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

  private static JsonObject matterJson(MatterService.MatterDetail d) {
    JsonObject json = d.matter().toDetailJson();
    d.form().ifPresent(f -> json.put("form", f.toJson()));
    return json;
  }

  private static <T> JsonObject connection(Page<T> page, Function<T, JsonObject> node) {
    JsonArray edges = new JsonArray();
    for (int i = 0; i < page.items().size(); i++) {
      edges.add(new JsonObject().put("cursor", page.cursors().get(i)).put("node", node.apply(page.items().get(i))));
    }
    return new JsonObject().put("edges", edges).put("pageInfo", new JsonObject()
        .put("hasNextPage", page.nextCursor().isPresent()).put("endCursor", page.nextCursor().orElse(
            page.cursors().isEmpty() ? null : page.cursors().get(page.cursors().size() - 1))));
  }

  private static int first(DataFetchingEnvironment env) {
    Integer first = env.getArgument("first");
    if (first == null || first < 1 || first > MAX_PAGE) {
      throw new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", "first: 1–" + MAX_PAGE);
    }
    return first;
  }

  /** A JSON-scalar argument that must be an object; a GraphQL error (400 problem) otherwise. */
  @SuppressWarnings("unchecked")
  /**
   * An authorisation as REST's contract shapes it: text fields only (anything else counts as missing and is
   * reported with its pointer by the service, as over REST).
   */
  private static JsonObject authorisationInput(JsonObject in) {
    JsonObject out = new JsonObject();
    for (String key : List.of("hallCode", "matterCode", "validUntil", "evidence")) {
      if (in.getValue(key) instanceof String text) {
        out.put(key, text);
      }
    }
    if (in.getValue("applicant") instanceof JsonObject applicant) {
      JsonObject a = new JsonObject();
      for (String key : List.of("name", "idNumber")) {
        if (applicant.getValue(key) instanceof String text) {
          a.put(key, text);
        }
      }
      out.put("applicant", a);
    }
    return out;
  }

  private static JsonObject json(DataFetchingEnvironment env, String name) {
    Object value = env.getArgument(name);
    if (!(value instanceof Map)) {
      throw new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", name + ": a JSON object");
    }
    return new JsonObject((Map<String, Object>) value);
  }

  private static java.util.Locale locale(DataFetchingEnvironment env) {
    RoutingContext rc = routing(env);
    return rc == null ? Messages.DEFAULT : RequestContext.locale(rc);
  }

  private static RoutingContext routing(DataFetchingEnvironment env) {
    return env.getGraphQlContext().get(ROUTING_CONTEXT);
  }

  private static Caller caller(DataFetchingEnvironment env) {
    Caller subscriber = env.getGraphQlContext().get(CALLER);
    return subscriber != null ? subscriber : RequestContext.requireCaller(routing(env));
  }

  private static String read(String resource) {
    try (InputStream in = GraphQLApi.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Maps a fetcher's failure to a GraphQL error whose extensions are the REST problem. */
  private static final class ProblemExceptionHandler implements DataFetcherExceptionHandler {
    @Override
    public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(
        graphql.execution.DataFetcherExceptionHandlerParameters params) {
      Throwable t = params.getException();
      while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      RoutingContext rc = params.getDataFetchingEnvironment().getGraphQlContext().get(ROUTING_CONTEXT);
      JsonObject problem = rc == null ? Problems.toProblem(t, Messages.DEFAULT, "/graphql", "-")
          : Problems.toProblem(t, RequestContext.locale(rc), "/graphql", RequestContext.traceId(rc));
      problem.remove("retryAfter");
      GraphQLError error = GraphqlErrorBuilder.newError(params.getDataFetchingEnvironment())
          .message(problem.getString("detail", problem.getString("title")))
          .extensions(problem.getMap())
          .build();
      return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(error).build());
    }
  }
}
