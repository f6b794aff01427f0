package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A portal signs a citizen in through the real sign-in and consent page on a phone (Chromium), with a standard
 * OpenID Connect client library (Nimbus) on the portal's side: the code comes back to the portal's loopback
 * callback, the portal calls GraphQL as the citizen, refreshes and logs out; the second sign-in skips the
 * remembered consent, and while signed in (the session cookie) the next visit skips the password; a citizen new
 * here signs in through the provincial identity (the button, against a provider the test starts); the citizen
 * then revokes the portal on 我的提醒.
 */
class OidcBrowserTest {
  private static TestGateway gateway;
  private static io.vertx.core.Vertx vertx;
  private static OidcTest.ProvincialIdentity province;
  /** The portal's callback: a loopback page that just says it got the answer (RFC 8252 §7.3, any port). */
  private static HttpServer portal;

  @BeforeAll
  static void start() throws Exception {
    vertx = io.vertx.core.Vertx.vertx();
    province = OidcTest.ProvincialIdentity.start(vertx);
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0",
        "TONGBAN_OIDC_UPSTREAM_ISSUER", province.issuer(), "TONGBAN_OIDC_UPSTREAM_CLIENT_ID",
        OidcTest.ProvincialIdentity.CLIENT, "TONGBAN_OIDC_UPSTREAM_CLIENT_SECRET", OidcTest.ProvincialIdentity.SECRET));
    portal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    portal.createContext("/", exchange -> {
      byte[] page = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>演示门户</title></head>"
          .concat("<body><p id=\"portal\">演示门户已收到登录结果。</p></body></html>").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    portal.start();
  }

  @AfterAll
  static void stop() throws Exception {
    portal.stop(0);
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void aPortalSignsACitizenInOnAPhone() throws Exception {
    OIDCProviderMetadata provider = OIDCProviderMetadata.resolve(new Issuer(gateway.baseUri()));
    URI callback = URI.create("http://127.0.0.1:" + portal.getAddress().getPort() + "/callback");
    ClientID client = new ClientID("demo-portal");
    try (Browser phone = Browser.phone(gateway.port(), "oidc-sign-in")) {
      CodeVerifier verifier = new CodeVerifier();
      State state = new State();
      phone.go(new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid", "profile", "applications"),
          client, callback).endpointURI(provider.getAuthorizationEndpointURI()).state(state).nonce(new Nonce())
          .codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI().toString());
      phone.waitForText("#client-line", "“演示门户（单点登录）”请求使用您的通办账号登录");
      phone.shot("sign-in");

      // A wrong password is said at the form; the right one, with Enter, goes on to the consent screen.
      phone.type("#login", "11010519491231002X").type("#password", "wrong-password\n");
      phone.waitForText("#sign-in-problem", "用户名或密码错误");
      phone.shot("wrong-password");
      phone.type("#password", "tongban-demo\n");
      phone.waitForText("#consent", "以您的名义查询和提交办事申请");
      phone.shot("consent");
      phone.click("#allow");
      phone.waitForText("#portal", "演示门户已收到登录结果");
      phone.shot("back-at-the-portal");

      AuthenticationSuccessResponse back = AuthenticationResponseParser.parse(URI.create(phone.driver().getCurrentUrl()))
          .toSuccessResponse();
      assertEquals(state, back.getState());
      TokenResponse r = OIDCTokenResponseParser.parse(new TokenRequest(provider.getTokenEndpointURI(), client,
          new AuthorizationCodeGrant(back.getAuthorizationCode(), callback, verifier)).toHTTPRequest().send());
      assertTrue(r.indicatesSuccess());
      OIDCTokenResponse tokens = (OIDCTokenResponse) r.toSuccessResponse();
      String bearer = tokens.getOIDCTokens().getBearerAccessToken().toAuthorizationHeader();
      JsonObject me = new JsonObject(gateway.send("POST", "/graphql", new JsonObject().put("query", "{ me }").encode(),
          "Content-Type", "application/json", "Authorization", bearer).body());
      assertEquals("CITIZEN", me.getJsonObject("data").getJsonObject("me").getString("kind"), me.encode());
      TokenResponse refreshed = OIDCTokenResponseParser.parse(new TokenRequest(provider.getTokenEndpointURI(), client,
          new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken())).toHTTPRequest().send());
      assertTrue(refreshed.indicatesSuccess());

      // The portal logs the citizen out: the browser comes back to it, and the tokens stop working.
      State after = new State();
      phone.go(new LogoutRequest(provider.getEndSessionEndpointURI(), tokens.getOIDCTokens().getIDToken(), callback,
          after).toURI().toString());
      phone.waitForText("#portal", "演示门户已收到登录结果");
      assertTrue(phone.driver().getCurrentUrl().endsWith("state=" + after.getValue()));
      assertEquals(401, gateway.send("POST", "/graphql", new JsonObject().put("query", "{ me }").encode(),
          "Content-Type", "application/json", "Authorization",
          refreshed.toSuccessResponse().getTokens().getBearerAccessToken().toAuthorizationHeader()).statusCode());

      // Signing in again: the consent is remembered, so the page goes straight back to the portal.
      phone.go(new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid"), client, callback)
          .endpointURI(provider.getAuthorizationEndpointURI()).state(new State())
          .codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256).build().toURI().toString());
      phone.type("#login", "11010519491231002X").type("#password", "tongban-demo\n");
      phone.waitForText("#portal", "演示门户已收到登录结果");
      assertTrue(phone.driver().getCurrentUrl().contains("code="));

      // Signed in now (the session cookie): the next visit comes back at once, without the password.
      phone.go(new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid"), client, callback)
          .endpointURI(provider.getAuthorizationEndpointURI()).state(new State())
          .codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256).build().toURI().toString());
      phone.waitForText("#portal", "演示门户已收到登录结果");
      assertTrue(phone.driver().getCurrentUrl().contains("code="), phone.driver().getCurrentUrl());
      phone.shot("signed-in-already");

      // A citizen with no account here chooses the provincial identity (prompt=login: the sign-in page, though
      // signed in). The province says too little the first time (no name): the page says why.
      province.person().clear();
      province.person().put("sub", "prov-browser-1").put("idNumber", TestGateway.idNumber("41018319920101456"))
          .put("level", 3);
      CodeVerifier federated = new CodeVerifier();
      String upstreamSignIn = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid", "profile"),
          client, callback).endpointURI(provider.getAuthorizationEndpointURI()).state(new State())
          .codeChallenge(federated, CodeChallengeMethod.S256).prompt(new com.nimbusds.openid.connect.sdk.Prompt("login"))
          .build().toURI().toString();
      phone.go(upstreamSignIn);
      phone.waitForText("#upstream", "使用省统一身份认证登录");
      phone.shot("upstream-button");
      phone.click("#upstream");
      phone.waitForText("#sign-in-problem", "未提供姓名（name），无法为您注册通办账号");
      phone.shot("upstream-refused");
      province.person().put("name", "赵六");
      phone.click("#upstream");
      phone.waitForText("#consent", "读取您的姓名");
      phone.shot("upstream-consent");
      phone.click("#allow");
      phone.waitForText("#portal", "演示门户已收到登录结果");
      AuthenticationSuccessResponse upstreamBack = AuthenticationResponseParser.parse(
          URI.create(phone.driver().getCurrentUrl())).toSuccessResponse();
      OIDCTokenResponse registered = (OIDCTokenResponse) OIDCTokenResponseParser.parse(new TokenRequest(
          provider.getTokenEndpointURI(), client, new AuthorizationCodeGrant(upstreamBack.getAuthorizationCode(), callback,
          federated)).toHTTPRequest().send()).toSuccessResponse();
      JsonObject user = new JsonObject(gateway.send("GET", "/oauth2/userinfo", null, "Authorization",
          registered.getOIDCTokens().getBearerAccessToken().toAuthorizationHeader()).body());
      assertEquals("赵六", user.getString("name"), user.encode());
      assertEquals(3, user.getInteger("real_name_level"));

      // The citizen revokes the portal on 我的提醒.
      phone.go("/public/reminders.html");
      phone.type("#login", "11010519491231002X").type("#password", "tongban-demo\n");
      phone.waitForText("#authorised-portals", "演示门户（单点登录）");
      phone.shot("authorised-portals");
      phone.clickButton("取消授权“演示门户（单点登录）”");
      phone.waitForText("#portals-message", "已取消对“演示门户（单点登录）”的授权");
      phone.shot("portal-revoked");
      assertEquals(java.util.List.of(), phone.pageErrors().stream()
          .filter(e -> !(e.contains("/oauth2/requests/") && e.contains("status of 401"))).toList());
    }
  }
}
