package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Who may see and act on a case taken in online for the 民政局 (received at the city hall's window): every
 * role against reading (REST and GraphQL alike) and accepting. Out of scope is a 404, never a 403.
 */
class AuthorisationMatrixTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static TestGateway gateway;
  private static String portalToken;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start();
    HttpResponse<String> t = gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "client_credentials").put("client_id", "portal-demo").put("client_secret", "tongban-demo")
        .encode(), "Content-Type", "application/json");
    portalToken = new JsonObject(t.body()).getString("access_token");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static String token(String who) throws Exception {
    return who.equals("portal-demo") ? portalToken : gateway.token(who);
  }

  private static String newCase() throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject().put("matterCode", MATTER)
        .put("channel", "WEB").put("data", gateway.sample(MATTER)).encode(), "Authorization", "Bearer "
        + gateway.token("citizen"), "Content-Type", "application/json");
    return new JsonObject(r.body()).getString("number");
  }

  /** Expected status of reading the case, and of accepting it, per caller. */
  private static final Map<String, int[]> MATRIX = new LinkedHashMap<>();

  static {
    MATRIX.put("citizen", new int[] {200, 403});
    MATRIX.put("clerk", new int[] {200, 200});
    MATRIX.put("clerk.town", new int[] {404, 404});
    MATRIX.put("agent.village", new int[] {404, 404});
    MATRIX.put("reviewer.mzj", new int[] {200, 403});
    MATRIX.put("approver.mzj", new int[] {200, 403});
    MATRIX.put("reviewer.rsj", new int[] {404, 404});
    MATRIX.put("approver.rsj", new int[] {404, 404});
    MATRIX.put("hotline", new int[] {200, 403});
    MATRIX.put("supervisor", new int[] {200, 403});
    MATRIX.put("admin", new int[] {200, 403});
    MATRIX.put("author", new int[] {404, 404});
    MATRIX.put("portal-demo", new int[] {404, 404});
  }

  @TestFactory
  Stream<DynamicTest> everyRoleSeesAndActsOnlyWithinItsScope() throws Exception {
    String shared = newCase();
    return MATRIX.entrySet().stream().flatMap(cell -> {
      String who = cell.getKey();
      int read = cell.getValue()[0];
      int accept = cell.getValue()[1];
      return Stream.of(
          DynamicTest.dynamicTest(who + " reads over REST → " + read, () -> assertEquals(read, gateway.send("GET",
              "/api/v1/applications/" + shared, null, "Authorization", "Bearer " + token(who)).statusCode())),
          DynamicTest.dynamicTest(who + " reads over GraphQL → " + (read == 200 ? "the case" : "not found"), () -> {
            JsonObject r = new JsonObject(gateway.send("POST", "/graphql", new JsonObject().put("query",
                "{ application(number: \"" + shared + "\") { number } }").encode(), "Authorization", "Bearer "
                + token(who), "Content-Type", "application/json").body());
            if (read == 200) {
              assertEquals(shared, r.getJsonObject("data").getJsonObject("application").getString("number"));
            } else {
              assertEquals("application-not-found", r.getJsonArray("errors").getJsonObject(0)
                  .getJsonObject("extensions").getString("code"));
            }
          }),
          DynamicTest.dynamicTest(who + " accepts → " + accept, () -> {
            String fresh = newCase();
            assertEquals(accept, gateway.send("POST", "/api/v1/applications/" + fresh + "/actions",
                "{\"action\":\"accept\"}", "Authorization", "Bearer " + token(who), "Content-Type",
                "application/json").statusCode());
          }));
    });
  }
}
