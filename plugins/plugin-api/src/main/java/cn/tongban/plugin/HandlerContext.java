package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.List;
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

  /**
   * The valid e-licences of type {@code typeName} (e.g. 居民户口簿) the library holds for a holder (an identity
   * number or a credit code), newest first, each as its holder reads it: {@code identifier}, {@code number},
   * {@code holderName}, {@code validUntil}, … and its surface data under {@code surface}.
   */
  default Future<List<JsonObject>> licences(String holderCode, String typeName) {
    return Future.succeededFuture(List.of());
  }
}
