package cn.tongban.gateway.http;

import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-origin access (CORS) for the configured origins only (TONGBAN_CORS_ORIGINS), preflights included.
 * A request without {@code Origin}, or from this node's own origin (GraphiQL), passes untouched; one from any
 * other origin is refused with 403 before anything else runs. No origin is configured by default: then no
 * browser page of another site may call the APIs, not even the public catalogue.
 */
public final class CrossOrigin implements Handler<RoutingContext> {
  private final Set<String> allowed;
  private final Optional<CorsHandler> cors;

  public CrossOrigin(List<String> origins) {
    this.allowed = Set.copyOf(origins);
    // CorsHandler with no origin would allow every origin ('*'): it is only built for a non-empty list.
    this.cors = origins.isEmpty() ? Optional.empty() : Optional.of(CorsHandler.create()
        .addOrigins(origins)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Accept", "Accept-Language", "Idempotency-Key",
            "If-Match"))
        .exposedHeaders(Set.of("Location", "ETag", "Retry-After", "X-Trace-Id"))
        .maxAgeSeconds(600));
  }

  @Override
  public void handle(RoutingContext rc) {
    String origin = rc.request().getHeader("Origin");
    if (origin == null || sameOrigin(origin, rc.request().authority())) {
      rc.next();
    } else if (allowed.contains(origin)) {
      cors.orElseThrow().handle(rc);
    } else {
      rc.fail(new DomainException(ProblemCode.FORBIDDEN, "cors.origin", origin));
    }
  }

  /** Whether the page came from this node (by host and port: TLS may end at a balancer in front). */
  private static boolean sameOrigin(String origin, HostAndPort authority) {
    try {
      URI page = URI.create(origin);
      return authority != null && authority.host().equalsIgnoreCase(page.getHost()) && authority.port() == page.getPort();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
