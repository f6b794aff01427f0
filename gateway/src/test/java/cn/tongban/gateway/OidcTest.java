package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenID Connect provider driven by a standard client library (Nimbus oauth2-oidc-sdk): discovery, the
 * code flow with PKCE (the sign-in and consent page's own calls standing in for the browser, which
 * OidcBrowserTest drives for real), the ID token checked against the JWKS, GraphQL as the citizen, refresh with
 * rotation, revocation, introspection and logout; and the refusals, each with OAuth's own error.
 */
class OidcTest {
  private static final String CLIENT = "demo-portal";
  private static final String CITIZEN_ID = "11010519491231002X";
  private static TestGateway gateway;
  private static OIDCProviderMetadata provider;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"));
    provider = OIDCProviderMetadata.resolve(new Issuer(gateway.baseUri()));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  /** A portal's sign-in as far as the redirect back: the citizen signs in and (when asked) allows it. */
  private record Flow(URI redirect, CodeVerifier verifier, State state, Nonce nonce, AuthorizationCode code) {
  }

  private static URI callback(int port) {
    return URI.create("http://127.0.0.1:" + port + "/callback");
  }

  private static Flow signIn(URI redirect, boolean pkce) throws Exception {
    CodeVerifier verifier = new CodeVerifier();
    State state = new State();
    Nonce nonce = new Nonce();
    AuthenticationRequest.Builder b = new AuthenticationRequest.Builder(ResponseType.CODE,
        new Scope("openid", "profile", "applications"), new ClientID(CLIENT), redirect)
        .endpointURI(provider.getAuthorizationEndpointURI()).state(state).nonce(nonce);
    if (pkce) {
      b.codeChallenge(verifier, CodeChallengeMethod.S256);
    }
    HttpResponse<String> authorize = gateway.send("GET", pathOf(b.build().toURI()), null);
    assertEquals(302, authorize.statusCode());
    String location = authorize.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith("/public/signin.html?req="), location);
    String req = location.substring(location.indexOf("req=") + 4);
    JsonObject request = TestGateway.ok(gateway.send("GET", "/oauth2/requests/" + req, null));
    assertEquals("演示门户（单点登录）", request.getString("clientName"));
    JsonObject answer = TestGateway.ok(gateway.send("POST", "/oauth2/requests/" + req + "/sign-in",
        new JsonObject().put("login", CITIZEN_ID).put("password", "tongban-demo").encode(),
        "Content-Type", "application/json"));
    if (answer.getBoolean("consent", false)) {
      answer = TestGateway.ok(gateway.send("POST", "/oauth2/requests/" + req + "/consent",
          new JsonObject().put("allow", true).encode(), "Content-Type", "application/json"));
    }
    AuthenticationResponse response = AuthenticationResponseParser.parse(URI.create(answer.getString("redirect")));
    assertTrue(response.indicatesSuccess(), answer.encode());
    assertEquals(state, response.getState());
    assertTrue(answer.getString("redirect").startsWith(redirect.toString() + "?"));
    return new Flow(redirect, verifier, state, nonce, response.toSuccessResponse().getAuthorizationCode());
  }

  private static String pathOf(URI uri) {
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  private static TokenResponse token(AuthorizationGrant grant) throws Exception {
    return OIDCTokenResponseParser.parse(new TokenRequest(provider.getTokenEndpointURI(), new ClientID(CLIENT), grant)
        .toHTTPRequest().send());
  }

  private static OIDCTokenResponse tokens(Flow f) throws Exception {
    TokenResponse r = token(new AuthorizationCodeGrant(f.code(), f.redirect(), f.verifier()));
    assertTrue(r.indicatesSuccess(), () -> r.toErrorResponse().getErrorObject().toString());
    return (OIDCTokenResponse) r.toSuccessResponse();
  }

  private static String error(TokenResponse r) {
    assertFalse(r.indicatesSuccess());
    return ((TokenErrorResponse) r).getErrorObject().getCode();
  }

  private static int graphqlMe(BearerAccessToken token) throws Exception {
    return gateway.send("POST", "/graphql", new JsonObject().put("query", "{ me }").encode(),
        "Content-Type", "application/json", "Authorization", token.toAuthorizationHeader()).statusCode();
  }

  private static JsonObject me(BearerAccessToken token) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", "{ me }").encode(),
        "Content-Type", "application/json", "Authorization", token.toAuthorizationHeader());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    return body.getJsonObject("data") == null ? null : body.getJsonObject("data").getJsonObject("me");
  }

  @Test
  void codeFlowWithPkceThenGraphQLRefreshAndLogout() throws Exception {
    assertEquals(gateway.baseUri(), provider.getIssuer().getValue());
    assertTrue(provider.getCodeChallengeMethods().contains(CodeChallengeMethod.S256));
    Flow f = signIn(callback(51234), true);
    OIDCTokenResponse t = tokens(f);

    // The ID token, checked against the advertised JWKS by the library: pairwise subject, real-name level.
    IDTokenValidator validator = new IDTokenValidator(provider.getIssuer(), new ClientID(CLIENT), JWSAlgorithm.ES256,
        provider.getJWKSetURI().toURL());
    JWT idToken = t.getOIDCTokens().getIDToken();
    IDTokenClaimsSet claims = validator.validate(idToken, f.nonce());
    String sub = claims.getSubject().getValue();
    assertNotEquals(CITIZEN_ID, sub);
    assertFalse(sub.matches("[0-9a-f-]{36}"), "the subject is not the account id either: " + sub);
    assertEquals(3L, ((Number) claims.getClaim("real_name_level")).longValue(), "the demo citizen is L3");
    assertEquals("张三", claims.getStringClaim("name"));

    // The access token is the citizen's on the existing APIs.
    BearerAccessToken access = t.getOIDCTokens().getBearerAccessToken();
    JsonObject me = me(access);
    assertEquals("CITIZEN", me.getString("kind"), me.encode());

    // Refresh rotates: the new token works, the old one used again ends the whole sign-in.
    RefreshToken first = t.getOIDCTokens().getRefreshToken();
    TokenResponse refreshed = token(new RefreshTokenGrant(first));
    assertTrue(refreshed.indicatesSuccess());
    BearerAccessToken second = refreshed.toSuccessResponse().getTokens().getBearerAccessToken();
    RefreshToken secondRefresh = refreshed.toSuccessResponse().getTokens().getRefreshToken();
    assertNotEquals(first, secondRefresh);
    assertEquals(200, graphqlMe(second));
    assertNotNull(me(second));
    assertEquals("invalid_grant", error(token(new RefreshTokenGrant(first))));
    assertEquals("invalid_grant", error(token(new RefreshTokenGrant(secondRefresh))));
    assertEquals(401, graphqlMe(second));
    assertEquals(401, graphqlMe(access));

    // RP-initiated logout ends a fresh sign-in's tokens and goes back to the registered address.
    Flow g = signIn(callback(51235), true);
    OIDCTokenResponse u = tokens(g);
    assertEquals(200, graphqlMe(u.getOIDCTokens().getBearerAccessToken()));
    State after = new State();
    URI logout = new LogoutRequest(provider.getEndSessionEndpointURI(), u.getOIDCTokens().getIDToken(),
        callback(51235), after).toURI();
    HttpResponse<String> out = gateway.send("GET", pathOf(logout), null);
    assertEquals(302, out.statusCode());
    assertEquals(callback(51235) + "?state=" + after.getValue(), out.headers().firstValue("Location").orElseThrow());
    assertEquals(401, graphqlMe(u.getOIDCTokens().getBearerAccessToken()));
    assertEquals("invalid_grant", error(token(new RefreshTokenGrant(u.getOIDCTokens().getRefreshToken()))));
  }

  @Test
  void refusalsAreOAuthErrors() throws Exception {
    // An unregistered redirect URI is never redirected to: the person reads the refusal on the sign-in page.
    URI evil = URI.create("https://evil.example/callback");
    HttpResponse<String> r = gateway.send("GET", pathOf(new AuthenticationRequest.Builder(ResponseType.CODE,
        new Scope("openid"), new ClientID(CLIENT), evil).endpointURI(provider.getAuthorizationEndpointURI())
        .state(new State()).codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256).build().toURI()), null);
    assertEquals(302, r.statusCode());
    assertTrue(r.headers().firstValue("Location").orElseThrow().startsWith("/public/signin.html?error=invalid_request"));

    // A public client without PKCE is sent back with invalid_request.
    URI home = callback(50001);
    r = gateway.send("GET", pathOf(new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid"),
        new ClientID(CLIENT), home).endpointURI(provider.getAuthorizationEndpointURI()).state(new State()).build()
        .toURI()), null);
    assertTrue(r.headers().firstValue("Location").orElseThrow().startsWith(home + "?error=invalid_request"));

    // The code with another redirect URI, without or with a wrong verifier: invalid_grant (each burns the code).
    Flow f = signIn(home, true);
    assertEquals("invalid_grant", error(token(new AuthorizationCodeGrant(f.code(), callback(50002), f.verifier()))));
    Flow g = signIn(home, true);
    assertEquals("invalid_grant", error(token(new AuthorizationCodeGrant(g.code(), home, null))));
    Flow h = signIn(home, true);
    assertEquals("invalid_grant", error(token(new AuthorizationCodeGrant(h.code(), home, new CodeVerifier()))));

    // A replayed code is refused and ends the tokens issued from it.
    Flow once = signIn(home, true);
    OIDCTokenResponse t = tokens(once);
    assertEquals(200, graphqlMe(t.getOIDCTokens().getBearerAccessToken()));
    assertEquals("invalid_grant", error(token(new AuthorizationCodeGrant(once.code(), home, once.verifier()))));
    assertEquals(401, graphqlMe(t.getOIDCTokens().getBearerAccessToken()));
    assertEquals("invalid_grant", error(token(new RefreshTokenGrant(t.getOIDCTokens().getRefreshToken()))));

    // An unknown client, and an unknown grant type.
    TokenResponse unknown = OIDCTokenResponseParser.parse(new TokenRequest(provider.getTokenEndpointURI(),
        new ClientID("nobody"), new RefreshTokenGrant(new RefreshToken())).toHTTPRequest().send());
    assertEquals("invalid_client", error(unknown));
    HttpResponse<String> password = gateway.send("POST", "/oauth2/token", "grant_type=password&client_id=" + CLIENT,
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(400, password.statusCode());
    assertEquals("unsupported_grant_type", new JsonObject(password.body()).getString("error"));
  }

  @Test
  void clientsAsDataIntrospectionRevocationAndConsents() throws Exception {
    String admin = gateway.token("admin");
    // An administrator registers a confidential client (a resource server); its secret is shown once.
    HttpResponse<String> put = gateway.send("PUT", "/api/v1/oauth-clients/t-resource-server", new JsonObject()
        .put("name", "示例资源服务器").put("publicClient", false)
        .put("redirectUris", new io.vertx.core.json.JsonArray().add("https://rs.example/cb"))
        .put("scopes", new io.vertx.core.json.JsonArray().add("openid"))
        .put("channels", new io.vertx.core.json.JsonArray().add("WEB")).encode(),
        "Content-Type", "application/json", "Authorization", "Bearer " + admin);
    JsonObject created = TestGateway.ok(put);
    String secret = created.getString("clientSecret");
    assertNotNull(secret);
    JsonObject list = TestGateway.ok(gateway.get("admin", "/api/v1/oauth-clients"));
    assertTrue(list.encode().contains("\"demo-portal\"") && list.encode().contains("t-resource-server"));
    assertFalse(list.encode().contains("clientSecret"));
    HttpResponse<String> bad = gateway.send("PUT", "/api/v1/oauth-clients/t-bad", new JsonObject()
        .put("name", "坏").put("publicClient", true)
        .put("redirectUris", new io.vertx.core.json.JsonArray().add("http://portal.example/cb"))
        .put("scopes", new io.vertx.core.json.JsonArray()).put("channels", new io.vertx.core.json.JsonArray()).encode(),
        "Content-Type", "application/json", "Authorization", "Bearer " + admin);
    assertEquals(422, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains("/redirectUris/0"));

    // Introspection (confidential client), then revocation by the portal (RFC 7009).
    Flow f = signIn(callback(50100), true);
    OIDCTokenResponse t = tokens(f);
    BearerAccessToken access = t.getOIDCTokens().getBearerAccessToken();
    ClientSecretBasic rs = new ClientSecretBasic(new ClientID("t-resource-server"), new Secret(secret));
    TokenIntrospectionResponse seen = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
        provider.getIntrospectionEndpointURI(), rs, access).toHTTPRequest().send());
    TokenIntrospectionSuccessResponse active = seen.toSuccessResponse();
    assertTrue(active.isActive());
    assertEquals(CLIENT, active.getClientID().getValue());
    assertTrue(active.getScope().contains("applications"));
    assertEquals(200, new TokenRevocationRequest(provider.getRevocationEndpointURI(), new ClientID(CLIENT), access)
        .toHTTPRequest().send().getStatusCode());
    assertFalse(TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(provider.getIntrospectionEndpointURI(),
        rs, access).toHTTPRequest().send()).toSuccessResponse().isActive());
    // A public client may not introspect.
    HttpResponse<String> publicIntrospects = gateway.send("POST", "/oauth2/introspect",
        "token=x&client_id=" + CLIENT, "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(401, publicIntrospects.statusCode());
    assertEquals("invalid_client", new JsonObject(publicIntrospects.body()).getString("error"));

    // The citizen lists the portals they allowed and revokes one: its tokens end, and it must ask again.
    JsonObject portals = TestGateway.ok(gateway.get("citizen", "/api/v1/me/authorised-portals"));
    assertTrue(portals.encode().contains("demo-portal"), portals.encode());
    String citizen = gateway.token("citizen");
    assertEquals(204, gateway.send("DELETE", "/api/v1/me/authorised-portals/demo-portal", null,
        "Authorization", "Bearer " + citizen).statusCode());
    assertFalse(TestGateway.ok(gateway.get("citizen", "/api/v1/me/authorised-portals")).encode().contains("demo-portal"));
    assertEquals("invalid_grant", error(token(new RefreshTokenGrant(t.getOIDCTokens().getRefreshToken()))));
  }
}
