package cn.tongban.core.form;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The form builder's field types (resource {@code form/field-types.json}): each a standard JSON Schema 2020-12
 * fragment plus the UI-schema widget that marks it, so a built form is plain JSON Schema with no private dialect.
 * Read once when the class loads (at platform start), never on an event loop.
 */
public final class FieldTypes {
  private static final JsonArray ALL = load();

  private FieldTypes() {
  }

  /** Every field type, in palette order (a copy). */
  public static JsonArray all() {
    return ALL.copy();
  }

  private static JsonArray load() {
    try (InputStream in = FieldTypes.class.getResourceAsStream("/form/field-types.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonArray("fieldTypes");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
