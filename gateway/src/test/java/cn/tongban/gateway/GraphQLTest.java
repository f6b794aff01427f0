package cn.tongban.gateway;

import cn.tongban.client.model.Application;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GraphQL as a third-party portal uses it: same services, same rules, same problems as REST. */
class GraphQLTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final String SUBMIT = """
      mutation($input: SubmitApplicationInput!) {
        submitApplication(input: $input) {
          application { number status matterCode formVersion applicant { name } }
          violations { pointer code message }
          replayed
        }
      }""";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static JsonObject graphql(String token, String query, JsonObject variables, String... headers)
      throws Exception {
    List<String> h = new ArrayList<>(List.of("Content-Type", "application/json"));
    if (token != null) {
      h.addAll(List.of("Authorization", "Bearer " + token));
    }
    h.addAll(List.of(headers));
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables).encode(), h.toArray(String[]::new));
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  @Test
  void pagesTheCatalogueAsARelayConnection() throws Exception {
    String query = """
        query($after: String) {
          matters(first: 2, after: $after) {
            edges { cursor node { code name starLevel department { code name } } }
            pageInfo { hasNextPage endCursor }
          }
        }""";
    List<String> codes = new ArrayList<>();
    String after = null;
    boolean more = true;
    while (more) {
      JsonObject page = graphql(null, query, new JsonObject().put("after", after)).getJsonObject("data")
          .getJsonObject("matters");
      JsonArray edges = page.getJsonArray("edges");
      assertTrue(edges.size() <= 2);
      edges.forEach(e -> codes.add(((JsonObject) e).getJsonObject("node").getString("code")));
      more = page.getJsonObject("pageInfo").getBoolean("hasNextPage");
      after = page.getJsonObject("pageInfo").getString("endCursor");
      if (!edges.isEmpty()) {
        assertEquals(edges.getJsonObject(edges.size() - 1).getString("cursor"), after);
      }
    }
    assertEquals(gateway.count("select count(*) from matter"), codes.size());
    assertEquals(codes.size(), new java.util.HashSet<>(codes).size(), "no matter twice");
  }

  @Test
  void readsOneMatterWithItsPublishedForm() throws Exception {
    JsonObject data = graphql(null, "{ matter(code: \"" + ELDERLY + "\") { name sameCity materials { name required }"
        + " form { version schema } } missing: matter(code: \"nope\") { name } }", new JsonObject())
        .getJsonObject("data");
    JsonObject matter = data.getJsonObject("matter");
    assertEquals("老年人优待证办理", matter.getString("name"));
    assertTrue(matter.getBoolean("sameCity"));
    assertFalse(matter.getJsonArray("materials").isEmpty());
    assertEquals(1, matter.getJsonObject("form").getInteger("version"));
    assertFalse(matter.getJsonObject("form").getJsonObject("schema").getJsonArray("examples").isEmpty());
    assertNull(data.getValue("missing"));
  }

  @Test
  void submitsThroughTheSameServiceAsRest() throws Exception {
    String token = gateway.token("citizen");
    JsonObject input = new JsonObject().put("matterCode", ELDERLY).put("channel", "WEB")
        .put("data", gateway.sample(ELDERLY)).put("idempotencyKey", "gql-1");
    JsonObject payload = graphql(token, SUBMIT, new JsonObject().put("input", input))
        .getJsonObject("data").getJsonObject("submitApplication");
    JsonObject app = payload.getJsonObject("application");
    assertEquals("SUBMITTED", app.getString("status"));
    assertEquals("张三", app.getJsonObject("applicant").getString("name"));
    assertTrue(payload.getJsonArray("violations").isEmpty());
    assertFalse(payload.getBoolean("replayed"));

    // The same case over REST, and an idempotent retry over GraphQL.
    Application overRest = gateway.applications(gateway.as("citizen")).getApplication(app.getString("number"));
    assertEquals(ELDERLY, overRest.getMatterCode());
    JsonObject retry = graphql(token, SUBMIT, new JsonObject().put("input", input))
        .getJsonObject("data").getJsonObject("submitApplication");
    assertEquals(app.getString("number"), retry.getJsonObject("application").getString("number"));
    assertTrue(retry.getBoolean("replayed"));

    JsonObject read = graphql(token, "query($n: String!) { application(number: $n) { number status data } }",
        new JsonObject().put("n", app.getString("number"))).getJsonObject("data").getJsonObject("application");
    assertEquals(gateway.sample(ELDERLY), read.getJsonObject("data"));
  }

  @Test
  void invalidDataComesBackAsViolationsAndStoresNothing() throws Exception {
    long before = gateway.count("select count(*) from application");
    JsonObject data = gateway.sample(ELDERLY);
    data.remove("name");
    data.put("mobile", "0");
    JsonObject payload = graphql(gateway.token("citizen"), SUBMIT, new JsonObject().put("input", new JsonObject()
        .put("matterCode", ELDERLY).put("channel", "WEB").put("data", data)))
        .getJsonObject("data").getJsonObject("submitApplication");
    assertNull(payload.getValue("application"));
    JsonArray violations = payload.getJsonArray("violations");
    assertEquals(java.util.Set.of("/data/name", "/data/mobile"), violations.stream()
        .map(v -> ((JsonObject) v).getString("pointer")).collect(java.util.stream.Collectors.toSet()));
    assertEquals(before, gateway.count("select count(*) from application"));
  }

  @Test
  void portalsReadTheServiceNetworkAndManageAuthorisationsAsOverRest() throws Exception {
    JsonObject tree = graphql(null, "{ halls(tree: true) }", new JsonObject()).getJsonObject("data");
    JsonObject city = tree.getJsonArray("halls").getJsonObject(0);
    assertEquals("CITY", city.getString("level"), "public, the city hall at the root");
    assertEquals(new JsonArray(gateway.send("GET", "/api/v1/halls?view=tree", null).body()), tree.getJsonArray("halls"),
        "the same tree as REST");

    String grant = "mutation($input: JSON!) { grantAuthorisation(input: $input) }";
    JsonObject refused = graphql(gateway.token("citizen"), grant, new JsonObject().put("input", new JsonObject()
        .put("hallCode", "xm-chaohua-v01").put("validUntil", 20261231)));
    JsonObject problem = refused.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions");
    assertEquals("validation-failed", problem.getString("code"), refused.encode());
    assertEquals("/validUntil", problem.getJsonArray("violations").getJsonObject(0).getString("pointer"));

    JsonObject granted = graphql(gateway.token("citizen"), grant, new JsonObject().put("input", new JsonObject()
        .put("hallCode", "xm-chaohua-v01").put("matterCode", ELDERLY).put("validUntil",
            java.time.LocalDate.now().plusDays(30).toString())))
        .getJsonObject("data").getJsonObject("grantAuthorisation");
    assertEquals("ACTIVE", granted.getString("status"));
    JsonArray mine = graphql(gateway.token("citizen"), "{ authorisations }", new JsonObject()).getJsonObject("data")
        .getJsonArray("authorisations");
    assertTrue(mine.stream().map(JsonObject.class::cast).anyMatch(a -> granted.getString("id").equals(a.getString("id"))));
    assertEquals("REVOKED", graphql(gateway.token("citizen"), "mutation($id: String!) { revokeAuthorisation(id: $id) }",
        new JsonObject().put("id", granted.getString("id"))).getJsonObject("data")
        .getJsonObject("revokeAuthorisation").getString("status"));

    assertEquals("forbidden", graphql(gateway.token("clerk"), "{ sameCityStatistics }", new JsonObject())
        .getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"));
    JsonObject stats = graphql(gateway.token("supervisor"), "{ sameCityStatistics(from: \"2026-01-01\") }",
        new JsonObject()).getJsonObject("data").getJsonObject("sameCityStatistics");
    assertTrue(stats.containsKey("total") && stats.containsKey("byIntakeHall"), stats.encode());
    assertEquals("bad-request", graphql(gateway.token("supervisor"), "{ sameCityStatistics(from: \"yesterday\") }",
        new JsonObject()).getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"));
  }

  @Test
  void errorsCarryTheRestProblemInExtensions() throws Exception {
    JsonObject anonymous = graphql(null, "{ application(number: \"4101832026010100000001\") { number } }",
        new JsonObject());
    JsonObject error = anonymous.getJsonArray("errors").getJsonObject(0);
    JsonObject ext = error.getJsonObject("extensions");
    assertEquals("unauthenticated", ext.getString("code"));
    assertEquals(401, ext.getInteger("status"));
    assertNotNull(ext.getString("traceId"));
    assertEquals("需要登录或提供有效的访问令牌", ext.getString("title"));

    JsonObject notMine = graphql(gateway.token("citizen"),
        "{ application(number: \"4101832026010100000001\") { number } }", new JsonObject(), "Accept-Language", "en");
    JsonObject notFound = notMine.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions");
    assertEquals("application-not-found", notFound.getString("code"));
    assertEquals("No such application", notFound.getString("title"));
  }

  @Test
  void overlyDeepOrMalformedQueriesAreRefusedCleanly() throws Exception {
    HttpResponse<String> broken = gateway.send("POST", "/graphql", "{\"query\": \"{ matters(first: 2 { edges",
        "Content-Type", "application/json");
    assertTrue(broken.statusCode() == 400 || broken.statusCode() == 200, broken.body());
    assertFalse(broken.body().contains("Exception"), broken.body());
    JsonObject syntax = graphql(null, "{ matters(first: 2 { edges } }", new JsonObject());
    assertEquals("bad-request", syntax.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getString("code"), "syntax errors carry the problem shape too");
    JsonObject unknownField = graphql(null, "{ matters { nope } }", new JsonObject());
    assertEquals(400, unknownField.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getInteger("status"));
    String deep = "{ matters { edges { node { department { code } } } } }";
    assertTrue(graphql(null, deep, new JsonObject()).getValue("errors") == null, "a reasonable depth is fine");
    JsonObject tooBig = graphql(null, "{ matters(first: 1000) { edges { cursor } } }", new JsonObject());
    assertEquals("bad-request", tooBig.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getString("code"));
  }

  @Test
  void toolsLoadTheSchemaWithTheIntrospectionQueriesTheySend() throws Exception {
    String graphqlJs;
    try (var in = GraphQLTest.class.getResourceAsStream("/graphql/introspection-graphql-js-16.graphql")) {
      graphqlJs = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    for (String query : List.of(graphqlJs, graphql.introspection.IntrospectionQuery.INTROSPECTION_QUERY)) {
      JsonObject answer = graphql(null, query, new JsonObject());
      assertNull(answer.getValue("errors"), answer.encode());
      JsonObject schema = answer.getJsonObject("data").getJsonObject("__schema");
      assertEquals("Query", schema.getJsonObject("queryType").getString("name"));
      JsonObject queryType = schema.getJsonArray("types").stream().map(JsonObject.class::cast)
          .filter(t -> "Query".equals(t.getString("name"))).findFirst().orElseThrow();
      assertTrue(queryType.getJsonArray("fields").stream()
          .anyMatch(f -> "matters".equals(((JsonObject) f).getString("name"))), queryType.encode());
    }
  }

  @Test
  void anExpensiveQueryIsRefusedAloneAndBesideAnIntrospection() throws Exception {
    StringBuilder wide = new StringBuilder();
    for (int i = 0; i < 260; i++) {
      wide.append(" m").append(i).append(": matters(first: 1) { edges { node { code } } }");
    }
    for (String query : List.of("{" + wide + " }", "{ __schema { queryType { name } }" + wide + " }")) {
      JsonObject refused = graphql(null, query, new JsonObject());
      assertNull(refused.getValue("data"), "nothing ran");
      JsonObject error = refused.getJsonArray("errors").getJsonObject(0);
      assertEquals("maximum query complexity exceeded 1040 > 1000", error.getString("message"));
      assertEquals("bad-request", error.getJsonObject("extensions").getString("code"));
    }
    JsonObject cyclic = graphql(null, "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        new JsonObject());
    assertNull(cyclic.getValue("data"), "nothing ran");
    assertEquals("bad-request", cyclic.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getString("code"), cyclic.encode());
  }

  @Test
  void mutationsAreRefusedOverGetAndOddIdempotencyKeysAreViolations() throws Exception {
    String token = gateway.token("citizen");
    String query = java.net.URLEncoder.encode("mutation { submitApplication(input: {matterCode: \"x\", data: {},"
        + " channel: WEB}) { replayed } }", java.nio.charset.StandardCharsets.UTF_8);
    HttpResponse<String> overGet = gateway.send("GET", "/graphql?query=" + query, null, "Authorization",
        "Bearer " + token, "Accept", "application/json");
    JsonObject ext = new JsonObject(overGet.body()).getJsonArray("errors").getJsonObject(0)
        .getJsonObject("extensions");
    assertEquals("method-not-allowed", ext.getString("code"), overGet.body());
    JsonObject payload = graphql(token, SUBMIT, new JsonObject().put("input", new JsonObject()
        .put("matterCode", ELDERLY).put("channel", "WEB").put("data", gateway.sample(ELDERLY))
        .put("idempotencyKey", "带空格 的键"))).getJsonObject("data").getJsonObject("submitApplication");
    assertEquals("/idempotencyKey", payload.getJsonArray("violations").getJsonObject(0).getString("pointer"));
  }
}
