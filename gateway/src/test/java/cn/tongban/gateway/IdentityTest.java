package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 一号申请 and its protection: registration, real-name levels, revocation, throttling and rate limits. */
class IdentityTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_CLIENT_RATE_PER_MINUTE", "5"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> register(JsonObject body) throws Exception {
    return gateway.send("POST", "/api/v1/citizens", body.encode(), "Content-Type", "application/json");
  }

  private static String login(String user, String password) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", user).put("password", password).encode(), "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("access_token");
  }

  private static Set<String> pointers(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonArray("violations", new JsonArray()).stream()
        .map(v -> ((JsonObject) v).getString("pointer")).collect(Collectors.toSet());
  }

  @Test
  void registrationChecksTheIdentityNumberAndEveryFieldAtOnce() throws Exception {
    HttpResponse<String> bad = register(new JsonObject().put("idNumber", "110105194912310021").put("name", "李")
        .put("phone", "12345").put("password", "short"));
    assertEquals(422, bad.statusCode(), bad.body());
    assertEquals(Set.of("/idNumber", "/name", "/phone", "/password"), pointers(bad));
    HttpResponse<String> personal = register(new JsonObject().put("idNumber", "440524188001010014")
        .put("name", "李四").put("phone", "13911112222").put("password", "Aa" + "13911112222"));
    assertEquals(Set.of("/password"), pointers(personal), "no phone number inside the password");
  }

  @Test
  void aRegisteredCitizenSignsInByIdentityNumberOrPhoneAndMeetsRealNameLevels() throws Exception {
    HttpResponse<String> r = register(new JsonObject().put("idNumber", "440524188001010014").put("name", "李四")
        .put("phone", "13911110000").put("password", "Mima-2026-xm"));
    assertEquals(201, r.statusCode(), r.body());
    assertEquals(1, new JsonObject(r.body()).getInteger("realNameLevel"));
    assertEquals(409, register(new JsonObject().put("idNumber", "440524188001010014").put("name", "李四")
        .put("phone", "13911110001").put("password", "Mima-2026-xm")).statusCode(), "one identity number, one account");
    String byId = login("440524188001010014", "Mima-2026-xm");
    assertTrue(gateway.count("select count(*) from audit_event where action = 'auth.login'"
        + " and actor like 'address:%'") > 0, "sign-ins are audited with their address");
    String byPhone = login("13911110000", "Mima-2026-xm");
    assertTrue(!byId.isEmpty() && !byPhone.isEmpty());

    JsonObject talent = new JsonObject().put("matterCode", "rsj-talent-housing-subsidy").put("channel", "WEB")
        .put("data", gateway.sample("rsj-talent-housing-subsidy"));
    HttpResponse<String> tooLow = gateway.send("POST", "/api/v1/applications", talent.encode(),
        "Authorization", "Bearer " + byId, "Content-Type", "application/json");
    assertEquals(403, tooLow.statusCode(), tooLow.body());
    assertEquals("real-name-level-too-low", new JsonObject(tooLow.body()).getString("code"));
    assertTrue(new JsonObject(tooLow.body()).getString("detail").contains("不低于 L3"), tooLow.body());
    JsonArray levels = new JsonArray(gateway.send("GET", "/api/v1/real-name-levels", null).body());
    assertEquals(4, levels.size());
    assertEquals("L3", levels.getJsonObject(2).getString("code"), "ranked lowest to highest, named by the province");

    assertEquals(403, gateway.send("PUT", "/api/v1/citizens/440524188001010014/real-name-level",
        "{\"level\":3}", "Authorization", "Bearer " + byId, "Content-Type", "application/json").statusCode(),
        "citizens cannot raise their own level");
    assertEquals(204, gateway.send("PUT", "/api/v1/citizens/440524188001010014/real-name-level",
        "{\"level\":3,\"method\":\"窗口核验\"}", "Authorization", "Bearer " + gateway.token("clerk"),
        "Content-Type", "application/json").statusCode());
    HttpResponse<String> now = gateway.send("POST", "/api/v1/applications", talent.encode(),
        "Authorization", "Bearer " + byId, "Content-Type", "application/json");
    assertEquals(201, now.statusCode(), now.body());
    assertEquals("李四", new JsonObject(now.body()).getJsonObject("applicant").getString("name"));
  }

  @Test
  void loggingOutOrChangingThePasswordStopsOldTokens() throws Exception {
    register(new JsonObject().put("idNumber", "110101199003070054")
        .put("name", "王五").put("phone", "13911119999").put("password", "Mima-2026-ab"));
    String first = login("110101199003070054", "Mima-2026-ab");
    String second = login("110101199003070054", "Mima-2026-ab");
    assertEquals(204, gateway.send("POST", "/api/v1/auth/logout", null, "Authorization", "Bearer " + first)
        .statusCode());
    HttpResponse<String> revoked = gateway.send("GET", "/api/v1/applications", null, "Authorization",
        "Bearer " + first);
    assertEquals(401, revoked.statusCode());
    assertEquals("token-revoked", new JsonObject(revoked.body()).getString("code"));
    assertEquals(200, gateway.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + second)
        .statusCode(), "only the token logged out");
    // The revocation lasts as long as the token would have (it once lapsed after a second).
    Thread.sleep(2_200);
    assertEquals(401, gateway.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + first)
        .statusCode(), "a logged-out token stays refused");

    HttpResponse<String> weak = gateway.send("POST", "/api/v1/auth/password", new JsonObject()
        .put("currentPassword", "Mima-2026-ab").put("newPassword", "weak").encode(), "Authorization",
        "Bearer " + second, "Content-Type", "application/json");
    assertEquals(Set.of("/newPassword"), pointers(weak));
    assertEquals(204, gateway.send("POST", "/api/v1/auth/password", new JsonObject()
        .put("currentPassword", "Mima-2026-ab").put("newPassword", "Xinmi-Mima-9").encode(), "Authorization",
        "Bearer " + second, "Content-Type", "application/json").statusCode());
    assertEquals(401, gateway.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + second)
        .statusCode(), "a password change ends every earlier session");
    gateway.flushRedis();
    assertEquals(401, gateway.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + second)
        .statusCode(), "even if Redis lost its data: the database keeps the token epoch");
    assertEquals(200, gateway.send("GET", "/api/v1/applications", null, "Authorization", "Bearer "
        + login("110101199003070054", "Xinmi-Mima-9")).statusCode());
  }

  @Test
  void failuresFromOneAddressAreThrottledAcrossLogins() throws Exception {
    // A gateway of its own: once an address is locked, every login from it waits, the test's own included.
    try (TestGateway own = TestGateway.start(Map.of("TONGBAN_LOGIN_MAX_FAILURES_PER_ADDRESS", "6"))) {
      throttleFromOneAddress(own);
    }
  }

  private static void throttleFromOneAddress(TestGateway own) throws Exception {
    int throttledAt = -1;
    for (int i = 0; i < 8 && throttledAt < 0; i++) {
      HttpResponse<String> r = own.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
          .put("username", "nobody-" + i).put("password", "x").encode(), "Content-Type", "application/json");
      if (r.statusCode() == 429) {
        throttledAt = i;
        assertTrue(Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow()) > 0);
      } else {
        assertEquals(401, r.statusCode());
      }
    }
    assertEquals(6, throttledAt, "six failures from one address, each for another login, then 429");
    assertEquals(6, own.count("select count(*) from audit_event where action = 'auth.login-failed'"));
  }

  @Test
  void aThirdPartyClientOverItsRateGets429() throws Exception {
    HttpResponse<String> t = gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "client_credentials").put("client_id", "portal-demo").put("client_secret", "tongban-demo")
        .encode(), "Content-Type", "application/json");
    String token = new JsonObject(t.body()).getString("access_token");
    int limited = 0;
    for (int i = 0; i < 8; i++) {
      HttpResponse<String> r = gateway.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + token);
      if (r.statusCode() == 429) {
        limited++;
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
      }
    }
    assertTrue(limited >= 3, "5 calls a minute, then 429 (a minute boundary may reset once): " + limited);
  }

  @Test
  void anEnterpriseAppliesThroughItsLegalRepresentativeOrAnAuthorisedAgent() throws Exception {
    String rep = gateway.token("citizen");
    HttpResponse<String> badCode = gateway.send("POST", "/api/v1/enterprises", new JsonObject()
        .put("creditCode", "91110108551385082R").put("name", "新密示例科技有限公司").encode(),
        "Authorization", "Bearer " + rep, "Content-Type", "application/json");
    assertEquals(Set.of("/creditCode"), pointers(badCode), "GB 32100 check character");
    assertEquals(201, gateway.send("POST", "/api/v1/enterprises", new JsonObject()
        .put("creditCode", "91440300708461136T").put("name", "新密示例科技有限公司").encode(),
        "Authorization", "Bearer " + rep, "Content-Type", "application/json").statusCode());

    register(new JsonObject().put("idNumber", "110101199003070011").put("name", "赵六")
        .put("phone", "13911115555").put("password", "Mima-2026-zl"));
    String agent = login("110101199003070011", "Mima-2026-zl");
    JsonObject forEnterprise = new JsonObject().put("matterCode", "mzj-elderly-preferential-card")
        .put("channel", "WEB").put("data", gateway.sample("mzj-elderly-preferential-card"))
        .put("applicant", new JsonObject().put("kind", "ENTERPRISE").put("creditCode", "91440300708461136T"));
    HttpResponse<String> notYet = gateway.send("POST", "/api/v1/applications", forEnterprise.encode(),
        "Authorization", "Bearer " + agent, "Content-Type", "application/json");
    assertEquals(422, notYet.statusCode());
    assertEquals(Set.of("/applicant/creditCode"), pointers(notYet));
    assertEquals(403, gateway.send("POST", "/api/v1/enterprises/91440300708461136T/agents",
        "{\"idNumber\":\"110101199003070011\"}", "Authorization", "Bearer " + agent,
        "Content-Type", "application/json").statusCode(), "only the legal representative authorises");
    assertEquals(204, gateway.send("POST", "/api/v1/enterprises/91440300708461136T/agents",
        "{\"idNumber\":\"110101199003070011\"}", "Authorization", "Bearer " + rep,
        "Content-Type", "application/json").statusCode());
    HttpResponse<String> applied = gateway.send("POST", "/api/v1/applications", forEnterprise.encode(),
        "Authorization", "Bearer " + agent, "Content-Type", "application/json");
    assertEquals(201, applied.statusCode(), applied.body());
    JsonObject applicant = new JsonObject(applied.body()).getJsonObject("applicant");
    assertEquals("ENTERPRISE", applicant.getString("kind"));
    assertEquals("新密示例科技有限公司", applicant.getString("name"));
    assertEquals("赵六", applicant.getJsonObject("agent").getString("name"));
    String number = new JsonObject(applied.body()).getString("number");
    assertEquals(200, gateway.send("GET", "/api/v1/applications/" + number, null, "Authorization",
        "Bearer " + rep).statusCode(), "the legal representative sees the enterprise's case");
    JsonArray mine = new JsonArray(gateway.send("GET", "/api/v1/enterprises", null, "Authorization",
        "Bearer " + agent).body());
    assertEquals("AGENT", mine.getJsonObject(0).getString("role"));
  }

  @Test
  void staffReadingSomeoneElsesCaseLeavesAnAuditTrail() throws Exception {
    HttpResponse<String> created = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", "mzj-elderly-preferential-card").put("channel", "WEB")
            .put("data", gateway.sample("mzj-elderly-preferential-card")).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    String number = new JsonObject(created.body()).getString("number");
    gateway.send("GET", "/api/v1/applications/" + number, null, "Authorization", "Bearer "
        + gateway.token("reviewer.mzj"));
    gateway.send("GET", "/api/v1/applications/" + number, null, "Authorization", "Bearer "
        + gateway.token("citizen"));
    assertEquals(1, gateway.count("select count(*) from audit_event where action = 'application.read'"
        + " and entity_id = '" + number + "'"), "the reviewer's read, not the applicant's own");
  }
}
