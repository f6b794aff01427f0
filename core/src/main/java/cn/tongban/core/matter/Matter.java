package cn.tongban.core.matter;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * 事项: a catalogue entry. {@code document} is the whole national-standard description (materials,
 * limits, channels, …); the other fields are what the catalogue is searched by.
 */
public record Matter(
    String code,
    String name,
    String type,
    Department department,
    JsonArray levels,
    boolean sameCity,
    int starLevel,
    double promisedDays,
    double legalDays,
    int sortOrder,
    JsonObject document) {

  /** The department that accepts and decides the matter. */
  public record Department(String code, String name) {
    public JsonObject toJson() {
      return new JsonObject().put("code", code).put("name", name);
    }
  }

  /** The catalogue-list view. */
  public JsonObject toSummaryJson() {
    return new JsonObject()
        .put("code", code)
        .put("name", name)
        .put("type", type)
        .put("department", department.toJson())
        .put("levels", levels.copy())
        .put("sameCity", sameCity)
        .put("starLevel", starLevel)
        .put("promisedDays", promisedDays)
        .put("legalDays", legalDays);
  }

  /** The detail view: the whole document, with the derived fields. */
  public JsonObject toDetailJson() {
    JsonObject json = document.copy();
    json.mergeIn(toSummaryJson());
    json.put("materials", document.getJsonArray("materials", new JsonArray()).copy());
    return json;
  }
}
