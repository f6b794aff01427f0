package cn.tongban.gateway.graphql;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.RateLimits;
import cn.tongban.core.problem.Messages;
import cn.tongban.gateway.http.Problems;
import graphql.GraphQLContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationCreateStateParameters;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Each operation started on a GraphQL WebSocket (graphql-transport-ws {@code subscribe}: a subscription, a query
 * or a mutation) counts against its caller's and its client address's GraphQL rate, as one sent over HTTP does
 * (there the {@code /graphql} route counts it). Over either rate the operation is refused before it is parsed
 * or runs, and the client gets the protocol's {@code error} message for its id. Operations over HTTP carry no
 * socket caller and pass.
 */
final class SocketRates extends SimplePerformantInstrumentation {
  private final RateLimits rates;

  SocketRates(RateLimits rates) {
    this.rates = rates;
  }

  @Override
  public CompletableFuture<InstrumentationState> createStateAsync(InstrumentationCreateStateParameters parameters) {
    GraphQLContext context = parameters.getExecutionInput().getGraphQLContext();
    Caller caller = context.get(GraphQLApi.CALLER);
    if (caller == null) {
      return CompletableFuture.completedFuture(null);
    }
    return rates.graphql(Optional.of(caller), context.getOrDefault(GraphQLApi.ADDRESS, "unknown"))
        .<InstrumentationState>map(v -> null)
        .recover(e -> io.vertx.core.Future.failedFuture(new Refused(
            Problems.toProblem(e, Messages.DEFAULT, "/graphql", "-").getString("detail"))))
        .toCompletionStage().toCompletableFuture();
  }

  /**
   * A refused operation. Vert.x answers an operation whose execution failed with an {@code error} message whose
   * one error's {@code message} is the failure's {@code toString()}: so that is the problem's detail (with the
   * seconds to wait), not a class name. A {@link CompletionException}, so that the futures it passes through
   * hand on this one rather than wrapping it.
   */
  static final class Refused extends CompletionException {
    Refused(String detail) {
      super(detail);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
