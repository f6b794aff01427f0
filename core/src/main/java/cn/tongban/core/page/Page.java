package cn.tongban.core.page;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.AbstractList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a list: the items, each item's own cursor (for Relay edges), and the cursor of the next
 * page when there is one.
 */
public record Page<T>(List<T> items, List<String> cursors, Optional<String> nextCursor) {

  /**
   * A page of {@code rows} fetched with one extra row to tell whether another page follows. Each item's cursor
   * is made when first asked for (a REST page shows only the next page's; GraphQL edges show each).
   */
  public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> cursorOf) {
    boolean more = rows.size() > limit;
    List<T> items = List.copyOf(more ? rows.subList(0, limit) : rows);
    List<String> cursors = new Cursors<>(items, cursorOf);
    return new Page<>(items, cursors, more ? Optional.of(cursors.get(cursors.size() - 1)) : Optional.empty());
  }

  /**
   * The items' cursors, each made once when first read. A page may be kept and read on several event loops (the
   * catalogue's): two may make the same cursor at once, and either copy is the same immutable text.
   */
  private static final class Cursors<T> extends AbstractList<String> {
    private final List<T> items;
    private final Function<T, String> cursorOf;
    private final String[] made;

    Cursors(List<T> items, Function<T, String> cursorOf) {
      this.items = items;
      this.cursorOf = cursorOf;
      this.made = new String[items.size()];
    }

    @Override
    public String get(int i) {
      String c = made[i];
      if (c == null) {
        c = cursorOf.apply(items.get(i));
        made[i] = c;
      }
      return c;
    }

    @Override
    public int size() {
      return made.length;
    }
  }

  public JsonObject toJson(Function<T, JsonObject> item) {
    JsonArray array = new JsonArray();
    items.forEach(i -> array.add(item.apply(i)));
    // nextCursor is always there, null on the last page, as the public contract shows it.
    return new JsonObject().put("items", array).put("nextCursor", nextCursor.orElse(null));
  }
}
