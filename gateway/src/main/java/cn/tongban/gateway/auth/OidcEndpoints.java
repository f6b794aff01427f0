package cn.tongban.gateway.auth;

import cn.tongban.core.oidc.OAuthError;
import cn.tongban.core.oidc.OidcClient;
import cn.tongban.core.oidc.OidcService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenID Connect provider's HTTP face (docs/oidc.md): discovery, JWKS, the authorization endpoint and the
 * JSON calls of its sign-in and consent page (which set the sign-in session cookie), the token endpoint
 * (authorization_code, refresh_token), userinfo, revocation (RFC 7009), introspection (RFC 7662) and
 * RP-initiated logout (which ends the session too). Plain routes, not the OpenAPI
 * contract: OAuth's form-encoded requests, redirects and {@code {"error": …}} answers are its own. Mounted
 * before the bearer-token handler, since clients authenticate here with HTTP Basic.
 */
public final class OidcEndpoints {
  static final String SIGN_IN_PAGE = "/public/signin.html";
  /** The sign-in session's cookie: an opaque id (the state is in Redis), sent only to the provider's own paths. */
  static final String SESSION_COOKIE = "tongban_sso";
  private final OidcService oidc;
  private final TokenService tokens;
  private final Authentication authentication;

  private final Upstream upstream;
  private final Optional<String> issuer;

  /** {@code issuer}: {@code TONGBAN_OIDC_ISSUER} when set, else each request's own address. */
  public OidcEndpoints(io.vertx.core.Vertx vertx, OidcService oidc, TokenService tokens, Authentication authentication,
      Optional<cn.tongban.core.config.TongbanConfig.OidcUpstream> upstream, Optional<String> issuer) {
    this.issuer = issuer;
    this.oidc = oidc;
    this.tokens = tokens;
    this.authentication = authentication;
    this.upstream = upstream.map(u -> new Upstream(vertx, u)).orElse(null);
  }

  public void mount(Router router) {
    router.get("/.well-known/openid-configuration").handler(this::discovery);
    router.get("/oauth2/jwks").handler(rc -> json(rc, 200, tokens.jwks()));
    router.get("/oauth2/authorize").handler(this::authorize);
    router.get("/oauth2/requests/:id").handler(rc -> answer(rc, oidc.request(rc.pathParam("id"))
        .map(r -> upstream == null ? r : r.put("upstream", upstream.name()))));
    router.get("/oauth2/requests/:id/upstream").handler(this::upstreamBegin);
    router.get("/oauth2/upstream/callback").handler(this::upstreamCallback);
    router.post("/oauth2/requests/:id/sign-in").handler(rc -> {
      JsonObject body = jsonBody(rc);
      answer(rc, oidc.signIn(rc.pathParam("id"), body.getString("login"), body.getString("password"),
          RequestContext.address(rc)).map(out -> withSession(rc, out)));
    });
    router.post("/oauth2/requests/:id/consent").handler(rc ->
        answer(rc, oidc.decide(rc.pathParam("id"), jsonBody(rc).getBoolean("allow", false))));
    router.get("/oauth2/userinfo").handler(this::userinfo);
    router.post("/oauth2/userinfo").handler(this::userinfo);
    router.post("/oauth2/token").handler(this::token);
    router.post("/oauth2/revoke").handler(this::revoke);
    router.post("/oauth2/introspect").handler(this::introspect);
    router.get("/oauth2/logout").handler(this::logout);
  }

  /**
   * The issuer: {@code TONGBAN_OIDC_ISSUER} (behind a proxy, the address portals know), else this gateway as the
   * client reached it (scheme and authority of the request).
   */
  String issuer(RoutingContext rc) {
    if (issuer.isPresent()) {
      return issuer.get();
    }
    URI uri = URI.create(rc.request().absoluteURI());
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /**
   * Takes the new sign-in session's id out of an answer into a cookie: Secure, HttpOnly, SameSite=Lax (a portal's
   * top-level redirect to /oauth2/authorize carries it; no cross-site subrequest does), for the provider's paths.
   */
  private JsonObject withSession(RoutingContext rc, JsonObject out) {
    Object session = out.remove("session");
    if (session instanceof String id) {
      rc.response().addCookie(io.vertx.core.http.Cookie.cookie(SESSION_COOKIE, id).setPath("/oauth2")
          .setHttpOnly(true).setSecure(true).setSameSite(io.vertx.core.http.CookieSameSite.LAX)
          .setMaxAge(oidc.sessionSeconds()));
    }
    return out;
  }

  private static String sessionOf(RoutingContext rc) {
    io.vertx.core.http.Cookie c = rc.request().getCookie(SESSION_COOKIE);
    return c == null ? null : c.getValue();
  }

  private void discovery(RoutingContext rc) {
    String iss = issuer(rc);
    json(rc, 200, new JsonObject()
        .put("issuer", iss)
        .put("authorization_endpoint", iss + "/oauth2/authorize")
        .put("token_endpoint", iss + "/oauth2/token")
        .put("jwks_uri", iss + "/oauth2/jwks")
        .put("revocation_endpoint", iss + "/oauth2/revoke")
        .put("introspection_endpoint", iss + "/oauth2/introspect")
        .put("end_session_endpoint", iss + "/oauth2/logout")
        .put("userinfo_endpoint", iss + "/oauth2/userinfo")
        .put("prompt_values_supported", new JsonArray().add("none").add("login").add("consent"))
        .put("scopes_supported", new JsonArray(OidcService.OIDC_SCOPES))
        .put("response_types_supported", new JsonArray().add("code"))
        .put("response_modes_supported", new JsonArray().add("query"))
        .put("grant_types_supported", new JsonArray().add("authorization_code").add("refresh_token"))
        .put("subject_types_supported", new JsonArray().add("pairwise"))
        .put("id_token_signing_alg_values_supported", new JsonArray().add("ES256"))
        .put("token_endpoint_auth_methods_supported", new JsonArray().add("none").add("client_secret_basic")
            .add("client_secret_post"))
        .put("code_challenge_methods_supported", new JsonArray().add("S256"))
        .put("claims_supported", new JsonArray().add("sub").add("name").add("real_name_level").add("auth_time")
            .add("nonce").add("sid").add("id_number_masked"))
        .put("ui_locales_supported", new JsonArray().add("zh-CN")));
  }

  private void authorize(RoutingContext rc) {
    Map<String, String> params = new HashMap<>();
    rc.queryParams().forEach(e -> params.putIfAbsent(e.getKey(), e.getValue()));
    oidc.authorize(params, sessionOf(rc)).onComplete(ar -> {
      if (ar.succeeded() && ar.result().containsKey("redirect")) {
        // Signed in already (the session cookie) and the client allowed before: straight back with a code.
        redirect(rc, ar.result().getString("redirect"));
      } else if (ar.succeeded()) {
        redirect(rc, SIGN_IN_PAGE + "?req=" + ar.result().getString("request"));
      } else if (ar.cause() instanceof OAuthError e && e.redirectUri() != null) {
        redirect(rc, with(e.redirectUri(), "error", e.error(), "error_description", e.getMessage(), "state", e.state()));
      } else if (ar.cause() instanceof OAuthError e) {
        // Never redirected to an address the client did not register: the person reads the refusal instead.
        redirect(rc, with(SIGN_IN_PAGE, "error", e.error(), "error_description", e.getMessage()));
      } else {
        rc.fail(ar.cause());
      }
    });
  }

  /** 使用省统一身份认证登录: the browser goes to the upstream provider for this kept request. */
  private void upstreamBegin(RoutingContext rc) {
    String id = rc.pathParam("id");
    Future<String> to = upstream == null ? Future.failedFuture(new OAuthError("invalid_request", "未配置省统一身份认证"))
        : oidc.upstreamBegin(id).compose(up -> upstream.authorizationUrl(issuer(rc) + "/oauth2/upstream/callback", up));
    to.onComplete(ar -> redirect(rc, ar.succeeded() ? ar.result() : failurePage(id, ar.cause())));
  }

  /** The upstream provider's answer: its ID token checked, the citizen linked, then on to consent or back. */
  private void upstreamCallback(RoutingContext rc) {
    String code = rc.queryParams().get("code");
    oidc.upstreamState(rc.queryParams().get("state")).onComplete(state -> {
      if (state.failed()) {
        redirect(rc, failurePage(null, state.cause()));
        return;
      }
      String id = state.result().getString("req");
      Future<JsonObject> done = upstream == null || code == null
          ? Future.failedFuture(new OAuthError("access_denied", "省统一身份认证未完成登录"))
          : upstream.claims(code, issuer(rc) + "/oauth2/upstream/callback", state.result())
              .compose(claims -> oidc.federated(id, upstream.issuer(), claims)).map(out -> withSession(rc, out));
      done.onComplete(ar -> redirect(rc, ar.succeeded() && ar.result().containsKey("redirect")
          ? ar.result().getString("redirect")
          : ar.succeeded() ? SIGN_IN_PAGE + "?req=" + id : failurePage(id, ar.cause())));
    });
  }

  /** The sign-in page showing why the upstream sign-in failed (the request, when still kept, can be retried). */
  private static String failurePage(String id, Throwable cause) {
    String text = cause instanceof OAuthError e ? e.getMessage() : "省统一身份认证登录失败";
    return with(SIGN_IN_PAGE, "req", id, "upstreamError", text);
  }

  private void token(RoutingContext rc) {
    noStore(rc);
    MultiMap form = rc.request().formAttributes();
    Future<OidcClient> client = client(rc, form);
    String grant = form.get("grant_type");
    Future<OidcService.Grant> granted;
    if ("authorization_code".equals(grant)) {
      granted = client.compose(c -> oidc.redeem(c, form.get("code"), form.get("redirect_uri"),
          form.get("code_verifier")));
    } else if ("refresh_token".equals(grant)) {
      granted = client.compose(c -> oidc.refresh(c, form.get("refresh_token")));
    } else {
      granted = client.compose(c -> Future.failedFuture(grant == null
          ? new OAuthError("invalid_request", "缺少 grant_type")
          : new OAuthError("unsupported_grant_type", "此端点支持 authorization_code 与 refresh_token；"
              + "password、client_credentials 与令牌交换见 /api/v1/auth/token")));
    }
    answer(rc, granted.map(g -> tokenResponse(rc, g)));
  }

  private JsonObject tokenResponse(RoutingContext rc, OidcService.Grant g) {
    String scope = String.join(" ", g.scopes());
    String access = tokens.issue(g.caller(), g.account().tokenEpoch(), Optional.of(g.parentTokenId()), Long.MAX_VALUE,
        new JsonObject().put("cid", g.client().clientId()).put("scope", scope));
    JsonObject out = new JsonObject().put("access_token", access).put("token_type", "Bearer")
        .put("expires_in", tokens.ttlSeconds()).put("refresh_token", g.refreshToken()).put("scope", scope);
    if (g.scopes().contains("openid")) {
      JsonObject claims = new JsonObject().put("auth_time", g.authTime()).put("sid", g.familyId())
          .put("real_name_level", g.account().realNameLevel()).put("azp", g.client().clientId());
      if (g.nonce() != null) {
        claims.put("nonce", g.nonce());
      }
      if (g.scopes().contains("profile")) {
        claims.put("name", g.account().displayName());
      }
      out.put("id_token", tokens.idToken(issuer(rc), g.subject(), g.client().clientId(), tokens.ttlSeconds(), claims));
    }
    return out;
  }

  /** RFC 7009: a refresh token ends its sign-in; an access token ends alone. 200 whatever the token was. */
  private void revoke(RoutingContext rc) {
    noStore(rc);
    MultiMap form = rc.request().formAttributes();
    String token = form.get("token");
    answer(rc, client(rc, form).compose(c -> token == null || token.isBlank()
        ? Future.failedFuture(new OAuthError("invalid_request", "缺少 token"))
        : oidc.revokeRefresh(c, token).compose(wasRefresh -> wasRefresh ? Future.succeededFuture()
            : tokens.verify(token).compose(t -> c.clientId().equals(TokenService.payload(token).getString("cid"))
                ? oidc.endToken(t.tokenId(), t.expiresAt()) : Future.<Void>succeededFuture())
                .otherwise((Void) null)))
        .map(v -> new JsonObject()));
  }

  /** RFC 7662, for confidential clients (resource servers): whether a token is active, and whose for what. */
  private void introspect(RoutingContext rc) {
    noStore(rc);
    MultiMap form = rc.request().formAttributes();
    String token = form.get("token");
    JsonObject inactive = new JsonObject().put("active", false);
    answer(rc, client(rc, form).compose(c -> {
      if (c.publicClient()) {
        return Future.failedFuture(new OAuthError("invalid_client", "只有机密客户端可以查询令牌状态"));
      }
      if (token == null || token.isBlank()) {
        return Future.failedFuture(new OAuthError("invalid_request", "缺少 token"));
      }
      return oidc.introspectRefresh(token).compose(refresh -> refresh.isPresent()
          ? Future.succeededFuture(refresh.get())
          : authentication.verify("Bearer " + token).map(t -> {
              JsonObject claims = TokenService.payload(token);
              JsonObject out = new JsonObject().put("active", true).put("token_type", "access_token")
                  .put("exp", t.expiresAt()).put("iat", claims.getLong("iat")).put("iss", claims.getString("iss"))
                  .put("sub", t.caller().subject()).put("kind", t.caller().kind().name());
              if (claims.containsKey("cid")) {
                out.put("client_id", claims.getString("cid")).put("scope", claims.getString("scope"));
              }
              return out;
            }).otherwise(inactive));
    }));
  }

  /**
   * RP-initiated logout: the ID token hint names the sign-in ({@code sid}) and the client; its tokens end, and
   * the browser goes to {@code post_logout_redirect_uri} when the client registered it, else to the sign-in page.
   */
  private void logout(RoutingContext rc) {
    String hint = rc.queryParams().get("id_token_hint");
    String after = rc.queryParams().get("post_logout_redirect_uri");
    String state = rc.queryParams().get("state");
    // The browser's sign-in session ends whatever the hint: the next authorize asks for the password again. (Read
    // before the clearing cookie is added: the request's and the response's cookies are one jar.)
    String session = sessionOf(rc);
    rc.response().addCookie(io.vertx.core.http.Cookie.cookie(SESSION_COOKIE, "").setPath("/oauth2").setHttpOnly(true)
        .setSecure(true).setSameSite(io.vertx.core.http.CookieSameSite.LAX).setMaxAge(0));
    oidc.endSession(session).compose(ended -> tokens.idTokenClaims(hint)).compose(claims -> {
      if (claims.isEmpty() || claims.get().getString("sid") == null) {
        return Future.succeededFuture(with(SIGN_IN_PAGE, "signedOut", after == null ? "1" : "0"));
      }
      String clientId = claims.get().getString("azp");
      return oidc.endFamily(claims.get().getString("sid"))
          .compose(v -> after == null ? Future.succeededFuture(with(SIGN_IN_PAGE, "signedOut", "1"))
              : oidc.client(clientId).map(c -> c.redirects(after) ? with(after, "state", state)
                  : with(SIGN_IN_PAGE, "signedOut", "1")).otherwise(with(SIGN_IN_PAGE, "signedOut", "1")));
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        redirect(rc, ar.result());
      } else {
        rc.fail(ar.cause());
      }
    });
  }

  /**
   * UserInfo (OpenID Connect Core §5.3): the bearer access token of a sign-in with {@code openid}; what the scopes
   * allow (core's {@code OidcService.userinfo}). Refusals as RFC 6750 §3: {@code WWW-Authenticate: Bearer error=…}.
   */
  private void userinfo(RoutingContext rc) {
    noStore(rc);
    String header = rc.request().getHeader("Authorization");
    Future<JsonObject> claims = header == null
        ? Future.failedFuture(new OAuthError("invalid_token", "缺少访问令牌"))
        : authentication.verify(header)
            .recover(e -> Future.failedFuture(new OAuthError("invalid_token", "访问令牌无效、已过期或已吊销")))
            .compose(t -> {
              JsonObject payload = TokenService.payload(header.substring(7).trim());
              java.util.Set<String> scopes = new java.util.LinkedHashSet<>(java.util.List.of(
                  payload.getString("scope", "").split(" ")));
              return oidc.userinfo(t.caller(), payload.getString("cid"), scopes);
            });
    claims.onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof OAuthError e) {
        rc.response().putHeader("WWW-Authenticate", "Bearer error=\"" + e.error() + "\"");
        json(rc, e.status(), new JsonObject().put("error", e.error()).put("error_description", e.getMessage()));
      } else if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        json(rc, 200, ar.result());
      }
    });
  }

  /** The client of a token-endpoint request: HTTP Basic, or client_id (and client_secret) in the form. */
  private Future<OidcClient> client(RoutingContext rc, MultiMap form) {
    String header = rc.request().getHeader("Authorization");
    String id = form.get("client_id");
    String secret = form.get("client_secret");
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(java.util.Base64.getDecoder().decode(header.substring(6).trim()),
            StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon < 0) {
          return Future.failedFuture(new OAuthError("invalid_client", "Authorization 头无效"));
        }
        id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
        secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new OAuthError("invalid_client", "Authorization 头无效"));
      }
    }
    return oidc.authenticateClient(id, secret, RequestContext.address(rc));
  }

  private static JsonObject jsonBody(RoutingContext rc) {
    try {
      JsonObject body = rc.body() == null ? null : rc.body().asJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  /** The result as JSON; an OAuth refusal as {@code {"error", "error_description"}}; anything else as a problem. */
  private static void answer(RoutingContext rc, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        json(rc, 200, ar.result());
      } else if (ar.cause() instanceof OAuthError e) {
        if (e.status() == 401) {
          rc.response().putHeader("WWW-Authenticate", "Basic realm=\"tongban\"");
        }
        json(rc, e.status(), new JsonObject().put("error", e.error()).put("error_description", e.getMessage()));
      } else {
        rc.fail(ar.cause() instanceof DomainException ? ar.cause() : ar.cause());
      }
    });
  }

  private static void noStore(RoutingContext rc) {
    rc.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }

  private static void redirect(RoutingContext rc, String location) {
    rc.response().setStatusCode(302).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  private static String with(String uri, String... pairs) {
    StringBuilder out = new StringBuilder(uri);
    char sep = uri.contains("?") ? '&' : '?';
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        out.append(sep).append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        sep = '&';
      }
    }
    return out.toString();
  }
}
