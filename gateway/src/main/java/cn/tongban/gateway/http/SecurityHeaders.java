package cn.tongban.gateway.http;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.graphql.GraphiQLHandlerOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The browser-facing security headers of every response, errors included, chosen when the headers are
 * written (so the final content type decides the Content-Security-Policy):
 * <ul>
 *   <li>everything: {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer} (query codes
 *   travel in URLs), {@code X-Frame-Options: DENY}, and HSTS when the node is configured as served over HTTPS;</li>
 *   <li>API answers (JSON, YAML, PDF, …): a policy that loads nothing ({@code default-src 'none'});</li>
 *   <li>GraphiQL: its own scripts and styles, the one inline script that carries its configuration (by
 *   hash), inline styles, data: fonts and images, requests to this origin;</li>
 *   <li>the console, the public pages and the API documentation (Swagger UI): scripts, styles and images of
 *   this origin only (no inline script or style), requests and WebSockets to this origin;</li>
 *   <li>other HTML (the correction notice): inline styles and data: images, no script;</li>
 *   <li>answers to authenticated requests and token answers: {@code Cache-Control: no-store}.</li>
 * </ul>
 */
public final class SecurityHeaders {
  private static final String API_POLICY =
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  private static final String DOCUMENT_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none';"
          + " form-action 'none'";

  private static final String PAGE_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self';"
          + " connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private final String graphiqlPolicy;
  private final String hsts;

  /**
   * @param graphiql the options GraphiQL is served with (its inline configuration script is hashed from them)
   * @param hstsMaxAgeSeconds HSTS lifetime; 0 = no HSTS header (the node is not known to be behind HTTPS)
   */
  public SecurityHeaders(GraphiQLHandlerOptions graphiql, int hstsMaxAgeSeconds) {
    this.graphiqlPolicy = "default-src 'self'; script-src 'self' '" + graphiqlConfigScriptHash(graphiql) + "';"
        + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self';"
        + " object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    this.hsts = hstsMaxAgeSeconds > 0 ? "max-age=" + hstsMaxAgeSeconds + "; includeSubDomains" : null;
  }

  /** The first handler of every request. */
  public void handle(RoutingContext rc) {
    boolean noStore = rc.request().getHeader("Authorization") != null
        || rc.request().path().startsWith("/api/v1/auth/");
    String path = rc.request().path();
    boolean graphiql = path.startsWith("/graphiql");
    boolean page = path.startsWith("/console/") || path.startsWith("/public/") || path.startsWith("/assets/")
        || path.startsWith("/docs/");
    rc.addHeadersEndHandler(v -> {
      MultiMap h = rc.response().headers();
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      h.set("X-Frame-Options", "DENY");
      String type = h.get("Content-Type");
      boolean html = type != null && type.startsWith("text/html");
      h.set("Content-Security-Policy", page ? PAGE_POLICY
          : !html ? API_POLICY : graphiql ? graphiqlPolicy : DOCUMENT_POLICY);
      if (hsts != null) {
        h.set("Strict-Transport-Security", hsts);
      }
      if (noStore) {
        h.set("Cache-Control", "no-store");
      }
    });
    rc.next();
  }

  /**
   * The CSP hash of the inline script GraphiQL's page starts with, {@code window.VERTX_GRAPHIQL_CONFIG=…}: the
   * same JSON vertx-web-graphql writes for these options (a test compares it with the page served).
   */
  static String graphiqlConfigScriptHash(GraphiQLHandlerOptions o) {
    JsonObject config = new JsonObject().put("httpEnabled", o.isHttpEnabled());
    if (o.getGraphQLUri() != null) {
      config.put("graphQLUri", o.getGraphQLUri());
    }
    config.put("graphQLWSEnabled", o.isGraphQLWSEnabled());
    if (o.getGraphQLWSUri() != null) {
      config.put("graphQLWSUri", o.getGraphQLWSUri());
    }
    if (o.getWsConnectionParams() != null) {
      config.put("wsConnectionParams", o.getWsConnectionParams());
    }
    if (o.getHeaders() != null && !o.getHeaders().isEmpty()) {
      config.put("headers", new JsonObject(new java.util.LinkedHashMap<>(o.getHeaders())));
    }
    if (o.getQuery() != null) {
      config.put("query", o.getQuery());
    }
    if (o.getVariables() != null) {
      config.put("parameters", o.getVariables());
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("window.VERTX_GRAPHIQL_CONFIG=" + config.encode()).getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
