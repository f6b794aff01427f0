package cn.tongban.core.matter;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** One version of a matter's form: the data schema, its UI schema and the handlers it uses. */
public record FormVersion(String matterCode, int version, Status status, JsonObject schema, JsonObject uiSchema,
    JsonArray handlers) {

  /** draft → published (immutable) → retired. */
  public enum Status { DRAFT, PUBLISHED, RETIRED }

  public JsonObject toJson() {
    return new JsonObject()
        .put("version", version)
        .put("status", status.name())
        .put("schema", schema)
        .put("uiSchema", uiSchema);
  }
}
