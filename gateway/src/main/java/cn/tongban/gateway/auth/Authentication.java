package cn.tongban.gateway.auth;

import cn.tongban.core.access.Caller;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the bearer token, when there is one, into the request's caller. A request without a token goes on
 * anonymously (public operations serve it; the others answer 401); a bad, revoked or superseded token is a
 * 401; a third-party client over its rate is a 429.
 */
public final class Authentication implements Handler<RoutingContext> {
  private final TokenService tokens;
  private final IdentityService identity;

  public Authentication(TokenService tokens, IdentityService identity) {
    this.tokens = tokens;
    this.identity = identity;
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header == null) {
      rc.next();
      return;
    }
    verify(header).onComplete(ar -> {
      if (ar.succeeded()) {
        RequestContext.setCaller(rc, ar.result().caller());
        RequestContext.setToken(rc, ar.result());
        rc.next();
      } else {
        rc.fail(ar.cause());
      }
    });
  }

  /**
   * The verified token of an {@code Authorization: Bearer …} value (a request's header, or what a WebSocket
   * client sends in {@code connection_init}): still valid, and counted against a client's rate.
   */
  public Future<TokenService.Verified> verify(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      return Future.failedFuture(new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
    }
    return tokens.verify(header.substring(7).trim())
        .compose(t -> identity.tokenValid(t.tokenId(), t.derivedFrom(), t.caller().subject(), t.epoch()).compose(valid -> valid
            ? Future.succeededFuture(t)
            : Future.<TokenService.Verified>failedFuture(new DomainException(ProblemCode.TOKEN_REVOKED,
                "auth.revoked"))))
        .compose(t -> t.caller().kind() == Caller.Kind.CLIENT
            ? identity.countClientCall(t.caller().subject()).map(t) : Future.succeededFuture(t));
  }

  /** Guards an operation that is not public: 401 without an authenticated caller. */
  public static void required(RoutingContext rc) {
    if (RequestContext.caller(rc).isEmpty()) {
      rc.fail(new DomainException(ProblemCode.UNAUTHENTICATED, "auth.missing"));
      return;
    }
    rc.next();
  }
}
