package cn.tongban.gateway.graphql;

import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Database-backed fetches of one operation run a few at a time, and every one of them answers. */
class FetchGateTest {
  @Test
  void twentyFiveAliasesOfAFetchRunFourAtATime() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Executor later = CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS);
    GraphQL graphql = GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(
            new SchemaParser().parse("type Query { row(n: Int!): Int }"),
            RuntimeWiring.newRuntimeWiring().type("Query", t -> t.dataFetcher("row", env -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              // Answers a moment later, as a statement on a connection would.
              return CompletableFuture.supplyAsync(() -> {
                running.decrementAndGet();
                return (Integer) env.getArgument("n");
              }, later);
            })).build()))
        .instrumentation(new FetchGate(4))
        .build();
    StringBuilder query = new StringBuilder("{");
    for (int i = 0; i < 25; i++) {
      query.append(" a").append(i).append(": row(n: ").append(i).append(")");
    }
    ExecutionResult result = graphql.execute(query.append(" }").toString());
    assertTrue(result.getErrors().isEmpty(), result.getErrors().toString());
    Map<String, Integer> data = result.getData();
    for (int i = 0; i < 25; i++) {
      assertEquals(i, data.get("a" + i));
    }
    assertTrue(most.get() <= 4, "at most four at once, saw " + most.get());
  }
}
