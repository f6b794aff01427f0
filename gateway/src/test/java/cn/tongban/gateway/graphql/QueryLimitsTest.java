package cn.tongban.gateway.graphql;

import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The depth limit as a client meets it, on a schema whose types nest without end (ours does not, yet). */
class QueryLimitsTest {
  private static final GraphQL GRAPHQL = GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(
          new SchemaParser().parse("type Query { node: Node } type Node { name: String child: Node }"),
          RuntimeWiring.newRuntimeWiring().type("Query", t -> t.dataFetcher("node", env -> Map.of("name", "根")))
              .build()))
      .instrumentation(new QueryLimits(12, 1000, 30, 250))
      .build();

  private static String nested(int depth) {
    return "node {" + " child {".repeat(depth - 2) + " name" + " }".repeat(depth - 1);
  }

  @Test
  void aQueryDeeperThanTheLimitIsRefusedWithOrWithoutAnIntrospectionBesideIt() {
    ExecutionResult twelve = GRAPHQL.execute("{ " + nested(12) + " }");
    assertTrue(twelve.getErrors().isEmpty(), twelve.getErrors().toString());
    Map<String, Map<String, Object>> data = twelve.getData();
    assertTrue(data.get("node").containsKey("child"), "it ran");
    for (String query : new String[] {"{ " + nested(13) + " }",
        "{ __schema { queryType { name } } " + nested(13) + " }"}) {
      ExecutionResult refused = GRAPHQL.execute(query);
      assertNull(refused.getData(), "nothing ran");
      assertEquals("maximum query depth exceeded 13 > 12", refused.getErrors().get(0).getMessage());
    }
  }

  /** A list sized by a variable, and a fetched field under it that a variable may skip. */
  private static final GraphQL SIZED = GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(
          new SchemaParser().parse("type Query { items(first: Int, name: String): [Item] }"
              + " type Item { name: String detail: Item }"),
          RuntimeWiring.newRuntimeWiring()
              .type("Query", t -> t.dataFetcher("items", env -> List.of(Map.of("name", "一"))))
              .type("Item", t -> t.dataFetcher("detail", env -> Map.of("name", "二")))
              .build()))
      .instrumentation(new QueryLimits(12, 1000, 30, 250))
      .preparsedDocumentProvider(new DocumentCache())
      .build();

  @Test
  void aRepeatedQueryTextIsSizedByTheVariablesThatSizeIt() {
    String query = "query Q($n: Int, $deep: Boolean!, $name: String) {"
        + " items(first: $n, name: $name) { name detail @include(if: $deep) { name } } }";
    assertEquals(Set.of("n", "deep"), OperationSizes.sizingVariables(graphql.parser.Parser.parse(query)));
    // Each verdict in turn on the same text: a size kept for one set of values never answers for another.
    Object[][] cases = {{5, true, true}, {500, true, false}, {500, false, true}, {500, true, false},
        {5, true, true}, {249, true, true}, {250, true, false}};
    for (Object[] c : cases) {
      for (String name : new String[] {"甲", "乙"}) {
        ExecutionResult r = SIZED.execute(graphql.ExecutionInput.newExecutionInput(query)
            .variables(Map.of("n", c[0], "deep", c[1], "name", name)).build());
        assertEquals(c[2], r.getErrors().isEmpty(), c[0] + "/" + c[1] + ": " + r.getErrors());
      }
    }
  }

  @Test
  void aQueryThatDoesNotValidateIsRefusedEveryTime() {
    for (int i = 0; i < 3; i++) {
      ExecutionResult r = SIZED.execute("{ items { nope } }");
      assertNull(r.getData());
      assertEquals(1, r.getErrors().size(), r.getErrors().toString());
    }
  }

  @Test
  void introspectionNestsAsDeepAsTypeReferencesNeed() {
    String ofTypes = " ofType {".repeat(10) + " name" + " }".repeat(10);
    ExecutionResult answer = GRAPHQL.execute("{ __schema { types { fields { type {" + ofTypes + " } } } } }");
    assertTrue(answer.getErrors().isEmpty(), answer.getErrors().toString());
  }

  @Test
  void typeNamesCountAsFieldsWithoutAFetch() {
    ExecutionResult answer = GRAPHQL.execute("{ __typename node { __typename name } }");
    assertTrue(answer.getErrors().isEmpty(), answer.getErrors().toString());
  }
}
