package cn.tongban.core.plugin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A holder's valid e-licences of one type, newest first, each as its holder reads it: what
 * {@code HandlerContext.licences} answers handlers with. The licence library answers it
 * ({@code LicenceService.validOf}, wired in {@code Platform}), so that the plugin host runs no SQL on its
 * tables.
 */
@FunctionalInterface
public interface LicenceLookup {
  /** No library: every holder has none (tests that need no licences). */
  LicenceLookup NONE = (holderCode, typeName) -> Future.succeededFuture(List.of());

  Future<List<JsonObject>> valid(String holderCode, String typeName);
}
