package cn.tongban.gateway.graphql;

import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.execution.instrumentation.Instrumentation;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldCompleteParameters;
import graphql.schema.DataFetcher;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.vertx.ext.web.handler.graphql.instrumentation.JsonObjectAdapter;
import io.vertx.ext.web.handler.graphql.instrumentation.VertxFutureAdapter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lean chain skips only the hooks nobody implements: an instrumentation that has one still sees every field. */
class LeanChainTest {
  private static final String SDL = "type Query { items: [Item] } type Item { name: String, size: Int }";

  private static GraphQL graphql(List<Instrumentation> chain, AtomicInteger fetched) {
    DataFetcher<?> items = env -> {
      fetched.incrementAndGet();
      return List.of(Map.of("name", "甲", "size", 1), Map.of("name", "乙", "size", 2));
    };
    return GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SDL),
            RuntimeWiring.newRuntimeWiring().type("Query", t -> t.dataFetcher("items", items)).build()))
        .instrumentation(new LeanChain(chain)).build();
  }

  @Test
  void theFieldHooksNobodyImplementsAreSkippedAndTheAnswerIsTheSame() {
    List<Instrumentation> ours = List.of(VertxFutureAdapter.create(), new JsonObjectAdapter(), new FetchGate(4),
        new ProblemErrors(), new cn.tongban.gateway.ops.GraphQLMetrics(false));
    LeanChain chain = new LeanChain(ours);
    assertEquals(List.of("beginFieldExecution", "beginFieldFetching", "beginFieldCompletion",
        "beginFieldListCompletion", "beginExecuteObject"), chain.skipped());
    AtomicInteger fetched = new AtomicInteger();
    ExecutionResult result = graphql(ours, fetched).execute("{ items { name size } }");
    assertTrue(result.getErrors().isEmpty(), result.getErrors().toString());
    assertEquals(Map.of("items", List.of(Map.of("name", "甲", "size", 1), Map.of("name", "乙", "size", 2))),
        result.getData());
    assertEquals(1, fetched.get());
  }

  @Test
  void anInstrumentationWithAFieldHookStillSeesEveryField() {
    AtomicInteger completions = new AtomicInteger();
    Instrumentation counting = new SimplePerformantInstrumentation() {
      @Override
      public InstrumentationContext<Object> beginFieldCompletion(InstrumentationFieldCompleteParameters parameters,
          InstrumentationState state) {
        completions.incrementAndGet();
        return SimpleInstrumentationContext.noOp();
      }
    };
    List<Instrumentation> chain = List.of(new FetchGate(4), counting);
    assertTrue(!new LeanChain(chain).skipped().contains("beginFieldCompletion"));
    ExecutionResult result = graphql(chain, new AtomicInteger()).execute("{ items { name size } }");
    assertTrue(result.getErrors().isEmpty(), result.getErrors().toString());
    // items, then name and size of each of the two items.
    assertEquals(5, completions.get());
  }
}
