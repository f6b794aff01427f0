package cn.tongban.gateway;

import cn.tongban.plugin.CreditCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 31 item 6, as a stranger would try it: claiming to be the legal representative of an enterprise
 * that is not theirs. A claim the registration data confirms is verified at once, one it contradicts is
 * refused, one it lacks waits for a window clerk; a claim not verified acts for no one and blocks no one.
 */
class EnterpriseClaimSecurityTest {
  /** The demo enterprise: 市场监管's registration (seeded) names 张三 as its legal representative. */
  private static final String DEMO = "91440300708461136T";
  private static TestGateway gateway;
  private static String li;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of());
    HttpResponse<String> r = gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber",
            "440524188001010014").put("name", "李四").put("phone", "13911110000").put("password", "Mima-2026-xm")
        .encode(), "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    li = new JsonObject(gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", "440524188001010014").put("password", "Mima-2026-xm").encode(),
        "Content-Type", "application/json").body()).getString("access_token");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> asLi(String method, String path, JsonObject body) throws Exception {
    return gateway.send(method, path, body == null ? null : body.encode(), "Authorization", "Bearer " + li,
        "Content-Type", "application/json");
  }

  private static JsonObject claim(String code) {
    return new JsonObject().put("creditCode", code).put("name", "新密某某商贸有限公司");
  }

  @Test
  void theRegistrationDataDecidesWhoRepresentsARegisteredEnterprise() throws Exception {
    HttpResponse<String> stranger = asLi("POST", "/api/v1/enterprises", claim(DEMO));
    assertEquals(403, stranger.statusCode(), stranger.body());
    assertEquals("市场监管部门登记的该企业法定代表人不是您，不能以法定代表人身份登记该企业。",
        new JsonObject(stranger.body()).getString("detail"));

    HttpResponse<String> own = gateway.post("citizen", "/api/v1/enterprises", claim(DEMO));
    assertEquals(201, own.statusCode(), own.body());
    assertEquals("VERIFIED", new JsonObject(own.body()).getString("status"));
    assertEquals("新密示例科技有限公司", new JsonObject(own.body()).getString("name"), "the registered name");
    assertEquals(409, asLi("POST", "/api/v1/enterprises", claim(DEMO)).statusCode());

    // A claim made before the registration data had the enterprise is settled once its representative claims.
    String later = CreditCode.withCheck("91410183MA47LT" + String.format("%03d", System.nanoTime() % 1000));
    assertEquals(202, asLi("POST", "/api/v1/enterprises", claim(later)).statusCode());
    assertEquals(200, gateway.send("PUT", "/api/v1/admin/datasets/scjg-enterprise", new JsonObject()
        .put("records", new JsonArray().add(new JsonObject().put("subjectKey", later).put("record", new JsonObject()
            .put("name", "新密市后登记有限公司").put("legalRepresentativeIdNumber", "11010519491231002X")))).encode(),
        "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json").statusCode());
    assertEquals(201, gateway.post("citizen", "/api/v1/enterprises", claim(later)).statusCode());
    JsonObject lis = new JsonArray(asLi("GET", "/api/v1/enterprises", null).body()).stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("creditCode").equals(later)).findFirst().orElseThrow();
    assertEquals("REFUSED", lis.getString("status"), lis.encode());
  }

  @Test
  void aClaimWithoutARecordActsForNoOneUntilAWindowClerkVerifiesIt() throws Exception {
    String code = CreditCode.withCheck("91410183MA47QC" + String.format("%03d", System.nanoTime() % 1000));
    HttpResponse<String> first = asLi("POST", "/api/v1/enterprises", claim(code));
    assertEquals(202, first.statusCode(), first.body());
    JsonObject pending = new JsonObject(first.body());
    assertEquals("PENDING", pending.getString("status"));

    // Until verified: no agents, no applications for it.
    HttpResponse<String> authorise = asLi("POST", "/api/v1/enterprises/" + code + "/agents",
        new JsonObject().put("idNumber", "11010519491231002X"));
    assertEquals(403, authorise.statusCode(), authorise.body());
    HttpResponse<String> apply = asLi("POST", "/api/v1/applications", new JsonObject()
        .put("matterCode", "mzj-elderly-preferential-card").put("channel", "WEB")
        .put("data", gateway.sample("mzj-elderly-preferential-card"))
        .put("applicant", new JsonObject().put("kind", "ENTERPRISE").put("creditCode", code)));
    assertEquals(422, apply.statusCode(), apply.body());

    // The first claimant holds nothing: the real representative claims too.
    HttpResponse<String> second = gateway.post("citizen", "/api/v1/enterprises", claim(code));
    assertEquals(202, second.statusCode(), second.body());
    String real = new JsonObject(second.body()).getString("claimId");

    assertEquals(403, gateway.get("agent.village", "/api/v1/enterprise-claims").statusCode(), "clerks only");
    assertEquals(403, asLi("GET", "/api/v1/enterprise-claims", null).statusCode());
    HttpResponse<String> listed = gateway.get("clerk", "/api/v1/enterprise-claims");
    assertEquals(200, listed.statusCode(), listed.body());
    JsonArray items = new JsonObject(listed.body()).getJsonArray("items");
    assertTrue(items.stream().map(JsonObject.class::cast).anyMatch(c -> c.getString("id").equals(real)
        && c.getJsonObject("claimant").getString("name").equals("张三")), items.encode());

    HttpResponse<String> noReason = gateway.post("clerk", "/api/v1/enterprise-claims/" + real + "/decision",
        new JsonObject().put("decision", "REFUSE"));
    assertEquals(422, noReason.statusCode(), noReason.body());
    HttpResponse<String> verified = gateway.post("clerk", "/api/v1/enterprise-claims/" + real + "/decision",
        new JsonObject().put("decision", "VERIFY"));
    assertEquals(200, verified.statusCode(), verified.body());
    assertEquals("VERIFIED", new JsonObject(verified.body()).getString("status"));

    // The other claim is refused with the verification; deciding it again finds nothing pending.
    JsonObject lis = new JsonArray(asLi("GET", "/api/v1/enterprises", null).body()).stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("creditCode").equals(code)).findFirst().orElseThrow();
    assertEquals("REFUSED", lis.getString("status"));
    assertEquals(404, gateway.post("clerk", "/api/v1/enterprise-claims/" + pending.getString("claimId")
        + "/decision", new JsonObject().put("decision", "VERIFY")).statusCode());
    assertEquals(204, gateway.post("citizen", "/api/v1/enterprises/" + code + "/agents",
        new JsonObject().put("idNumber", "440524188001010014")).statusCode(), "verified: it authorises agents");
  }
}
