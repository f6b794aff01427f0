package cn.tongban.core.plugin;

import cn.tongban.plugin.DataSharingAdapter;
import cn.tongban.plugin.HandlerContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A department source reached live, as a third party would write one (here the registry answers from the
 * enterprise it was configured with instead of calling out), registered through ServiceLoader.
 */
public final class LiveRegistryAdapter implements DataSharingAdapter {
  private String creditCode;
  private String name;
  private String downFor;

  @Override
  public Set<String> sources() {
    return Set.of("test-live-registry");
  }

  @Override
  public void configure(Map<String, String> settings) {
    creditCode = settings.get("TEST_REGISTRY_CREDIT_CODE");
    name = settings.get("TEST_REGISTRY_NAME");
    downFor = settings.get("TEST_REGISTRY_DOWN_FOR");
  }

  @Override
  public Future<Optional<JsonObject>> lookup(HandlerContext context, String source, String subjectKey) {
    if (subjectKey.equals(downFor)) {
      return Future.failedFuture("the registry is down");
    }
    return Future.succeededFuture(subjectKey.equals(creditCode)
        ? Optional.of(new JsonObject().put("name", name).put("registeredCapital", 500))
        : Optional.empty());
  }
}
