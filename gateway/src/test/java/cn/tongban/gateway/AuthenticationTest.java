package cn.tongban.gateway;

import cn.tongban.client.ApiException;
import cn.tongban.client.api.AuthApi;
import cn.tongban.client.model.TokenRequest;
import cn.tongban.client.model.TokenResponse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token endpoint, as people and third-party channels use it. */
class AuthenticationTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_LOGIN_MAX_FAILURES", "3", "TONGBAN_LOGIN_LOCK_SECONDS", "120"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void personGetsABearerTokenThatOpensTheirCases() throws Exception {
    TokenResponse token = new AuthApi(gateway.anonymous()).issueToken(new TokenRequest()
        .grantType("password").username("citizen").password("tongban-demo"));
    assertEquals(TokenResponse.TokenTypeEnum.BEARER, token.getTokenType());
    assertEquals(3600, token.getExpiresIn());
    HttpResponse<String> mine = gateway.send("GET", "/api/v1/applications", null,
        "Authorization", "Bearer " + token.getAccessToken());
    assertEquals(200, mine.statusCode(), mine.body());
  }

  @Test
  void citizenMaySignInWithTheirIdentityNumber() throws Exception {
    TokenResponse token = new AuthApi(gateway.anonymous()).issueToken(new TokenRequest()
        .grantType("password").username("11010519491231002X").password("tongban-demo"));
    assertTrue(token.getAccessToken().length() > 20);
  }

  @Test
  void formEncodedRequestsWorkAsRfc6749Describes() throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/api/v1/auth/token",
        "grant_type=client_credentials&client_id=portal-demo&client_secret=tongban-demo",
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("Bearer", new JsonObject(r.body()).getString("token_type"));
  }

  @Test
  void aThirdPartyChannelActsForACitizenOnlyWithTheCitizensOwnToken() throws Exception {
    JsonObject clientCredentials = new JsonObject().put("client_id", "portal-demo").put("client_secret", "tongban-demo");
    String clientToken = new JsonObject(gateway.send("POST", "/api/v1/auth/token", clientCredentials.copy()
        .put("grant_type", "client_credentials").encode(), "Content-Type", "application/json").body())
        .getString("access_token");
    JsonObject body = new JsonObject().put("matterCode", "mzj-elderly-preferential-card")
        .put("data", gateway.sample("mzj-elderly-preferential-card"))
        .put("applicant", new JsonObject().put("name", "赵六").put("idNumber", "440524188001010014"));
    HttpResponse<String> alone = gateway.send("POST", "/api/v1/applications", body.copy().put("channel", "WEB")
        .encode(), "Authorization", "Bearer " + clientToken, "Content-Type", "application/json");
    assertEquals(403, alone.statusCode(), "a portal cannot apply for whomever it names");

    HttpResponse<String> forged = gateway.send("POST", "/api/v1/auth/token", clientCredentials.copy()
        .put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange").put("subject_token", clientToken)
        .encode(), "Content-Type", "application/json");
    assertEquals(401, forged.statusCode(), "only a citizen's token can be exchanged");
    HttpResponse<String> exchanged = gateway.send("POST", "/api/v1/auth/token", clientCredentials.copy()
        .put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
        .put("subject_token", gateway.token("citizen")).encode(), "Content-Type", "application/json");
    assertEquals(200, exchanged.statusCode(), exchanged.body());
    String acting = new JsonObject(exchanged.body()).getString("access_token");
    JsonObject own = new JsonObject().put("matterCode", "mzj-elderly-preferential-card").put("channel", "MINI_PROGRAM")
        .put("data", gateway.sample("mzj-elderly-preferential-card"));
    HttpResponse<String> web = gateway.send("POST", "/api/v1/applications", own.encode(),
        "Authorization", "Bearer " + acting, "Content-Type", "application/json");
    assertEquals(201, web.statusCode(), web.body());
    assertEquals("张三", new JsonObject(web.body()).getJsonObject("applicant").getString("name"),
        "for the citizen whose token it was");
    HttpResponse<String> window = gateway.send("POST", "/api/v1/applications", own.copy().put("channel", "WINDOW")
        .encode(), "Authorization", "Bearer " + acting, "Content-Type", "application/json");
    assertEquals(403, window.statusCode());

    // A kiosk client granted only the catalogue may not act for citizens.
    gateway.execute("insert into api_client (client_id, secret_hash, name, channels, scopes) values ('kiosk-lobby', '"
        + cn.tongban.core.identity.PasswordHasher.hash("kiosk-secret-1") + "', '大厅自助机', '{KIOSK}', '{catalogue}')");
    HttpResponse<String> noScope = gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange").put("client_id", "kiosk-lobby")
        .put("client_secret", "kiosk-secret-1").put("subject_token", gateway.token("citizen")).encode(),
        "Content-Type", "application/json");
    assertEquals(403, noScope.statusCode(), noScope.body());
  }

  @Test
  void wrongPasswordIsA401AndRepeatedFailuresAreThrottled() throws Exception {
    AuthApi auth = new AuthApi(gateway.anonymous());
    TokenRequest wrong = new TokenRequest().grantType("password")
        .username("clerk.town").password("guess");
    for (int i = 0; i < 3; i++) {
      ApiException e = assertThrows(ApiException.class, () -> auth.issueToken(wrong));
      assertEquals(401, e.getCode());
      assertEquals("invalid-credentials", new JsonObject(e.getResponseBody()).getString("code"));
    }
    ApiException throttled = assertThrows(ApiException.class, () -> auth.issueToken(wrong));
    assertEquals(429, throttled.getCode());
    assertTrue(Integer.parseInt(throttled.getResponseHeaders().firstValue("Retry-After").orElseThrow()) > 0);
    // Even the right password waits until the lock ends: guessing gains nothing.
    ApiException stillLocked = assertThrows(ApiException.class, () -> auth.issueToken(new TokenRequest()
        .grantType("password").username("clerk.town").password("tongban-demo")));
    assertEquals(429, stillLocked.getCode());
  }

  @Test
  void unknownUserAndUnknownGrantAreClearProblems() throws Exception {
    ApiException unknown = assertThrows(ApiException.class, () -> new AuthApi(gateway.anonymous()).issueToken(
        new TokenRequest().grantType("password").username("nobody").password("x")));
    assertEquals(401, unknown.getCode());
    HttpResponse<String> grant = gateway.send("POST", "/api/v1/auth/token", "{\"grant_type\":\"implicit\"}",
        "Content-Type", "application/json");
    assertEquals(400, grant.statusCode());
    assertEquals("unsupported-grant-type", new JsonObject(grant.body()).getString("code"));
    HttpResponse<String> formGrant = gateway.send("POST", "/api/v1/auth/token", "grant_type=implicit",
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals("unsupported-grant-type", new JsonObject(formGrant.body()).getString("code"),
        "the same answer whichever body form");
    HttpResponse<String> missing = gateway.send("POST", "/api/v1/auth/token", "{\"grant_type\":\"password\"}",
        "Content-Type", "application/json", "Accept-Language", "en");
    assertEquals(400, missing.statusCode());
    assertTrue(new JsonObject(missing.body()).getString("detail").contains("username"));
  }
}
