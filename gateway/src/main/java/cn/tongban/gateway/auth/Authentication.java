package cn.tongban.gateway.auth;

import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the bearer token, when there is one, into the request's caller. A request without a token goes on
 * anonymously (public operations serve it; the others answer 401); a request with a bad token is a 401.
 */
public final class Authentication implements Handler<RoutingContext> {
  private final TokenService tokens;

  public Authentication(TokenService tokens) {
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header == null) {
      rc.next();
      return;
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      rc.fail(new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
      return;
    }
    tokens.verify(header.substring(7).trim()).onComplete(ar -> {
      if (ar.succeeded()) {
        RequestContext.setCaller(rc, ar.result());
        rc.next();
      } else {
        rc.fail(ar.cause());
      }
    });
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
