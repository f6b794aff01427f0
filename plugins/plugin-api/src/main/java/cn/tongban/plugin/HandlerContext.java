package cn.tongban.plugin;

import io.vertx.core.Vertx;

import java.time.Clock;

/** The platform services a handler may use. */
public interface HandlerContext {

  /** Vert.x, for timers and the HTTP client; a handler never blocks its threads. */
  Vertx vertx();

  /** The platform clock (tests move it). */
  Clock clock();
}
