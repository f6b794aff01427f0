package cn.tongban.plugin;

import io.vertx.core.json.JsonObject;

/**
 * Makes form handlers of one kind. Found with {@link java.util.ServiceLoader}; created once, when the
 * platform starts. A matter's form definition names the handlers it uses by {@link #id()}, with a
 * configuration that is checked against {@link #configSchema()} before the form can be published.
 */
public interface FormHandlerFactory {

  /** A stable, unique id, e.g. {@code identity-check}: lower case, digits and hyphens. */
  String id();

  /** The JSON Schema (2020-12) of this handler's configuration. */
  JsonObject configSchema();

  /** A handler for one form version, with its (already checked) configuration. */
  FormHandler create(JsonObject config);
}
