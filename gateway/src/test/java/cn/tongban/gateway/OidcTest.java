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
  /**
   * The issuer from configuration (TONGBAN_OIDC_ISSUER), as behind a proxy: {@code localhost}, while the test's
   * own requests reach the gateway at 127.0.0.1 and must still be told this issuer.
   */
  private static String issuer;

  @BeforeAll
  static void start() throws Exception {
    vertx = io.vertx.core.Vertx.vertx();
    upstream = ProvincialIdentity.start(vertx);
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    issuer = "http://localhost:" + port;
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_HTTP_PORT", String.valueOf(port),
        "TONGBAN_OIDC_ISSUER", issuer + "/",
        "TONGBAN_OIDC_UPSTREAM_ISSUER", upstream.issuer(), "TONGBAN_OIDC_UPSTREAM_CLIENT_ID", ProvincialIdentity.CLIENT,
        "TONGBAN_OIDC_UPSTREAM_CLIENT_SECRET", ProvincialIdentity.SECRET));
    provider = OIDCProviderMetadata.resolve(new Issuer(issuer));
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
              .claim("name", person.getString("name")).claim("real_name_level", person.getInteger("level")).build());
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
    // The configured issuer, whatever address the request came to.
    assertEquals(issuer, provider.getIssuer().getValue());
    JsonObject discovery = TestGateway.ok(gateway.send("GET", "/.well-known/openid-configuration", null));
    assertEquals(issuer, discovery.getString("issuer"));
    assertEquals(issuer + "/oauth2/userinfo", discovery.getString("userinfo_endpoint"));
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
    upstream.person().clear();
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
      assertTrue(back.startsWith(issuer + "/oauth2/upstream/callback?"), back);
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

  /** An authorization request for the demo portal, as a browser with {@code cookie} (or none) sends it. */
  private static HttpResponse<String> authorize(URI home, Scope scope, CodeVerifier verifier, Nonce nonce,
      String cookie, String... extra) throws Exception {
    // Without openid it is a plain OAuth request (the OpenID Connect builder insists on openid).
    String uri = pathOf(scope.contains("openid")
        ? new AuthenticationRequest.Builder(ResponseType.CODE, scope, new ClientID(CLIENT), home)
            .endpointURI(provider.getAuthorizationEndpointURI()).state(new State()).nonce(nonce)
            .codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI()
        : new com.nimbusds.oauth2.sdk.AuthorizationRequest.Builder(ResponseType.CODE, new ClientID(CLIENT))
            .redirectionURI(home).scope(scope).endpointURI(provider.getAuthorizationEndpointURI()).state(new State())
            .codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI());
    for (int i = 0; i < extra.length; i += 2) {
      uri += "&" + extra[i] + "=" + extra[i + 1];
    }
    return cookie == null ? gateway.send("GET", uri, null) : gateway.send("GET", uri, null, "Cookie", cookie);
  }

  @Test
  void aSignInSessionSkipsThePasswordUntilLogoutAndUserinfoTellsWhatTheScopesAllow() throws Exception {
    URI home = callback(50300);
    // The password sign-in, as the page sends it, answers the session as a cookie (never a token).
    HttpResponse<String> first = authorize(home, new Scope("openid", "profile", "applications"), new CodeVerifier(),
        new Nonce(), null);
    String req = first.headers().firstValue("Location").orElseThrow().replaceFirst(".*req=", "");
    HttpResponse<String> signedIn = gateway.send("POST", "/oauth2/requests/" + req + "/sign-in",
        new JsonObject().put("login", CITIZEN_ID).put("password", "tongban-demo").encode(),
        "Content-Type", "application/json");
    JsonObject answer = TestGateway.ok(signedIn);
    assertFalse(answer.containsKey("session"), answer.encode());
    String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.startsWith("tongban_sso="), setCookie);
    for (String attribute : new String[] {"path=/oauth2", "httponly", "secure", "samesite=lax", "max-age=28800"}) {
      assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains(attribute), setCookie);
    }
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    if (answer.getBoolean("consent", false)) {
      TestGateway.ok(gateway.send("POST", "/oauth2/requests/" + req + "/consent",
          new JsonObject().put("allow", true).encode(), "Content-Type", "application/json"));
    }

    // A second authorize with the cookie goes straight back with a code; the ID token's auth_time is the sign-in's.
    CodeVerifier verifier = new CodeVerifier();
    Nonce nonce = new Nonce();
    HttpResponse<String> again = authorize(home, new Scope("openid", "profile", "applications"), verifier, nonce, cookie);
    AuthenticationResponse back = AuthenticationResponseParser.parse(URI.create(again.headers().firstValue("Location")
        .orElseThrow()));
    assertTrue(back.indicatesSuccess(), back.toString());
    OIDCTokenResponse t = tokens(new Flow(home, verifier, null, nonce, back.toSuccessResponse().getAuthorizationCode()));
    IDTokenClaimsSet claims = new IDTokenValidator(provider.getIssuer(), new ClientID(CLIENT), JWSAlgorithm.ES256,
        provider.getJWKSetURI().toURL()).validate(t.getOIDCTokens().getIDToken(), nonce);
    long authTime = claims.getAuthenticationTime().getTime() / 1000;
    assertTrue(Math.abs(System.currentTimeMillis() / 1000 - authTime) < 600, "auth_time " + authTime);
    // prompt=none: the code while signed in, login_required without the session.
    CodeVerifier quiet = new CodeVerifier();
    Nonce quietNonce = new Nonce();
    back = AuthenticationResponseParser.parse(URI.create(authorize(home, new Scope("openid"), quiet, quietNonce, cookie,
        "prompt", "none").headers().firstValue("Location").orElseThrow()));
    assertTrue(back.indicatesSuccess(), back.toString());
    IDTokenClaimsSet quietClaims = new IDTokenValidator(provider.getIssuer(), new ClientID(CLIENT), JWSAlgorithm.ES256,
        provider.getJWKSetURI().toURL()).validate(tokens(new Flow(home, quiet, null, quietNonce,
            back.toSuccessResponse().getAuthorizationCode())).getOIDCTokens().getIDToken(), quietNonce);
    assertEquals(authTime, quietClaims.getAuthenticationTime().getTime() / 1000, "the session's sign-in time");
    String none = authorize(home, new Scope("openid"), new CodeVerifier(), new Nonce(), null, "prompt", "none")
        .headers().firstValue("Location").orElseThrow();
    assertTrue(none.startsWith(home + "?error=login_required"), none);
    // prompt=login and max_age=0 ask for the password again; a generous max_age does not.
    assertTrue(authorize(home, new Scope("openid"), new CodeVerifier(), new Nonce(), cookie, "prompt", "login")
        .headers().firstValue("Location").orElseThrow().startsWith("/public/signin.html?req="));
    assertTrue(authorize(home, new Scope("openid"), new CodeVerifier(), new Nonce(), cookie, "max_age", "0")
        .headers().firstValue("Location").orElseThrow().startsWith("/public/signin.html?req="));
    assertTrue(authorize(home, new Scope("openid"), new CodeVerifier(), new Nonce(), cookie, "max_age", "3600")
        .headers().firstValue("Location").orElseThrow().startsWith(home + "?code="));

    // UserInfo (advertised, read with the library): the pairwise subject, the level, the name and a masked number.
    BearerAccessToken access = t.getOIDCTokens().getBearerAccessToken();
    com.nimbusds.openid.connect.sdk.UserInfoResponse info = com.nimbusds.openid.connect.sdk.UserInfoResponse.parse(
        new com.nimbusds.openid.connect.sdk.UserInfoRequest(provider.getUserInfoEndpointURI(), access)
            .toHTTPRequest().send());
    assertTrue(info.indicatesSuccess(), () -> info.toErrorResponse().getErrorObject().toString());
    com.nimbusds.openid.connect.sdk.claims.UserInfo user = info.toSuccessResponse().getUserInfo();
    assertEquals(claims.getSubject(), user.getSubject());
    assertEquals("张三", user.getName());
    assertEquals(3L, ((Number) user.getClaim("real_name_level")).longValue());
    assertEquals("11*************02X", user.getStringClaim("id_number_masked"));
    assertFalse(user.toJSONObject().toString().contains(CITIZEN_ID));
    // Without profile: the subject and the level only; without openid, or a console token: refused as RFC 6750 says.
    CodeVerifier bare = new CodeVerifier();
    back = AuthenticationResponseParser.parse(URI.create(authorize(home, new Scope("openid"), bare, new Nonce(), cookie)
        .headers().firstValue("Location").orElseThrow()));
    BearerAccessToken openidOnly = tokens(new Flow(home, bare, null, null, back.toSuccessResponse()
        .getAuthorizationCode())).getOIDCTokens().getBearerAccessToken();
    JsonObject few = TestGateway.ok(gateway.send("GET", "/oauth2/userinfo", null, "Authorization",
        openidOnly.toAuthorizationHeader()));
    assertEquals(java.util.Set.of("sub", "real_name_level"), few.fieldNames());
    CodeVerifier noOpenid = new CodeVerifier();
    back = AuthenticationResponseParser.parse(URI.create(authorize(home, new Scope("applications"), noOpenid, null,
        cookie).headers().firstValue("Location").orElseThrow()));
    BearerAccessToken applicationsOnly = ((com.nimbusds.oauth2.sdk.AccessTokenResponse) token(new AuthorizationCodeGrant(
        back.toSuccessResponse().getAuthorizationCode(), home, noOpenid)).toSuccessResponse()).getTokens()
        .getBearerAccessToken();
    HttpResponse<String> scoped = gateway.send("GET", "/oauth2/userinfo", null, "Authorization",
        applicationsOnly.toAuthorizationHeader());
    assertEquals(403, scoped.statusCode(), scoped.body());
    assertEquals("Bearer error=\"insufficient_scope\"", scoped.headers().firstValue("WWW-Authenticate").orElseThrow());
    HttpResponse<String> console = gateway.send("GET", "/oauth2/userinfo", null, "Authorization",
        "Bearer " + gateway.token("citizen"));
    assertEquals(401, console.statusCode());
    assertEquals("invalid_token", new JsonObject(console.body()).getString("error"));
    assertEquals(401, gateway.send("POST", "/oauth2/userinfo", null).statusCode());

    // RP-initiated logout ends the session: the cookie is cleared, and the old one no longer skips the password.
    HttpResponse<String> out = gateway.send("GET", pathOf(new LogoutRequest(provider.getEndSessionEndpointURI(),
        t.getOIDCTokens().getIDToken(), home, new State()).toURI()), null, "Cookie", cookie);
    assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"), out.headers().toString());
    assertTrue(authorize(home, new Scope("openid"), new CodeVerifier(), new Nonce(), cookie)
        .headers().firstValue("Location").orElseThrow().startsWith("/public/signin.html?req="));
    assertTrue(authorize(home, new Scope("openid"), new CodeVerifier(), new Nonce(), cookie, "prompt", "none")
        .headers().firstValue("Location").orElseThrow().startsWith(home + "?error=login_required"));
    assertEquals(401, gateway.send("GET", "/oauth2/userinfo", null, "Authorization", access.toAuthorizationHeader())
        .statusCode());
  }

  @Test
  void signingKeysRotateWithoutDowntime() throws Exception {
    JsonObject before = TestGateway.ok(gateway.send("GET", "/oauth2/jwks", null));
    assertEquals(2, before.getJsonArray("keys").size(), "the current key and the next one, published before it signs");
    String current = before.getJsonArray("keys").getJsonObject(0).getString("kid");
    String next = before.getJsonArray("keys").getJsonObject(1).getString("kid");
    String consoleToken = gateway.token("citizen");
    assertEquals(current, kid(consoleToken));
    Flow f = signIn(callback(50400), true);
    OIDCTokenResponse old = tokens(f);
    assertEquals(current, old.getOIDCTokens().getIDToken().getHeader().toJSONObject().get("kid"));

    // An administrator rotates (REST): the published next key signs from now; the old one stays published.
    assertEquals(403, gateway.send("POST", "/api/v1/admin/signing-keys/rotate", null, "Authorization",
        "Bearer " + consoleToken).statusCode());
    JsonObject rotated = TestGateway.ok(gateway.send("POST", "/api/v1/admin/signing-keys/rotate", null,
        "Authorization", "Bearer " + gateway.token("admin")));
    assertEquals(next, rotated.getString("current"));
    assertEquals(current, rotated.getString("retired"));
    java.util.List<String> kids = TestGateway.ok(gateway.send("GET", "/oauth2/jwks", null)).getJsonArray("keys")
        .stream().map(k -> ((JsonObject) k).getString("kid")).toList();
    assertEquals(java.util.List.of(next, rotated.getString("next"), current), kids);
    assertEquals(next, kid(gateway.token("citizen")));
    // Tokens signed before keep working until they expire: the console's, the portal's, the ID token.
    assertEquals(200, gateway.send("GET", "/api/v1/me", null, "Authorization", "Bearer " + consoleToken).statusCode());
    assertEquals(200, graphqlMe(old.getOIDCTokens().getBearerAccessToken()));
    new IDTokenValidator(provider.getIssuer(), new ClientID(CLIENT), JWSAlgorithm.ES256, provider.getJWKSetURI().toURL())
        .validate(old.getOIDCTokens().getIDToken(), f.nonce());
    Flow g = signIn(callback(50401), true);
    OIDCTokenResponse fresh = tokens(g);
    assertEquals(next, fresh.getOIDCTokens().getIDToken().getHeader().toJSONObject().get("kid"));
    new IDTokenValidator(provider.getIssuer(), new ClientID(CLIENT), JWSAlgorithm.ES256, provider.getJWKSetURI().toURL())
        .validate(fresh.getOIDCTokens().getIDToken(), g.nonce());
    // The private halves are sealed at rest like other secrets.
    assertEquals(0, gateway.count("select count(*) from signing_key where private_pem like '%PRIVATE KEY%'"));

    // Another node (its own reading of the same keys) rotates twice: this node accepts what it signs with a key
    // this node never read, before its own scheduled reading, and then signs with that key too.
    io.vertx.sqlclient.Pool pool = cn.tongban.core.infra.Database.pool(vertx, gateway.config().pgUrl().orElseThrow(), 2);
    try {
      cn.tongban.core.identity.SigningKeys other = cn.tongban.core.identity.SigningKeys.load(vertx, pool,
          gateway.platform().personal(), 3600).toCompletionStage().toCompletableFuture().get();
      cn.tongban.core.access.Caller adminCaller = new cn.tongban.core.access.Caller(cn.tongban.core.access.Caller.Kind.STAFF,
          cn.tongban.gateway.auth.TokenService.payload(gateway.token("admin")).getString("sub"), java.util.Set.of(cn.tongban.core.access.Role.ADMIN), java.util.Optional.empty(),
          java.util.Optional.empty(), java.util.Set.of());
      other.rotate(adminCaller).toCompletionStage().toCompletableFuture().get();
      String unseen = other.rotate(adminCaller).toCompletionStage().toCompletableFuture().get().getString("current");
      String signedThere = new cn.tongban.gateway.auth.TokenService(vertx, other, 3600).issue(new cn.tongban.core.access
          .Caller(cn.tongban.core.access.Caller.Kind.CITIZEN, citizenId(), java.util.Set.of(cn.tongban.core.access.Role
          .APPLICANT), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Set.of()), 0);
      assertEquals(unseen, kid(signedThere));
      assertEquals(200, gateway.send("GET", "/api/v1/me", null, "Authorization", "Bearer " + signedThere).statusCode());
      assertEquals(unseen, kid(gateway.token("citizen")));
      assertEquals(200, graphqlMe(old.getOIDCTokens().getBearerAccessToken()), "still within its lifetime");
    } finally {
      pool.close();
    }
    // The same on GraphQL.
    HttpResponse<String> gql = gateway.send("POST", "/graphql", new JsonObject().put("query",
        "mutation { rotateSigningKeys }").encode(), "Content-Type", "application/json", "Authorization",
        "Bearer " + gateway.token("admin"));
    assertEquals(200, gql.statusCode());
    assertNotNull(new JsonObject(gql.body()).getJsonObject("data").getJsonObject("rotateSigningKeys").getString("current"),
        gql.body());
  }

  private static String citizenId() throws Exception {
    return cn.tongban.gateway.auth.TokenService.payload(gateway.token("citizen")).getString("sub");
  }

  private static String kid(String jwt) {
    return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
        java.nio.charset.StandardCharsets.UTF_8)).getString("kid");
  }

  @Test
  void theProvincialIdentityRegistersACitizenNewHereOnceAndRefusesWhatIsNotEnough() throws Exception {
    URI home = callback(50500);
    java.net.http.HttpClient browser = java.net.http.HttpClient.newHttpClient();
    String idNumber = TestGateway.idNumber("41018319850611234");
    // Not enough to register someone: no name.
    upstream.person().clear();
    upstream.person().put("sub", "prov-new-1").put("idNumber", idNumber).put("level", 2);
    String refused = upstreamRound(browser, home, new CodeVerifier());
    assertTrue(refused.startsWith("/public/signin.html?req="), refused);
    assertTrue(java.net.URLDecoder.decode(refused, java.nio.charset.StandardCharsets.UTF_8)
        .contains("未提供姓名（name），无法为您注册通办账号"), refused);
    assertEquals(0, gateway.count("select count(*) from oidc_federated_link where subject = 'prov-new-1'"));
    // No real-name level either.
    upstream.person().put("name", "王五").remove("level");
    assertTrue(java.net.URLDecoder.decode(upstreamRound(browser, home, new CodeVerifier()),
        java.nio.charset.StandardCharsets.UTF_8)
        .contains("未提供实名认证等级"));
    // Enough: registered once at the asserted level, linked; the second time the link is used.
    upstream.person().put("level", 2);
    for (int round = 1; round <= 2; round++) {
      CodeVerifier verifier = new CodeVerifier();
      String next = upstreamRound(browser, home, verifier);
      if (round == 1) {
        assertTrue(next.startsWith("/public/signin.html?req="), next);
        String req = next.replaceFirst(".*req=", "");
        assertTrue(TestGateway.ok(gateway.send("GET", "/oauth2/requests/" + req, null)).getBoolean("signedIn"));
        next = TestGateway.ok(gateway.send("POST", "/oauth2/requests/" + req + "/consent",
            new JsonObject().put("allow", true).encode(), "Content-Type", "application/json")).getString("redirect");
      }
      AuthenticationResponse back = AuthenticationResponseParser.parse(URI.create(next));
      assertTrue(back.indicatesSuccess(), next);
      BearerAccessToken access = tokens(new Flow(home, verifier, null, null, back.toSuccessResponse()
          .getAuthorizationCode())).getOIDCTokens().getBearerAccessToken();
      JsonObject user = TestGateway.ok(gateway.send("GET", "/oauth2/userinfo", null, "Authorization",
          access.toAuthorizationHeader()));
      assertEquals("王五", user.getString("name"), user.encode());
      assertEquals(2, user.getInteger("real_name_level"));
      assertEquals(1, gateway.count("select count(*) from oidc_federated_link where subject = 'prov-new-1'"));
      // Once linked, the link is what counts: the number asserted is not read again.
      upstream.person().put("idNumber", "not-read-once-linked");
    }
    assertEquals(1, gateway.count("select count(*) from audit_event where action = 'oidc.federated-register'"));
  }

  /** One round through the provincial identity as a browser: where the callback sends the browser. */
  private static String upstreamRound(java.net.http.HttpClient browser, URI home, CodeVerifier verifier)
      throws Exception {
    String req = authorize(home, new Scope("openid", "profile"), verifier, new Nonce(), null)
        .headers().firstValue("Location").orElseThrow().replaceFirst(".*req=", "");
    String toProvince = gateway.send("GET", "/oauth2/requests/" + req + "/upstream", null).headers()
        .firstValue("Location").orElseThrow();
    String back = browser.send(java.net.http.HttpRequest.newBuilder(URI.create(toProvince)).build(),
        HttpResponse.BodyHandlers.ofString()).headers().firstValue("Location").orElseThrow();
    return gateway.send("GET", pathOf(URI.create(back)), null).headers().firstValue("Location").orElseThrow();
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
