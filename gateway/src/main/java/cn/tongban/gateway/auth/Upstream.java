package cn.tongban.gateway.auth;

import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.oidc.OAuthError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The upstream OpenID Connect provider (the provincial unified identity), as this platform's client: its
 * discovery and keys (fetched once per gateway instance, again when a token names a key not yet seen), the
 * code exchange with client_secret_basic and PKCE, and the ID token's checks (signature, issuer, audience,
 * expiry, nonce). What the token asserts is linked to a citizen by core's {@code OidcService.federated}.
 */
final class Upstream {
  private final TongbanConfig.OidcUpstream config;
  private final HttpClient http;
  private final Vertx vertx;
  private JsonObject metadata;
  private JWTAuth keys;

  Upstream(Vertx vertx, TongbanConfig.OidcUpstream config) {
    this.vertx = vertx;
    this.config = config;
    this.http = vertx.createHttpClient();
  }

  String name() {
    return config.name();
  }

  String issuer() {
    return config.issuer();
  }

  /** Where the browser goes to sign in upstream. */
  Future<String> authorizationUrl(String redirectUri, JsonObject up) {
    return metadata().map(m -> m.getString("authorization_endpoint") + "?response_type=code&scope=openid"
        + "&client_id=" + enc(config.clientId()) + "&redirect_uri=" + enc(redirectUri) + "&state="
        + enc(up.getString("state")) + "&nonce=" + enc(up.getString("nonce")) + "&code_challenge="
        + enc(up.getString("challenge")) + "&code_challenge_method=S256");
  }

  /** What the upstream's ID token for {@code code} says, checked. */
  Future<JsonObject> claims(String code, String redirectUri, JsonObject up) {
    return metadata().compose(m -> post(m.getString("token_endpoint"), "grant_type=authorization_code&code="
        + enc(code) + "&redirect_uri=" + enc(redirectUri) + "&code_verifier=" + enc(up.getString("verifier"))))
        .compose(tokens -> {
          String idToken = tokens.getString("id_token");
          if (idToken == null) {
            return Future.failedFuture(new OAuthError("access_denied", "省统一身份认证没有返回 ID 令牌"));
          }
          return verify(idToken, true);
        })
        .compose(claims -> up.getString("nonce").equals(claims.getString("nonce")) ? Future.succeededFuture(claims)
            : Future.failedFuture(new OAuthError("access_denied", "省统一身份认证的 ID 令牌无效")));
  }

  private Future<JsonObject> verify(String idToken, boolean retry) {
    return keys(false).compose(k -> k.authenticate(new TokenCredentials(idToken)))
        .map(user -> user.principal())
        .recover(e -> retry ? keys(true).compose(x -> verify(idToken, false))
            : Future.failedFuture(new OAuthError("access_denied", "省统一身份认证的 ID 令牌无效")));
  }

  private Future<JsonObject> metadata() {
    if (metadata != null) {
      return Future.succeededFuture(metadata);
    }
    return get(config.issuer() + "/.well-known/openid-configuration").compose(m ->
        config.issuer().equals(m.getString("issuer")) ? Future.succeededFuture(metadata = m)
            : Future.failedFuture(new OAuthError("temporarily_unavailable", "省统一身份认证的配置与登记不符")));
  }

  private Future<JWTAuth> keys(boolean refetch) {
    if (keys != null && !refetch) {
      return Future.succeededFuture(keys);
    }
    return metadata().compose(m -> get(m.getString("jwks_uri"))).map(jwks -> {
      JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer(config.issuer())
          .setAudience(List.of(config.clientId())).setLeeway(30));
      jwks.getJsonArray("keys").forEach(k -> options.addJwk((JsonObject) k));
      keys = JWTAuth.create(vertx, options);
      return keys;
    });
  }

  private Future<JsonObject> get(String url) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(5_000))
        .compose(req -> req.send().compose(resp -> resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture("HTTP " + resp.statusCode())))
        .map(Buffer::toJsonObject)
        .recover(e -> Future.failedFuture(e instanceof OAuthError ? e
            : new OAuthError("temporarily_unavailable", "暂时无法连接省统一身份认证，请稍后再试")));
  }

  private Future<JsonObject> post(String url, String form) {
    String basic = Base64.getEncoder().encodeToString((enc(config.clientId()) + ":" + enc(config.clientSecret()))
        .getBytes(StandardCharsets.UTF_8));
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setTimeout(5_000)
            .putHeader("Content-Type", "application/x-www-form-urlencoded").putHeader("Authorization", "Basic " + basic))
        .compose(req -> req.send(form).compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) {
            throw new OAuthError("access_denied", "省统一身份认证拒绝了登录");
          }
          return b.toJsonObject();
        })))
        .recover(e -> Future.failedFuture(e instanceof OAuthError ? e
            : new OAuthError("temporarily_unavailable", "暂时无法连接省统一身份认证，请稍后再试")));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
