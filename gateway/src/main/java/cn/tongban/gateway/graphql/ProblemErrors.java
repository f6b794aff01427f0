package cn.tongban.gateway.graphql;

import cn.tongban.core.problem.ProblemCode;
import cn.tongban.gateway.http.Problems;
import cn.tongban.gateway.http.RequestContext;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.AbortExecutionException;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.language.OperationDefinition;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Gives every GraphQL error the problem shape REST uses: syntax, validation and limit errors (which
 * graphql-java reports without one) become {@code bad-request} problems. Refuses mutations sent with
 * GET, which caches and prefetchers may repeat.
 */
final class ProblemErrors extends SimplePerformantInstrumentation {
  private static final String MUTATION_OVER_GET = "tongban.mutationOverGet";

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    var ctx = parameters.getExecutionContext();
    RoutingContext rc = ctx.getGraphQLContext().get(GraphQLApi.ROUTING_CONTEXT);
    if (rc != null && rc.request().method() == HttpMethod.GET
        && ctx.getOperationDefinition().getOperation() == OperationDefinition.Operation.MUTATION) {
      ctx.getGraphQLContext().put(MUTATION_OVER_GET, true);
      throw new AbortExecutionException("mutations must be sent with POST");
    }
    return SimpleInstrumentationContext.noOp();
  }

  @Override
  public CompletableFuture<ExecutionResult> instrumentExecutionResult(ExecutionResult result,
      InstrumentationExecutionParameters parameters, InstrumentationState state) {
    RoutingContext rc = parameters.getGraphQLContext().get(GraphQLApi.ROUTING_CONTEXT);
    if (rc == null || result.getErrors().stream().allMatch(ProblemErrors::hasProblem)) {
      return CompletableFuture.completedFuture(result);
    }
    boolean overGet = Boolean.TRUE.equals(parameters.getGraphQLContext().get(MUTATION_OVER_GET));
    List<GraphQLError> errors = new ArrayList<>();
    for (GraphQLError e : result.getErrors()) {
      if (hasProblem(e)) {
        errors.add(e);
        continue;
      }
      JsonObject problem = Problems.problem(overGet ? ProblemCode.METHOD_NOT_ALLOWED : ProblemCode.BAD_REQUEST,
          e.getMessage(), List.of(), RequestContext.locale(rc), "/graphql", RequestContext.traceId(rc));
      errors.add(GraphqlErrorBuilder.newError().message(e.getMessage()).locations(e.getLocations())
          .path(e.getPath()).extensions(problem.getMap()).build());
    }
    return CompletableFuture.completedFuture(result.transform(b -> b.errors(errors)));
  }

  private static boolean hasProblem(GraphQLError e) {
    return e.getExtensions() != null && e.getExtensions().containsKey("code");
  }
}
