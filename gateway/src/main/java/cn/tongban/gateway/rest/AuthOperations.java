package cn.tongban.gateway.rest;

import cn.tongban.core.access.Caller;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.identity.WeChatLogin;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.gateway.auth.TokenService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /api/v1/auth/token}: the OAuth 2.0 token endpoint (password and client_credentials grants). */
final class AuthOperations {
  static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  private final IdentityService identity;
  private final TokenService tokens;
  private final WeChatLogin wechat;

  AuthOperations(IdentityService identity, TokenService tokens, WeChatLogin wechat) {
    this.identity = identity;
    this.tokens = tokens;
    this.wechat = wechat;
  }

  /** A mini-program's wx.login() code in, the linked citizen's token out. */
  void wechatSignIn(RoutingContext rc) {
    Rest.reply(rc, wechat.signIn(Rest.body(rc).getString("code")).map(s -> new JsonObject()
        .put("access_token", tokens.issue(s.caller(), s.epoch())).put("token_type", "Bearer")
        .put("expires_in", tokens.ttlSeconds())), 200);
  }

  void wechatLink(RoutingContext rc) {
    wechat.link(RequestContext.requireCaller(rc), Rest.body(rc).getString("code")).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        rc.response().setStatusCode(204).end();
      }
    });
  }

  /** The JSON form, validated by the contract. */
  void issueToken(RoutingContext rc) {
    Rest.reply(rc, issue(Rest.body(rc), address(rc)), 200);
  }

  /** The caller's network address, for login throttling per address. */
  private static String address(RoutingContext rc) {
    return RequestContext.address(rc);
  }

  /** Revokes the token the request came with. */
  void logout(RoutingContext rc) {
    TokenService.Verified token = RequestContext.<TokenService.Verified>token(rc).orElseThrow();
    long left = token.expiresAt() - System.currentTimeMillis() / 1000;
    identity.revoke(token.tokenId(), left).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        rc.response().setStatusCode(204).end();
      }
    });
  }

  /** Changes a person's password; every token issued before, this one included, stops working. */
  void changePassword(RoutingContext rc) {
    JsonObject body = Rest.body(rc);
    var caller = RequestContext.requireCaller(rc);
    if (caller.kind() == Caller.Kind.CLIENT) {
      rc.fail(new DomainException(ProblemCode.FORBIDDEN, "auth.client"));
      return;
    }
    identity.changePassword(caller, body.getString("currentPassword"), body.getString("newPassword"),
        RequestContext.locale(rc)).onComplete(ar -> {
          if (ar.failed()) {
            rc.fail(ar.cause());
          } else {
            rc.response().setStatusCode(204).end();
          }
        });
  }

  /** The {@code application/x-www-form-urlencoded} form of the same request (RFC 6749 §4.3, §4.4). */
  void issueTokenFromForm(RoutingContext rc) {
    JsonObject body = new JsonObject();
    rc.request().formAttributes().forEach(e -> body.put(e.getKey(), e.getValue()));
    Rest.reply(rc, issue(body, address(rc)), 200);
  }

  private Future<JsonObject> issue(JsonObject body, String address) {
    String grant = body.getString("grant_type", "");
    Future<IdentityService.Session> caller;
    switch (grant) {
      case "password" -> {
        String username = body.getString("username");
        String password = body.getString("password");
        if (isBlank(username) || isBlank(password)) {
          return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "auth.grantFields", grant,
              "username, password"));
        }
        caller = identity.authenticatePerson(username, password, address);
      }
      case "client_credentials" -> {
        String id = body.getString("client_id");
        String secret = body.getString("client_secret");
        if (isBlank(id) || isBlank(secret)) {
          return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "auth.grantFields", grant,
              "client_id, client_secret"));
        }
        caller = identity.authenticateClient(id, secret, address);
      }
      case TOKEN_EXCHANGE -> {
        return exchange(body, address);
      }
      default -> {
        return Future.failedFuture(new DomainException(ProblemCode.UNSUPPORTED_GRANT_TYPE, "auth.grantType", grant));
      }
    }
    return caller.map(c -> new JsonObject()
        .put("access_token", tokens.issue(c.caller(), c.epoch()))
        .put("token_type", "Bearer")
        .put("expires_in", tokens.ttlSeconds()));
  }

  /**
   * RFC 8693 token exchange: a third-party channel (client credentials) presents a signed-in citizen's
   * token and gets one that acts for that citizen, limited to the channel's own channels.
   */
  private Future<JsonObject> exchange(JsonObject body, String address) {
    String id = body.getString("client_id");
    String secret = body.getString("client_secret");
    String subject = body.getString("subject_token");
    if (isBlank(id) || isBlank(secret) || subject == null || subject.isBlank()) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "auth.grantFields", TOKEN_EXCHANGE,
          "client_id, client_secret, subject_token"));
    }
    // The token's signature is checked here (tokens are the gateway's); who may exchange what is core's rule.
    return tokens.verify(subject)
        .compose(t -> identity.exchange(id, secret, address, new IdentityService.Session(t.caller(), t.epoch(),
            t.derivedFrom()), t.tokenId())
            .map(acting -> new JsonObject()
                .put("access_token", tokens.issue(acting.caller(), acting.epoch(), acting.derivedFrom(), t.expiresAt()))
                .put("token_type", "Bearer")
                .put("issued_token_type", "urn:ietf:params:oauth:token-type:access_token")
                .put("expires_in", Math.max(1, Math.min(tokens.ttlSeconds(),
                    t.expiresAt() - System.currentTimeMillis() / 1000)))));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank() || s.length() > 256;
  }
}
