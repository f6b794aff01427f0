package cn.tongban.plugin;

import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.Map;

/** What a plugin is started with. */
public interface PluginContext {

  /** The platform's settings (its TONGBAN_* environment), e.g. a department interface's URL and key. */
  Map<String, String> settings();

  /** Vert.x, for timers and the HTTP client; a plugin never blocks its threads. */
  Vertx vertx();

  /** The platform clock (tests move it). */
  Clock clock();

  /** A context of these parts (the host's, and tests'). */
  static PluginContext of(Vertx vertx, Clock clock, Map<String, String> settings) {
    Map<String, String> copy = Map.copyOf(settings);
    return new PluginContext() {
      public Map<String, String> settings() {
        return copy;
      }

      public Vertx vertx() {
        return vertx;
      }

      public Clock clock() {
        return clock;
      }
    };
  }
}
