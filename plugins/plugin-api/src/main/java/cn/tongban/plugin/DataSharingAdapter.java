package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A department's data source reached live (公安 population, 民政, 社保, 市场监管 enterprise registry), so that
 * materials the government already holds are not asked for again (国务院令第716号). Found by
 * {@link java.util.ServiceLoader}; an adapter serves the sources it names, and every other source is read
 * from the department's dataset imported into the platform's database.
 */
public interface DataSharingAdapter {

  /** The sources this adapter answers for. */
  Set<String> sources();

  /** Configures itself from the platform settings (e.g. the department interface's URL and key). */
  default void configure(Map<String, String> settings) {
  }

  /** The source's record of the subject, or empty; a failure is a failure of the lookup, not "no record". */
  Future<Optional<JsonObject>> lookup(HandlerContext context, String source, String subjectKey);
}
