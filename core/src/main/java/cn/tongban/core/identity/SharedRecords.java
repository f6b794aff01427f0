package cn.tongban.core.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * What departments' shared data (数据共享) holds on a subject, for checks the platform makes itself: the name
 * on record of a person someone else names, an enterprise's legal representative. The plugin host answers
 * (live adapter, else imported dataset); {@code Platform} wires it.
 */
@FunctionalInterface
public interface SharedRecords {
  /** 公安's population registry, by identity number. */
  String POPULATION = "gongan-population";
  /** 市场监管's enterprise registration, by unified social credit code. */
  String ENTERPRISES = "scjg-enterprise";

  Future<Optional<JsonObject>> record(String source, String key);

  /** No shared data (tests of a service alone). */
  SharedRecords NONE = (source, key) -> Future.succeededFuture(Optional.empty());
}
