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
  private static io.vertx.core.Vertx vertx;
  private static ProvincialIdentity upstream;

  @BeforeAll
  static void start() throws Exception {
    vertx = io.vertx.core.Vertx.vertx();
    upstream = ProvincialIdentity.start(vertx);
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0",
        "TONGBAN_OIDC_UPSTREAM_ISSUER", upstream.issuer(), "TONGBAN_OIDC_UPSTREAM_CLIENT_ID", ProvincialIdentity.CLIENT,
        "TONGBAN_OIDC_UPSTREAM_CLIENT_SECRET", ProvincialIdentity.SECRET));
    provider = OIDCProviderMetadata.resolve(new Issuer(gateway.baseUri()));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  /**
   * 省统一身份认证 stood in by a tiny provider: discovery, JWKS of a Nimbus-generated P-256 key, an authorization
   * endpoint that signs in {@link #person} at once, and a token endpoint checking the client's secret and PKCE
   * and signing the ID token (subject, identity number, real-name level, nonce).
   */
  record ProvincialIdentity(io.vertx.core.http.HttpServer server, com.nimbusds.jose.jwk.ECKey key,
      Map<String, JsonObject> codes, JsonObject person) {
    static final String CLIENT = "tongban-xinmi";
    static final String SECRET = "provincial-secret";

    static ProvincialIdentity start(io.vertx.core.Vertx vertx) throws Exception {
      com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
          .keyID("prov-1").generate();
      Map<String, JsonObject> codes = new java.util.concurrent.ConcurrentHashMap<>();
      JsonObject person = new JsonObject();
      io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
      int[] port = new int[1];
      java.util.function.Supplier<String> base = () -> "http://127.0.0.1:" + port[0];
      router.get("/.well-known/openid-configuration").handler(rc -> rc.json(new JsonObject()
          .put("issuer", base.get()).put("authorization_endpoint", base.get() + "/authorize")
          .put("token_endpoint", base.get() + "/token").put("jwks_uri", base.get() + "/jwks")));
      router.get("/jwks").handler(rc -> rc.json(new JsonObject(new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK())
          .toJSONObject())));
      router.get("/authorize").handler(rc -> {
        String code = java.util.UUID.randomUUID().toString();
        codes.put(code, new JsonObject().put("nonce", rc.queryParams().get("nonce"))
            .put("challenge", rc.queryParams().get("code_challenge")).put("client", rc.queryParams().get("client_id")));
        rc.redirect(rc.queryParams().get("redirect_uri") + "?code=" + code + "&state=" + rc.queryParams().get("state"));
      });
      router.post("/token").handler(io.vertx.ext.web.handler.BodyHandler.create()).handler(rc -> {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((CLIENT + ":" + SECRET).getBytes());
        JsonObject c = codes.remove(rc.request().getFormAttribute("code"));
        String verifier = rc.request().getFormAttribute("code_verifier");
        if (!basic.equals(rc.request().getHeader("Authorization")) || c == null || verifier == null
            || !com.nimbusds.oauth2.sdk.pkce.CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier)).getValue().equals(c.getString("challenge"))) {
          rc.response().setStatusCode(400).end(new JsonObject().put("error", "invalid_grant").encode());
          return;
        }
        try {
          com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(
              JWSAlgorithm.ES256).keyID("prov-1").build(), new com.nimbusds.jwt.JWTClaimsSet.Builder()
              .issuer(base.get()).subject(person.getString("sub")).audience(CLIENT)
              .issueTime(new java.util.Date()).expirationTime(new java.util.Date(System.currentTimeMillis() + 300_000))
              .claim("nonce", c.getString("nonce")).claim("id_number", person.getString("idNumber"))
              .claim("real_name_level", person.getInteger("level")).build());
          jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(key));
          rc.json(new JsonObject().put("access_token", "x").put("token_type", "Bearer").put("id_token", jwt.serialize()));
        } catch (Exception e) {
          rc.fail(e);
        }
      });
      io.vertx.core.http.HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get();
      port[0] = server.actualPort();
      return new ProvincialIdentity(server, key, codes, person);
    }

    String issuer() {
      return "http://127.0.0.1:" + server.actualPort();
    }
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
  void theProvincialIdentitySignsACitizenIn() throws Exception {
    // A citizen registered here at level 1; the province vouches for them at level 3.
    String idNumber = TestGateway.idNumber("41018319900307123");
    assertEquals(201, gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", idNumber)
        .put("name", "李四").put("phone", "13912345671").put("password", "Li-si-2026-pass").encode(),
        "Content-Type", "application/json").statusCode());
    upstream.person().put("sub", "prov-7f3a").put("idNumber", idNumber).put("level", 3);
    java.net.http.HttpClient browser = java.net.http.HttpClient.newHttpClient();
    URI home = callback(50200);
    for (int round = 1; round <= 2; round++) {
      CodeVerifier verifier = new CodeVerifier();
      Nonce nonce = new Nonce();
      HttpResponse<String> authorize = gateway.send("GET", pathOf(new AuthenticationRequest.Builder(ResponseType.CODE,
          new Scope("openid", "profile"), new ClientID(CLIENT), home).endpointURI(provider.getAuthorizationEndpointURI())
          .state(new State()).nonce(nonce).codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI()), null);
      String req = authorize.headers().firstValue("Location").orElseThrow().replaceFirst(".*req=", "");
      assertEquals("省统一身份认证", TestGateway.ok(gateway.send("GET", "/oauth2/requests/" + req, null))
          .getString("upstream"));
      String toProvince = gateway.send("GET", "/oauth2/requests/" + req + "/upstream", null).headers()
          .firstValue("Location").orElseThrow();
      assertTrue(toProvince.startsWith(upstream.issuer() + "/authorize?"), toProvince);
      String back = browser.send(java.net.http.HttpRequest.newBuilder(URI.create(toProvince)).build(),
          HttpResponse.BodyHandlers.ofString()).headers().firstValue("Location").orElseThrow();
      assertTrue(back.startsWith(gateway.baseUri() + "/oauth2/upstream/callback?"), back);
      String next = gateway.send("GET", pathOf(URI.create(back)), null).headers().firstValue("Location").orElseThrow();
      if (round == 1) {
        // New here: the consent page; the second time it is remembered and the portal gets its code at once.
        assertEquals("/public/signin.html?req=" + req, next);
        assertTrue(TestGateway.ok(gateway.send("GET", "/oauth2/requests/" + req, null)).getBoolean("signedIn"));
        next = TestGateway.ok(gateway.send("POST", "/oauth2/requests/" + req + "/consent",
            new JsonObject().put("allow", true).encode(), "Content-Type", "application/json")).getString("redirect");
      }
      AuthenticationResponse response = AuthenticationResponseParser.parse(URI.create(next));
      assertTrue(response.indicatesSuccess(), next);
      OIDCTokenResponse t = tokens(new Flow(home, verifier, null, nonce,
          response.toSuccessResponse().getAuthorizationCode()));
      IDTokenClaimsSet claims = new IDTokenValidator(provider.getIssuer(), new ClientID(CLIENT), JWSAlgorithm.ES256,
          provider.getJWKSetURI().toURL()).validate(t.getOIDCTokens().getIDToken(), nonce);
      assertEquals(3L, ((Number) claims.getClaim("real_name_level")).longValue());
      assertEquals("李四", claims.getStringClaim("name"));
    }
    assertEquals(1, gateway.count("select count(*) from oidc_federated_link where subject = 'prov-7f3a'"));
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
