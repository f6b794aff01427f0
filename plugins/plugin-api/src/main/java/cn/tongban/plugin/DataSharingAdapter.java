package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A department's data source reached live (公安 population, 民政, 社保, 市场监管 enterprise registry), so that
 * materials the government already holds are not asked for again (国务院令第716号): a {@link Plugin} of kind
 * {@link PluginKind#DATA_SOURCE}. An adapter serves the sources it names, and every other source is read
 * from the department's dataset imported into the platform's database.
 */
public interface DataSharingAdapter extends Plugin {

  /**
   * A stable id, unique across plugins. The default, the class name, keeps adapters written before ids
   * existed loading; give yours a short one (e.g. {@code gongan-population}).
   */
  @Override
  default String id() {
    return getClass().getName();
  }

  @Override
  default PluginKind kind() {
    return PluginKind.DATA_SOURCE;
  }

  /**
   * The sources this adapter answers for: a fixed set, read when the plugins are loaded (before
   * {@link #start}), so that two adapters claiming one source stop the start.
   */
  Set<String> sources();

  /** Configures itself from the platform settings (e.g. the department interface's URL and key). */
  default void configure(Map<String, String> settings) {
  }

  /** Calls {@link #configure} with the platform settings; override it instead for asynchronous set-up. */
  @Override
  default Future<Void> start(PluginContext context) {
    configure(context.settings());
    return Future.succeededFuture();
  }

  /**
   * Whether the adapter answers now (read on every lookup). False, e.g. when the settings configure no
   * endpoint, lets the department's imported dataset answer the adapter's sources as if it were not installed.
   */
  default boolean live() {
    return true;
  }

  /** The source's record of the subject, or empty; a failure is a failure of the lookup, not "no record". */
  Future<Optional<JsonObject>> lookup(HandlerContext context, String source, String subjectKey);
}
