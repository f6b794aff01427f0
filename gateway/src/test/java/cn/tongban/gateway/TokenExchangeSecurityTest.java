package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 31 item 4 (token exchange), as a portal would try it: exchange an exchanged token again for a fresh
 * hour, and keep using a derived token after the citizen logged out or changed their password.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenExchangeSecurityTest {
  private static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> token(JsonObject body) throws Exception {
    return gateway.send("POST", "/api/v1/auth/token", body.encode(), "Content-Type", "application/json");
  }

  private static String signIn(String password) throws Exception {
    HttpResponse<String> r = token(new JsonObject().put("grant_type", "password").put("username", "citizen")
        .put("password", password));
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("access_token");
  }

  private static HttpResponse<String> exchange(String subjectToken) throws Exception {
    return token(new JsonObject().put("grant_type", EXCHANGE).put("client_id", "portal-demo")
        .put("client_secret", "tongban-demo").put("subject_token", subjectToken));
  }

  private static String exchanged(String subjectToken) throws Exception {
    HttpResponse<String> r = exchange(subjectToken);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject answer = new JsonObject(r.body());
    assertTrue(answer.getInteger("expires_in") <= 3600, "never longer than the subject token's hour");
    return answer.getString("access_token");
  }

  private static int myCases(String token) throws Exception {
    return gateway.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + token).statusCode();
  }

  @Test
  void anExchangedTokenCannotBeExchangedAgain() throws Exception {
    String derived = exchanged(signIn("tongban-demo"));
    assertEquals(200, myCases(derived));
    HttpResponse<String> again = exchange(derived);
    assertEquals(400, again.statusCode(), again.body());
    JsonObject problem = new JsonObject(again.body());
    assertEquals("bad-request", problem.getString("code"));
    assertEquals("只能用居民本人登录取得的令牌换取代办令牌，换取所得的令牌不能再次换取。", problem.getString("detail"));
  }

  @Test
  void aDerivedTokenEndsWhenTheCitizenLogsOut() throws Exception {
    String own = signIn("tongban-demo");
    String derived = exchanged(own);
    assertEquals(200, myCases(derived));
    HttpResponse<String> out = gateway.send("POST", "/api/v1/auth/logout", null, "Authorization", "Bearer " + own);
    assertEquals(204, out.statusCode(), out.body());
    assertEquals(401, myCases(own));
    assertEquals(401, myCases(derived), "the portal's token ends with the citizen's session");
  }

  @Test
  @Order(100)
  void aDerivedTokenEndsWhenTheCitizenIsDisabled() throws Exception {
    String derived = exchanged(signIn("tongban-demo"));
    assertEquals(200, myCases(derived));
    String admin = gateway.token("admin");
    assertEquals(204, disabled(admin, true).statusCode());
    try {
      assertEquals(401, myCases(derived), "the portal's token ends with the account");
    } finally {
      assertEquals(204, disabled(admin, false).statusCode());
    }
  }

  private static HttpResponse<String> disabled(String admin, boolean disabled) throws Exception {
    return gateway.send("PUT", "/api/v1/accounts/citizen/disabled", new JsonObject().put("disabled", disabled).encode(),
        "Authorization", "Bearer " + admin, "Content-Type", "application/json");
  }

  /** The P-256 group order: (r, n − s) verifies wherever (r, s) does. */
  private static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static BigInteger s(String token) {
    byte[] sig = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    assertEquals(64, sig.length);
    return new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
  }

  @Test
  void aTokensHighSTwinIsRefused() throws Exception {
    String token = signIn("tongban-demo");
    for (int i = 0; i < 8; i++) {
      assertTrue(s(signIn("tongban-demo")).compareTo(N.shiftRight(1)) <= 0, "tokens are issued low-s");
    }
    byte[] sig = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    byte[] high = N.subtract(s(token)).toByteArray();
    byte[] twinSig = Arrays.copyOf(sig, 64);
    Arrays.fill(twinSig, 32, 64, (byte) 0);
    int len = Math.min(high.length, 32);
    System.arraycopy(high, high.length - len, twinSig, 64 - len, len);
    String twin = token.substring(0, token.lastIndexOf('.') + 1)
        + Base64.getUrlEncoder().withoutPadding().encodeToString(twinSig);
    assertEquals(200, myCases(token));
    assertEquals(401, myCases(twin), "the same signature in high-s form is refused");
  }

  @Test
  @Order(Integer.MAX_VALUE) // it changes the demo password the others sign in with
  void aDerivedTokenEndsWhenTheCitizenChangesTheirPassword() throws Exception {
    String own = signIn("tongban-demo");
    String derived = exchanged(own);
    HttpResponse<String> changed = gateway.send("POST", "/api/v1/auth/password", new JsonObject()
            .put("currentPassword", "tongban-demo").put("newPassword", "Another-pass-2026").encode(),
        "Authorization", "Bearer " + own, "Content-Type", "application/json");
    assertTrue(changed.statusCode() / 100 == 2, changed.body());
    assertEquals(401, myCases(derived));
  }
}
