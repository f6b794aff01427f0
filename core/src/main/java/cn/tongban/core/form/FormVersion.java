package cn.tongban.core.form;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * One version of a matter's form: the data schema, its UI schema, the handlers it uses and which data
 * fields carry which materials. A version never changes once created; a change is a new version.
 */
public record FormVersion(String matterCode, int version, Status status, JsonObject schema, JsonObject uiSchema,
    JsonArray handlers, JsonArray materialBindings, Optional<OffsetDateTime> createdAt,
    Optional<OffsetDateTime> publishedAt) {

  /** draft → published (immutable) → retired. */
  public enum Status { DRAFT, PUBLISHED, RETIRED }

  /** The definition as authors write it (and as export files carry it). */
  public JsonObject definition() {
    return new JsonObject()
        .put("schema", schema)
        .put("uiSchema", uiSchema)
        .put("handlers", handlers)
        .put("materialBindings", materialBindings);
  }

  /** The published form as applicants' clients read it. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("version", version)
        .put("status", status.name())
        .put("schema", schema)
        .put("uiSchema", uiSchema);
  }

  /** The authoring view: everything, with its dates. */
  public JsonObject toAuthoringJson() {
    JsonObject json = definition().put("version", version).put("status", status.name());
    createdAt.ifPresent(t -> json.put("createdAt", t.toString()));
    publishedAt.ifPresent(t -> json.put("publishedAt", t.toString()));
    return json;
  }
}
