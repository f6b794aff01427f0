package cn.tongban.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 31 item 5 (GraphQL aliases exhausting the pool) and the public-lookup rates of item 7, as an outsider
 * would try them: one anonymous operation with a thousand aliases of a database-backed field, an operation
 * fanning out over pages, a caller and an address sending operations in a loop, a lookup repeated by aliases;
 * and the background jobs still reaching the database while every request connection is taken.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourceLimitsSecurityTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    // Low rates, so that reaching them takes few requests; each test below counts only its own caller or key.
    gateway = TestGateway.start(Map.of("TONGBAN_GRAPHQL_RATE_PER_CALLER", "15",
        "TONGBAN_GRAPHQL_RATE_PER_ADDRESS", "80", "TONGBAN_PUBLIC_LOOKUP_RATE_PER_ADDRESS", "10",
        "TONGBAN_LOGIN_MAX_FAILURES_PER_ADDRESS", "12"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> graphql(String token, String query) throws Exception {
    String body = new JsonObject().put("query", query).encode();
    return token == null
        ? gateway.send("POST", "/graphql", body, "Content-Type", "application/json")
        : gateway.send("POST", "/graphql", body, "Content-Type", "application/json", "Authorization", "Bearer " + token);
  }

  private static String aliases(int n, String field) {
    StringBuilder q = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      q.append(" a").append(i).append(": ").append(field);
    }
    return q.append(" }").toString();
  }

  @Test
  @Order(1)
  void aThousandAliasesAreRefusedWithOneClearProblemBeforeAnythingRuns() throws Exception {
    // As the prober sent it: a database-backed field answering a scalar, so 1,000 fields, within the field count.
    HttpResponse<String> r = graphql(null,
        aliases(1000, "progress(number: \"4101832026000000000001\", queryCode: \"X\")"));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject answer = new JsonObject(r.body());
    JsonArray errors = answer.getJsonArray("errors");
    assertEquals(1, errors.size(), () -> "one problem, not one per alias: " + r.body().substring(0, 300));
    JsonObject problem = errors.getJsonObject(0).getJsonObject("extensions");
    assertEquals("bad-request", problem.getString("code"));
    assertEquals("一次查询最多 30 个别名字段，本次有 1,000 个；请分多次查询。", problem.getString("detail"));
    assertFalse(r.body().contains("pool"), "no pool errors");
    assertTrue(answer.getValue("data") == null, "nothing ran");
  }

  @Test
  @Order(2)
  void normalQueriesStillWorkAndManyFetchesRunInTurn() throws Exception {
    // 25 aliases of a database-backed field: under the cap; they run four at a time, and all answer.
    HttpResponse<String> r = graphql(null, aliases(25, "matter(code: \"" + MATTER + "\") { code name }"));
    JsonObject data = new JsonObject(r.body()).getJsonObject("data");
    assertNotNull(data, r.body());
    for (int i = 0; i < 25; i++) {
      assertEquals(MATTER, data.getJsonObject("a" + i).getString("code"), r.body());
    }
    HttpResponse<String> mine = graphql(gateway.token("citizen"),
        "{ applications(first: 20) { edges { node { number steps { stepName } } } } }");
    assertFalse(mine.body().contains("\"errors\""), mine.body());
  }

  @Test
  @Order(3)
  void fieldsFetchedOncePerPageElementCostAsMuch() throws Exception {
    // Three pages of 100 cases, each case's steps and rating fetched: about 600 fetches, without an alias cap hit.
    String page = "applications(first: 100) { edges { node { steps { stepName } rating } } }";
    HttpResponse<String> r = graphql(gateway.token("citizen"), "{ a: " + page + " b: " + page + " c: " + page + " }");
    JsonObject problem = new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0).getJsonObject("extensions");
    assertEquals("bad-request", problem.getString("code"), r.body());
    assertEquals("一次查询最多读取数据 250 次，本次约需 603 次；请减少字段或分页查询。", problem.getString("detail"));
  }

  @Test
  @Order(4)
  void aCallerSendingOperationsInALoopIsThrottledAndOthersAreNot() throws Exception {
    String supervisor = gateway.token("supervisor");
    HttpResponse<String> last = null;
    for (int i = 0; i < 16; i++) {
      last = graphql(supervisor, "{ me }");
    }
    assertEquals(429, last.statusCode(), last.body());
    JsonObject problem = new JsonObject(last.body());
    assertEquals("too-many-requests", problem.getString("code"));
    assertTrue(last.headers().firstValue("Retry-After").isPresent());
    assertEquals(200, graphql(gateway.token("citizen"), "{ me }").statusCode(), "another caller goes on");
  }

  @Test
  @Order(5)
  void publicLookupsAreCountedPerAliasAndAcrossBothApis() throws Exception {
    // Ten lookups a minute per address: eleven aliases of progress, the eleventh refused.
    HttpResponse<String> r = graphql(null, aliases(11, "progress(number: \"TB-NONE\", queryCode: \"000000\")"));
    JsonArray errors = new JsonObject(r.body()).getJsonArray("errors");
    assertNotNull(errors, r.body());
    assertEquals(1, errors.size(), r.body());
    assertEquals("too-many-requests", errors.getJsonObject(0).getJsonObject("extensions").getString("code"));
    HttpResponse<String> verify = gateway.send("POST", "/api/v1/licences/verify",
        new JsonObject().put("identifier", "11410183MB0000001X").encode(), "Content-Type", "application/json");
    assertEquals(429, verify.statusCode(), verify.body());
    HttpResponse<String> progress = gateway.send("GET", "/api/v1/applications/TB-NONE/progress?queryCode=000000", null);
    assertEquals(429, progress.statusCode(), progress.body());
  }

  @Test
  @Order(6)
  void backgroundJobsHaveConnectionsOfTheirOwn() throws Exception {
    // Every connection requests use is taken (as a flood would); the audit sealer still seals.
    var pool = gateway.platform().pool();
    List<SqlConnection> held = new ArrayList<>();
    try {
      for (int i = 0; i < gateway.platform().config().pgPoolSize(); i++) {
        held.add(pool.getConnection().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      }
      gateway.platform().auditChain().sealAll().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      Future.join(held.stream().map(SqlConnection::close).toList()).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(7)
  void anAddressSendingOperationsInALoopIsThrottled() throws Exception {
    HttpResponse<String> r = null;
    for (int i = 0; i < 200 && (r == null || r.statusCode() != 429); i++) {
      r = graphql(null, "{ matters(first: 1) { edges { node { code } } } }");
    }
    assertEquals(429, r.statusCode(), r.body());
    assertEquals("too-many-requests", new JsonObject(r.body()).getString("code"));
  }

  private static HttpResponse<String> signIn(String login, String password) throws Exception {
    return gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", login).put("password", password).encode(), "Content-Type", "application/json");
  }

  @Test
  @Order(8)
  void fiveWrongGuessesLockTheAccountWhicheverOfItsLoginsIsTyped() throws Exception {
    String id = TestGateway.idNumber("44052419900307123");
    String phone = "13912340307";
    HttpResponse<String> registered = gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", id)
        .put("name", "李四").put("phone", phone).put("password", "Strong-pass-2026x").encode(),
        "Content-Type", "application/json");
    assertEquals(201, registered.statusCode(), registered.body());
    // Five guesses, spread over the two logins of one account (three by identity number, two by phone).
    for (String login : List.of(id, phone, id, phone, id)) {
      assertEquals(401, signIn(login, "wrong-guess-1").statusCode());
    }
    HttpResponse<String> locked = signIn(phone, "Strong-pass-2026x");
    assertEquals(429, locked.statusCode(), "the account is locked, whichever login comes next: " + locked.body());
    assertEquals("too-many-requests", new JsonObject(locked.body()).getString("code"));
  }

  @Test
  @Order(9)
  void aGuesserBehindASharedAddressDoesNotLockOutThoseWhoSignInThere() throws Exception {
    assertEquals(200, signIn("clerk", "tongban-demo").statusCode(), "the clerk signs in here every day");
    // Someone at the same address guesses across accounts until the address is over its limit.
    HttpResponse<String> r = null;
    for (int i = 0; i < 20 && (r == null || r.statusCode() != 429); i++) {
      r = signIn("nobody-" + i, "guess");
    }
    assertEquals(429, r.statusCode(), r.body());
    assertEquals(429, signIn("approver.rsj", "tongban-demo").statusCode(),
        "an account that never signed in from here waits, as the guesser does");
    assertEquals(200, signIn("clerk", "tongban-demo").statusCode(), "the clerk still signs in");
  }
}
