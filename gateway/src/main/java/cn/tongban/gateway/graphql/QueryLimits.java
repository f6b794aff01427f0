package cn.tongban.gateway.graphql;

import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.gateway.http.Problems;
import cn.tongban.gateway.http.RequestContext;
import graphql.ExecutionResult;
import graphql.analysis.QueryTraverser;
import graphql.analysis.QueryVisitorFieldEnvironment;
import graphql.execution.AbortExecutionException;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLTypeUtil;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses, before anything runs, an operation whose fields nest deeper than {@code maxDepth}, number more than
 * {@code maxFields} (fragments expanded), carry more than {@code maxAliases} aliases, or would cost more than
 * {@code maxFetchCost} database fetches. A field with a fetcher of its own (every Query and Mutation field,
 * {@code Application.steps} and the like) is a database fetch; under a list it is fetched once per element, so
 * it costs the list's {@code first}/{@code limit} (or its default, else {@link #LIST_GUESS}) times over. Plain
 * properties read from their parent cost nothing. Fields under {@code __schema} and {@code __type} are not
 * counted: the schema query every GraphQL tool sends nests type references 15 deep. They can only select
 * introspection types, and graphql-java's good-faith check bounds them; every other field of the same
 * operation counts here.
 */
final class QueryLimits extends SimplePerformantInstrumentation {
  private static final Set<String> INTROSPECTION_ROOTS = Set.of("__schema", "__type");
  /** The elements assumed for a list whose size no argument states (pages default to 20–100). */
  static final int LIST_GUESS = 20;
  private final int maxDepth;
  private final int maxFields;
  private final int maxAliases;
  private final int maxFetchCost;
  private final OperationSizes sizes = new OperationSizes();

  QueryLimits(int maxDepth, int maxFields, int maxAliases, int maxFetchCost) {
    this.maxDepth = maxDepth;
    this.maxFields = maxFields;
    this.maxAliases = maxAliases;
    this.maxFetchCost = maxFetchCost;
  }

  /** What the walk finds in one operation. */
  record Size(int depth, int fields, int aliases, long cost) {
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    ExecutionContext ctx = parameters.getExecutionContext();
    Size size = sizes.size(ctx, QueryLimits::measure);
    RoutingContext rc = ctx.getGraphQLContext().get(GraphQLApi.ROUTING_CONTEXT);
    // The texts of graphql-java's own depth and complexity limits, which these replace.
    if (size.depth() > maxDepth) {
      throw new AbortExecutionException("maximum query depth exceeded " + size.depth() + " > " + maxDepth);
    }
    if (size.fields() > maxFields) {
      throw new AbortExecutionException("maximum query complexity exceeded " + size.fields() + " > " + maxFields);
    }
    // A thousand aliases of one scalar field stay within the field count; these catch them, aliases first (the
    // usual way to multiply a fetch, and the clearer answer).
    if (size.aliases() > maxAliases) {
      throw new Refused(rc, "graphql.aliases", maxAliases, size.aliases());
    }
    if (size.cost() > maxFetchCost) {
      throw new Refused(rc, "graphql.fetchCost", maxFetchCost, size.cost());
    }
    return SimpleInstrumentationContext.noOp();
  }

  /** The walk over one operation, fragments expanded and {@code @skip}/{@code @include} applied. */
  static Size measure(ExecutionContext ctx) {
    GraphQLCodeRegistry code = ctx.getGraphQLSchema().getCodeRegistry();
    return QueryTraverser.newQueryTraverser()
        .schema(ctx.getGraphQLSchema())
        .document(ctx.getDocument())
        .operationName(ctx.getExecutionInput().getOperationName())
        .coercedVariables(ctx.getCoercedVariables())
        .build()
        .reducePreOrder((env, acc) -> {
          int depth = 1;
          long times = 1;
          QueryVisitorFieldEnvironment root = env;
          while (root.getParentEnvironment() != null) {
            root = root.getParentEnvironment();
            depth++;
            times *= fanOut(root);
          }
          if (INTROSPECTION_ROOTS.contains(root.getField().getName())) {
            return acc;
          }
          // __typename has no container (graphql-java answers it itself, no fetch).
          GraphQLFieldsContainer parent = env.isTypeNameIntrospectionField() ? null : env.getFieldsContainer();
          boolean fetches = parent != null
              && code.hasDataFetcher(FieldCoordinates.coordinates(parent, env.getFieldDefinition()));
          return new Size(Math.max(acc.depth(), depth), acc.fields() + 1,
              acc.aliases() + (env.getField().getAlias() != null ? 1 : 0),
              Math.min(Long.MAX_VALUE / 2, acc.cost() + (fetches ? times : 0)));
        }, new Size(0, 0, 0, 0));
  }

  /**
   * How many times the fields under {@code env}'s field run: once, or for a list its page size — the
   * {@code first}/{@code limit} of the list field or of the connection holding it — else {@link #LIST_GUESS}.
   */
  private static long fanOut(QueryVisitorFieldEnvironment env) {
    if (!GraphQLTypeUtil.isList(GraphQLTypeUtil.unwrapNonNull(env.getFieldDefinition().getType()))) {
      return 1;
    }
    List<QueryVisitorFieldEnvironment> sized = env.getParentEnvironment() == null ? List.of(env)
        : List.of(env, env.getParentEnvironment());
    for (QueryVisitorFieldEnvironment e : sized) {
      for (String name : List.of("first", "limit")) {
        if (e.getArguments().get(name) instanceof Number n) {
          return Math.max(1, n.longValue());
        }
      }
    }
    return LIST_GUESS;
  }

  /** One refusal, already the REST problem (400 {@code bad-request}) in its extensions, stated in the caller's language. */
  static final class Refused extends AbortExecutionException {
    private final transient Map<String, Object> problem;

    Refused(RoutingContext rc, String key, Object... args) {
      super(Messages.get(rc == null ? Messages.DEFAULT : RequestContext.locale(rc), key, args));
      Locale locale = rc == null ? Messages.DEFAULT : RequestContext.locale(rc);
      this.problem = Problems.problem(ProblemCode.BAD_REQUEST, getMessage(), List.of(), locale, "/graphql",
          rc == null ? "-" : RequestContext.traceId(rc)).getMap();
    }

    @Override
    public Map<String, Object> getExtensions() {
      return problem;
    }
  }
}
