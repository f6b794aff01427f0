package cn.tongban.core.page;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a list: the items, each item's own cursor (for Relay edges), and the cursor of the next
 * page when there is one.
 */
public record Page<T>(List<T> items, List<String> cursors, Optional<String> nextCursor) {

  /** A page of {@code rows} fetched with one extra row to tell whether another page follows. */
  public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> cursorOf) {
    boolean more = rows.size() > limit;
    List<T> items = List.copyOf(more ? rows.subList(0, limit) : rows);
    List<String> cursors = items.stream().map(cursorOf).toList();
    return new Page<>(items, cursors, more ? Optional.of(cursors.get(cursors.size() - 1)) : Optional.empty());
  }

  public JsonObject toJson(Function<T, JsonObject> item) {
    JsonArray array = new JsonArray();
    items.forEach(i -> array.add(item.apply(i)));
    // nextCursor is always there, null on the last page, as the public contract shows it.
    return new JsonObject().put("items", array).put("nextCursor", nextCursor.orElse(null));
  }
}
