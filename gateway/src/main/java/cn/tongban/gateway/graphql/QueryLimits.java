package cn.tongban.gateway.graphql;

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

import java.util.Set;

/**
 * Refuses an operation whose fields nest deeper than {@code maxDepth} or number more than {@code maxFields}
 * (fragments expanded), before anything runs. Fields under {@code __schema} and {@code __type} are not counted:
 * the schema query every GraphQL tool sends nests type references 15 deep. They can only select introspection
 * types, and graphql-java's good-faith check bounds them (one {@code __schema} or {@code __type}, no cycles,
 * at most 500 fields, depth 20); every other field of the same operation counts here.
 */
final class QueryLimits extends SimplePerformantInstrumentation {
  private static final Set<String> INTROSPECTION_ROOTS = Set.of("__schema", "__type");
  private final int maxDepth;
  private final int maxFields;

  QueryLimits(int maxDepth, int maxFields) {
    this.maxDepth = maxDepth;
    this.maxFields = maxFields;
  }

  private record Size(int depth, int fields) {
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    ExecutionContext ctx = parameters.getExecutionContext();
    Size size = QueryTraverser.newQueryTraverser()
        .schema(ctx.getGraphQLSchema())
        .document(ctx.getDocument())
        .operationName(ctx.getExecutionInput().getOperationName())
        .coercedVariables(ctx.getCoercedVariables())
        .build()
        .reducePreOrder((env, acc) -> {
          int depth = 1;
          QueryVisitorFieldEnvironment root = env;
          while (root.getParentEnvironment() != null) {
            root = root.getParentEnvironment();
            depth++;
          }
          return INTROSPECTION_ROOTS.contains(root.getField().getName()) ? acc
              : new Size(Math.max(acc.depth(), depth), acc.fields() + 1);
        }, new Size(0, 0));
    // The texts of graphql-java's own depth and complexity limits, which these replace.
    if (size.depth() > maxDepth) {
      throw new AbortExecutionException("maximum query depth exceeded " + size.depth() + " > " + maxDepth);
    }
    if (size.fields() > maxFields) {
      throw new AbortExecutionException("maximum query complexity exceeded " + size.fields() + " > " + maxFields);
    }
    return SimpleInstrumentationContext.noOp();
  }
}
