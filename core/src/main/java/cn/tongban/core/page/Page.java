package cn.tongban.core.page;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** One page of a list, and the opaque cursor of the next page when there is one. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {

  public JsonObject toJson(Function<T, JsonObject> item) {
    JsonArray array = new JsonArray();
    items.forEach(i -> array.add(item.apply(i)));
    return new JsonObject().put("items", array).put("nextCursor", nextCursor.orElse(null));
  }
}
