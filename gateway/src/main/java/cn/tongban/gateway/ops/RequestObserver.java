package cn.tongban.gateway.ops;

import cn.tongban.core.infra.Meters;
import cn.tongban.gateway.http.RequestContext;
import cn.tongban.plugin.Trace;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Times each request per operation and status ({@code tongban_http_requests_seconds}) and writes the access log
 * (logger {@code tongban.access}, one line per request: method, operation, status, duration, trace id). Installed
 * only when metrics or the access log are on. Operations, never paths: a path carries case numbers and ids, and
 * a query string may carry personal data; neither is recorded.
 */
public final class RequestObserver implements Handler<RoutingContext> {
  static final Logger ACCESS = Logger.getLogger("tongban.access");
  private final boolean metrics;
  private final boolean access;
  /** One timer per operation and status, looked up without building tags on each request. */
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

  public RequestObserver(boolean metrics, boolean access) {
    this.metrics = metrics;
    this.access = access;
  }

  @Override
  public void handle(RoutingContext rc) {
    long start = System.nanoTime();
    rc.addEndHandler(ar -> done(rc, start));
    rc.next();
  }

  private void done(RoutingContext rc, long start) {
    long nanos = System.nanoTime() - start;
    int status = rc.response().getStatusCode();
    Trace trace = RequestContext.trace(rc);
    String operation = trace == null || trace.operation() == null ? unnamed(rc.request().path())
        : trace.operation().startsWith("graphql:") ? "graphql" : trace.operation();
    if (metrics) {
      timers.computeIfAbsent(operation + ' ' + status, k -> Timer.builder("tongban.http.requests")
          .description("HTTP requests by operation id (REST), graphql, static or unmatched, and status")
          .tag("operation", operation).tag("status", String.valueOf(status))
          .serviceLevelObjectives(Meters.LATENCY_BUCKETS).register(Meters.registry())).record(nanos, TimeUnit.NANOSECONDS);
    }
    if (access) {
      String named = trace != null && trace.operation() != null ? trace.operation()
          : operation.equals("static") ? rc.request().path() : operation;
      ACCESS.info(rc.request().method().name() + ' ' + named + ' ' + status + ' '
          + String.format(Locale.ROOT, "%.1fms", nanos / 1e6) + " trace=" + RequestContext.traceId(rc));
    }
  }

  /** What a request no operation took is counted as: a few fixed names. */
  private static String unnamed(String path) {
    if (path == null) {
      return "unmatched";
    }
    if (path.startsWith("/graphql")) {
      return "graphql";
    }
    if (path.equals("/metrics")) {
      return "metrics";
    }
    return path.startsWith("/api/") ? "unmatched" : "static";
  }
}
