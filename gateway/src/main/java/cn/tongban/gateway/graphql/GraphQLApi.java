package cn.tongban.gateway.graphql;

import cn.tongban.core.Platform;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.problem.Messages;
import cn.tongban.gateway.http.Problems;
import cn.tongban.gateway.http.RequestContext;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.graphql.instrumentation.JsonObjectAdapter;
import io.vertx.ext.web.handler.graphql.instrumentation.VertxFutureAdapter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The GraphQL API for portals: schema-first from api-schema's SDL, with thin fetchers over the same core
 * services as REST. Errors carry the REST problem in {@code extensions}.
 */
public final class GraphQLApi {
  static final String ROUTING_CONTEXT = "routingContext";
  /** Where a WebSocket operation finds its caller (authenticated once, at {@code connection_init}). */
  public static final String CALLER = "caller";
  /** Where a WebSocket operation finds its client address (the socket's, decided by {@code ClientAddress}). */
  public static final String ADDRESS = "address";

  private GraphQLApi() {
  }

  /** The executable schema; subscriptions listen on {@code vertx}'s event bus. */
  public static GraphQL create(Vertx vertx, Platform platform) {
    String sdl = read("graphql/tongban.graphqls");
    // One class per domain, mirroring rest/*Operations; each adds its fields to Query, Mutation and its types.
    RuntimeWiring.Builder builder = RuntimeWiring.newRuntimeWiring()
        .scalar(JsonScalar.JSON)
        .scalar(JsonScalar.DATE_TIME);
    OrganisationFetchers.wire(builder, platform);
    MatterFetchers.wire(builder, platform);
    ApplicationFetchers.wire(builder, vertx, platform);
    LicenceFetchers.wire(builder, platform);
    SameCityFetchers.wire(builder, platform);
    RatingFetchers.wire(builder, platform);
    IntermediaryFetchers.wire(builder, platform);
    DisclosureFetchers.wire(builder, platform);
    ReminderFetchers.wire(builder, platform);
    OidcFetchers.wire(builder, platform);
    WorkOrderFetchers.wire(builder, platform);
    MonitoringFetchers.wire(builder, platform);
    HallFetchers.wire(builder, vertx, platform);
    LifeEventFetchers.wire(builder, platform);
    ProjectFetchers.wire(builder, platform);
    RuntimeWiring wiring = builder.build();
    var limits = platform.config().limits();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), wiring);
    List<graphql.execution.instrumentation.Instrumentation> chain = new ArrayList<>();
    // First: an operation over its rate on a socket is refused before anything else is done for it.
    chain.add(new SocketRates(platform.rateLimits()));
    // Then: an operation outside a production portal's allow-list is refused before it is even measured.
    platform.config().graphqlAllowList().ifPresent(file -> chain.add(PersistedOperations.from(file)));
    chain.addAll(List.of(
            VertxFutureAdapter.create(), new JsonObjectAdapter(),
            new QueryLimits(12, 1000, limits.graphqlMaxAliases(), limits.graphqlMaxFetchCost()),
            // After the Vert.x adapter, so that it sees fetchers' results as CompletionStages.
            new FetchGate(limits.graphqlFetchesInFlight()),
            new ProblemErrors(),
            // Names the operation for the logs and, with metrics on, times it (a no-op otherwise).
            new cn.tongban.gateway.ops.GraphQLMetrics(
                platform.config().observability().metrics() != TongbanConfig.Observability.Metrics.OFF)));
    return GraphQL.newGraphQL(schema)
        .instrumentation(new LeanChain(chain))
        .defaultDataFetcherExceptionHandler(new ProblemExceptionHandler())
        // A portal's query texts repeat: each is parsed and validated once.
        .preparsedDocumentProvider(new DocumentCache())
        .build();
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
