package cn.tongban.gateway.ops;

import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.config.TongbanConfig.Observability;
import cn.tongban.core.infra.Meters;
import cn.tongban.plugin.Trace;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Metrics for operators (docs/operations.md#metrics): Vert.x built with Micrometer and a Prometheus registry when
 * TONGBAN_METRICS is {@code token} or {@code port}, the {@code /metrics} endpoint and its protection, and the
 * event-loop lag probe. With metrics off nothing here is installed and requests pay nothing for it.
 */
public final class Telemetry {
  private Telemetry() {
  }

  /**
   * A Vert.x builder for this configuration: with the Micrometer metrics factory when metrics are on (the SQL
   * pools, outbound HTTP and the JVM report through it), with OpenTelemetry's tracer when spans are exported
   * ({@link OpenTelemetryExport}). Registers the trace's context local first.
   */
  public static VertxBuilder vertxBuilder(TongbanConfig config, VertxOptions options) {
    Trace.install();
    Observability o = config.observability();
    if (o.metrics() == Observability.Metrics.OFF) {
      return OpenTelemetryExport.install(o.otelEndpoint(), options, Vertx.builder().with(options));
    }
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The platform's own series (core's Meters) go to the process-wide registry; the Prometheus one joins it.
    Metrics.addRegistry(prometheus);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true);
    // Requests are timed per operation by RequestMetrics instead of per path; connection byte counts, the event
    // bus and verticles cost per message and tell an operator little here.
    for (MetricsDomain off : new MetricsDomain[] {MetricsDomain.HTTP_SERVER, MetricsDomain.NET_SERVER,
        MetricsDomain.NET_CLIENT, MetricsDomain.DATAGRAM_SOCKET, MetricsDomain.EVENT_BUS, MetricsDomain.VERTICLES}) {
      metrics.addDisabledMetricsCategory(off);
    }
    options.setMetricsOptions(metrics);
    return OpenTelemetryExport.install(o.otelEndpoint(), options,
        Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(prometheus)));
  }

  /** The Prometheus registry of this process, when metrics are on. */
  public static Optional<PrometheusMeterRegistry> prometheus() {
    return Metrics.globalRegistry.getRegistries().stream().filter(PrometheusMeterRegistry.class::isInstance)
        .map(PrometheusMeterRegistry.class::cast).findFirst();
  }

  /** Takes the Prometheus registry out of the process-wide one (the node stops; tests start another). */
  public static void close() {
    OpenTelemetryExport.close();
    prometheus().ifPresent(p -> {
      Metrics.removeRegistry(p);
      p.close();
    });
  }

  /**
   * Mounts {@code GET /metrics} on the API router in {@code token} mode (refused without the token, 401). In
   * {@code port} mode nothing is mounted here: see {@link #listen}.
   */
  public static void mount(Router router, Observability o) {
    if (o.metrics() == Observability.Metrics.TOKEN) {
      prometheus().ifPresent(p -> router.get("/metrics").handler(rc -> scrape(rc, p, o.metricsToken())));
    }
  }

  /** In {@code port} mode, the management server: {@code GET /metrics} alone, on its own port. */
  public static Future<Optional<HttpServer>> listen(Vertx vertx, Observability o) {
    Optional<PrometheusMeterRegistry> p = prometheus();
    if (o.metrics() != Observability.Metrics.PORT || p.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    Router router = Router.router(vertx);
    router.get("/metrics").handler(rc -> scrape(rc, p.get(), o.metricsToken()));
    return vertx.createHttpServer(new HttpServerOptions().setHost(o.metricsHost()).setPort(o.metricsPort()))
        .requestHandler(router).listen().map(Optional::of);
  }

  private static void scrape(RoutingContext rc, PrometheusMeterRegistry p, Optional<String> token) {
    if (token.isPresent() && !bearer(rc.request().getHeader("Authorization"), token.get())) {
      rc.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"").end();
      return;
    }
    rc.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(p.scrape());
  }

  private static boolean bearer(String header, String token) {
    return header != null && header.startsWith("Bearer ") && MessageDigest.isEqual(
        header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Measures how late a 1 s timer fires on the calling verticle's event loop (each gateway instance has its
   * own loop): the lag every request on that loop waits on top of its own work. Returns the timer id.
   */
  public static long probeEventLoopLag(Vertx vertx) {
    if (!Meters.enabled()) {
      return -1;
    }
    Timer lag = Meters.timer("tongban.event.loop.lag", "how late a 1 s timer fired on a gateway event loop");
    long[] last = {System.nanoTime()};
    return vertx.setPeriodic(1000, id -> {
      long now = System.nanoTime();
      lag.record(Math.max(0, now - last[0] - 1_000_000_000L), TimeUnit.NANOSECONDS);
      last[0] = now;
    });
  }
}
