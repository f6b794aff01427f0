package cn.tongban.plugin;

import io.vertx.core.Future;

/**
 * One extension of the platform: found by {@link java.util.ServiceLoader} as {@code cn.tongban.plugin.Plugin}
 * (class path and plugin directory), started once when the platform starts and stopped when it closes. Each
 * kind has its own interface extending this one ({@link PluginKind}), which fixes {@link #kind()}; implement
 * that interface, not this one.
 *
 * <p>Ids are unique across all kinds: two plugins with one id stop the start. {@link #start} is called in load
 * order before the platform serves anything, each with {@link #START_TIMEOUT_MS}; a failed or overrunning
 * start stops the platform start. {@link #stop} is called in reverse order when the platform closes, each with
 * {@link #STOP_TIMEOUT_MS}; a failure there is logged and the others are still stopped.
 */
public interface Plugin {
  /** The time each {@link #start} has. */
  long START_TIMEOUT_MS = 10_000;
  /** The time each {@link #stop} has. */
  long STOP_TIMEOUT_MS = 5_000;

  /** A stable id, unique across every plugin installed: lower case, digits and hyphens, e.g. {@code exchange-push}. */
  String id();

  /** What this plugin extends; fixed by the kind's interface. */
  PluginKind kind();

  /**
   * Configures the plugin from the platform's settings and acquires what it holds (connections, timers);
   * never blocks (use {@code context.vertx().executeBlocking}). A failed future stops the platform start.
   */
  default Future<Void> start(PluginContext context) {
    return Future.succeededFuture();
  }

  /** Releases what {@link #start} acquired; called once, when the platform closes. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }
}
