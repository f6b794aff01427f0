package cn.tongban.gateway;

import cn.tongban.core.Platform;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.config.TongbanConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import cn.tongban.gateway.ops.Telemetry;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A started platform and its HTTP server; stopping closes the server first, then the stores and embedded servers. */
public final class Running {
  private final Vertx vertx;
  private final Platform platform;
  private final Gateway.Deployment gateway;
  /** The management server serving /metrics in TONGBAN_METRICS=port mode. */
  private final Optional<HttpServer> management;

  private Running(Vertx vertx, Platform platform, Gateway.Deployment gateway, Optional<HttpServer> management) {
    this.vertx = vertx;
    this.management = management;
    this.platform = platform;
    this.gateway = gateway;
  }

  /** Starts the platform and the gateway; on failure, stops whatever had started. */
  public static Future<Running> start(Vertx vertx, TongbanConfig config) {
    return start(vertx, config, Clock.system(CalendarService.ZONE));
  }

  /** Starts on the given clock (tests move it; time-dependent rules never sleep). */
  public static Future<Running> start(Vertx vertx, TongbanConfig config, Clock clock) {
    return Platform.start(vertx, config, clock).compose(platform -> Gateway.deploy(vertx, platform)
        .compose(deployment -> Telemetry.listen(vertx, config.observability())
            .map(management -> new Running(vertx, platform, deployment, management)))
        .recover(e -> platform.close().transform(x -> Future.failedFuture(e))));
  }

  public int port() {
    return gateway.port();
  }

  public Platform platform() {
    return platform;
  }

  /** The management server's port (TONGBAN_METRICS=port), if it runs. */
  public Optional<Integer> managementPort() {
    return management.map(HttpServer::actualPort);
  }

  /** Stops serving, then closes the stores and stops the embedded servers. */
  public Future<Void> stop() {
    Future<Void> closed = management.map(HttpServer::close).orElse(Future.succeededFuture());
    return closed.transform(x -> vertx.undeploy(gateway.id())).transform(ar -> platform.close())
        .andThen(ar -> Telemetry.close());
  }

  /**
   * Stops everything and closes Vert.x, waiting up to {@code timeout}. Call it from a thread that is not
   * Vert.x's own (a shutdown hook, a test): Vert.x's event loops end while it runs.
   */
  public void stopAndClose(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      stop().toCompletionStage().toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture()
          .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }
}
