package cn.tongban.gateway.graphql;

import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import org.junit.jupiter.api.Test;

import java.util.Map;

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
