package cn.tongban.core.page;

import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Opaque paging cursors: the sort key of the last item, encoded so clients don't depend on it. */
public final class Cursor {
  private Cursor() {
  }

  public static String encode(Object... sortKey) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(new JsonArray(java.util.List.of(sortKey)).encode().getBytes(StandardCharsets.UTF_8));
  }

  /** The sort key in {@code cursor}; 400 when it is not one this platform made. */
  public static Optional<JsonArray> decode(Optional<String> cursor, int expectedSize) {
    if (cursor.isEmpty() || cursor.get().isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonArray key = new JsonArray(new String(Base64.getUrlDecoder().decode(cursor.get()), StandardCharsets.UTF_8));
      if (key.size() != expectedSize) {
        throw new IllegalArgumentException("size");
      }
      return Optional.of(key);
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      throw new DomainException(ProblemCode.BAD_REQUEST, "application.cursor");
    }
  }
}
