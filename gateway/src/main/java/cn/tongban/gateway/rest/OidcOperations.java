package cn.tongban.gateway.rest;

import cn.tongban.core.identity.SigningKeys;
import cn.tongban.core.oidc.OidcService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

/** Registered OAuth / OpenID Connect clients (administrators) and a citizen's allowed portals, over REST. */
final class OidcOperations {
  private final OidcService oidc;
  private final SigningKeys keys;

  OidcOperations(OidcService oidc, SigningKeys keys) {
    this.oidc = oidc;
    this.keys = keys;
  }

  void rotateSigningKeys(RoutingContext rc) {
    Rest.reply(rc, keys.rotate(RequestContext.requireCaller(rc)), 200);
  }

  void listOAuthClients(RoutingContext rc) {
    Rest.reply(rc, oidc.clients(RequestContext.requireCaller(rc)), 200);
  }

  void putOAuthClient(RoutingContext rc) {
    Rest.reply(rc, oidc.putClient(RequestContext.requireCaller(rc), Rest.path(rc, "clientId"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void listMyAuthorisedPortals(RoutingContext rc) {
    Rest.reply(rc, oidc.myPortals(RequestContext.requireCaller(rc)), 200);
  }

  void revokeAuthorisedPortal(RoutingContext rc) {
    oidc.revokePortal(RequestContext.requireCaller(rc), Rest.path(rc, "clientId")).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        rc.response().setStatusCode(204).end();
      }
    });
  }
}
