package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.Optional;

/** The platform services a handler may use. */
public interface HandlerContext {

  /** Vert.x, for timers and the HTTP client; a handler never blocks its threads. */
  Vertx vertx();

  /** The platform clock (tests move it). */
  Clock clock();

  /**
   * What a department's source holds on one subject (数据共享): {@code source} names the source (e.g.
   * {@code gongan-population}), {@code subjectKey} the person or enterprise (an identity number or a credit
   * code). Empty when the source has no record of them. Answered by the {@link DataSharingAdapter} that
   * serves the source, else from the department's dataset imported into the platform's database.
   */
  Future<Optional<JsonObject>> sharedData(String source, String subjectKey);
}
