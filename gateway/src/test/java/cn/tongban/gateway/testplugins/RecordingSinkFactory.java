package cn.tongban.gateway.testplugins;

import cn.tongban.plugin.EventSink;
import cn.tongban.plugin.EventSinkFactory;
import cn.tongban.plugin.PluginContext;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An event sink installed only in the gateway's tests, never configured (it makes no sink): it records its
 * start and stop, with {@link RecordingHandlerFactory}'s, and fails its start when
 * {@code TONGBAN_TEST_SINK_FAIL_START} is set.
 */
public final class RecordingSinkFactory implements EventSinkFactory {
  /** {@code start:<id>} and {@code stop:<id>} of the test plugins, in the order they came. */
  public static final List<String> LIFECYCLE = new CopyOnWriteArrayList<>();

  @Override
  public String id() {
    return "test-sink";
  }

  @Override
  public Future<Void> start(PluginContext context) {
    LIFECYCLE.add("start:" + id());
    return context.settings().containsKey("TONGBAN_TEST_SINK_FAIL_START")
        ? Future.failedFuture("the test sink's endpoint refused its key") : Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    LIFECYCLE.add("stop:" + id());
    return Future.succeededFuture();
  }

  @Override
  public Optional<EventSink> create(Map<String, String> settings) {
    return Optional.empty();
  }
}
