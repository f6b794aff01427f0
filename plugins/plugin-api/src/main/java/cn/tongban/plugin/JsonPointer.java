package cn.tongban.plugin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/** Reads a value from form data by JSON pointer (RFC 6901), for handlers configured with field pointers. */
public final class JsonPointer {
  private JsonPointer() {
  }

  public static Optional<Object> read(JsonObject data, String pointer) {
    if (pointer == null || !pointer.startsWith("/")) {
      return Optional.empty();
    }
    Object node = data;
    for (String raw : pointer.substring(1).split("/", -1)) {
      String key = raw.replace("~1", "/").replace("~0", "~");
      if (node instanceof JsonObject o) {
        node = o.getValue(key);
      } else if (node instanceof JsonArray a && key.matches("\\d+") && Integer.parseInt(key) < a.size()) {
        node = a.getValue(Integer.parseInt(key));
      } else {
        return Optional.empty();
      }
      if (node == null) {
        return Optional.empty();
      }
    }
    return Optional.of(node);
  }
}
