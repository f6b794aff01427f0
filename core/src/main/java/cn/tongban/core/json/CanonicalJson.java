package cn.tongban.core.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON with its keys sorted, so equal content has one text and one hash whatever order it came in. */
public final class CanonicalJson {
  private CanonicalJson() {
  }

  /** The canonical text of {@code json}: keys sorted at every level, no insignificant whitespace. */
  public static String text(JsonObject json) {
    return ((JsonObject) sorted(json)).encode();
  }

  /** The SHA-256 (hex) of the canonical text of {@code json}. */
  public static String sha256(JsonObject json) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text(json).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object sorted(Object value) {
    if (value instanceof JsonObject o) {
      Map<String, Object> map = new TreeMap<>();
      o.forEach(entry -> map.put(entry.getKey(), sorted(entry.getValue())));
      return new JsonObject(new LinkedHashMap<>(map));
    }
    if (value instanceof JsonArray a) {
      List<Object> list = new ArrayList<>();
      a.forEach(v -> list.add(sorted(v)));
      return new JsonArray(list);
    }
    return value;
  }
}
