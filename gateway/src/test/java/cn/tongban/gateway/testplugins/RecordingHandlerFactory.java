package cn.tongban.gateway.testplugins;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.FormHandler;
import cn.tongban.plugin.FormHandlerFactory;
import cn.tongban.plugin.HandlerContext;
import cn.tongban.plugin.PluginContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real form handler installed only in the gateway's tests: it records the side-effect hooks the outbox
 * relay calls, and fails them for the matters a test marks as failing; its start and stop go to
 * {@link RecordingSinkFactory#LIFECYCLE}.
 */
public final class RecordingHandlerFactory implements FormHandlerFactory {
  /** Every hook call, as {@code HOOK:case number}, in the order they came. */
  public static final List<String> CALLS = new CopyOnWriteArrayList<>();
  /** Matters whose hooks fail. */
  public static final Set<String> FAILING = ConcurrentHashMap.newKeySet();
  /** Matters whose hooks take {@value #SLOW_MILLIS} ms (a slow notification service). */
  public static final Set<String> SLOW = ConcurrentHashMap.newKeySet();
  public static final long SLOW_MILLIS = 500;

  @Override
  public String id() {
    return "test-recorder";
  }

  @Override
  public Future<Void> start(PluginContext context) {
    RecordingSinkFactory.LIFECYCLE.add("start:" + id());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    RecordingSinkFactory.LIFECYCLE.add("stop:" + id());
    return Future.succeededFuture();
  }

  @Override
  public JsonObject configSchema() {
    return new JsonObject().put("type", "object").put("properties", new JsonObject());
  }

  @Override
  public FormHandler create(JsonObject config) {
    return new FormHandler() {
      @Override
      public Future<Void> onSubmit(HandlerContext context, CaseView view) {
        return SLOW.contains(view.matterCode())
            ? context.vertx().timer(SLOW_MILLIS).compose(t -> record("SUBMIT", view))
            : record("SUBMIT", view);
      }

      @Override
      public Future<Void> onAccept(HandlerContext context, CaseView view) {
        return record("ACCEPT", view);
      }
    };
  }

  private static Future<Void> record(String hook, CaseView view) {
    if (FAILING.contains(view.matterCode())) {
      return Future.failedFuture("the notification service is down");
    }
    CALLS.add(hook + ":" + view.number().orElseThrow());
    return Future.succeededFuture();
  }
}
