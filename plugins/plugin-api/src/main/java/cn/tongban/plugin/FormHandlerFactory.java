package cn.tongban.plugin;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Makes form handlers of one kind: a {@link Plugin} of kind {@link PluginKind#FORM_HANDLER}, created once,
 * when the platform starts. A matter's form definition names the handlers it uses by {@link #id()}, with a
 * configuration that is checked against {@link #configSchema()} before the form can be published.
 */
public interface FormHandlerFactory extends Plugin {

  /** A stable, unique id, e.g. {@code identity-check}: lower case, digits and hyphens. */
  @Override
  String id();

  @Override
  default PluginKind kind() {
    return PluginKind.FORM_HANDLER;
  }

  /** The JSON Schema (2020-12) of this handler's configuration. */
  JsonObject configSchema();

  /**
   * What is wrong with a configuration that its schema cannot say (e.g. an expression that does not
   * compile), by JSON pointer into the configuration, each with a message for form authors. Checked before
   * the form is published, after the schema; empty when the configuration can be used.
   */
  default Map<String, String> configProblems(JsonObject config) {
    return Map.of();
  }

  /** A handler for one form version, with its (already checked) configuration. */
  FormHandler create(JsonObject config);
}
