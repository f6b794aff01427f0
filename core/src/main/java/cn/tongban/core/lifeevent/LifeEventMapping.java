package cn.tongban.core.lifeevent;

import cn.tongban.core.problem.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a life event's combined form feeds one of its matters: {@code fields} maps a pointer of the matter's
 * form to a pointer of the combined form, {@code constants} gives a matter's field a fixed value. The
 * reverse turns a matter's violation back into a pointer of the combined form, so the applicant sees it
 * at the field they typed.
 */
final class LifeEventMapping {
  private LifeEventMapping() {
  }

  /** The matter's form data made from the combined form's data. */
  static JsonObject dataFor(JsonObject entry, JsonObject combined) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> f : entry.getJsonObject("fields", new JsonObject())) {
      get(combined, String.valueOf(f.getValue())).ifPresent(v -> put(out, f.getKey(), v));
    }
    for (Map.Entry<String, Object> c : entry.getJsonObject("constants", new JsonObject())) {
      put(out, c.getKey(), c.getValue());
    }
    return out;
  }

  /**
   * A matter's violation as one of the combined request: {@code /data/<target>…} becomes
   * {@code /data/<source>…}; materials keep the index the combined request used ({@code materialIndex}:
   * the matter's index → the request's); what has no field of its own in the combined form (a constant)
   * points at {@code /data} and names the matter.
   */
  static Violation back(JsonObject entry, String matterName, Violation v, List<Integer> materialIndex,
      java.util.function.BiFunction<String, String, String> prefixed) {
    String p = v.pointer();
    if (p.startsWith("/data/") || p.equals("/data")) {
      String inner = p.substring("/data".length());
      String best = null;
      for (Map.Entry<String, Object> f : entry.getJsonObject("fields", new JsonObject())) {
        String target = f.getKey();
        if ((inner.equals(target) || inner.startsWith(target + "/")) && (best == null || target.length() > best.length())) {
          best = target;
        }
      }
      if (best != null) {
        String source = entry.getJsonObject("fields").getString(best);
        return new Violation("/data" + source + inner.substring(best.length()), v.code(), v.message());
      }
      return new Violation("/data", v.code(), prefixed.apply(matterName, v.message()));
    }
    if (p.startsWith("/materials/")) {
      String[] parts = p.split("/", 4);
      try {
        int i = Integer.parseInt(parts[2]);
        String rest = parts.length > 3 ? "/" + parts[3] : "";
        return new Violation("/materials/" + materialIndex.get(i) + rest, v.code(), v.message());
      } catch (RuntimeException e) {
        return v;
      }
    }
    return new Violation(p, v.code(), prefixed.apply(matterName, v.message()));
  }

  /** The materials of the combined request that belong to a matter, and for each its index in the request. */
  record Materials(JsonArray given, List<Integer> index) {
  }

  static Materials materialsFor(JsonObject matterDocument, JsonArray given) {
    java.util.Set<String> codes = new java.util.HashSet<>();
    matterDocument.getJsonArray("materials", new JsonArray()).forEach(o -> codes.add(((JsonObject) o).getString("code")));
    JsonArray mine = new JsonArray();
    List<Integer> index = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      if (given.getValue(i) instanceof JsonObject ref && codes.contains(ref.getString("code"))) {
        mine.add(ref);
        index.add(i);
      }
    }
    return new Materials(mine, index);
  }

  /** Whether {@code pointer} names a property the schema declares (through nested {@code properties}). */
  static boolean declares(JsonObject schema, String pointer) {
    JsonObject at = schema;
    for (String token : tokens(pointer)) {
      JsonObject props = at.getJsonObject("properties");
      if (props == null || !(props.getValue(token) instanceof JsonObject next)) {
        return false;
      }
      at = next;
    }
    return !pointer.isEmpty();
  }

  static Optional<Object> get(JsonObject data, String pointer) {
    Object at = data;
    for (String token : tokens(pointer)) {
      if (!(at instanceof JsonObject o) || !o.containsKey(token)) {
        return Optional.empty();
      }
      at = o.getValue(token);
    }
    return Optional.ofNullable(at);
  }

  private static void put(JsonObject data, String pointer, Object value) {
    List<String> tokens = tokens(pointer);
    JsonObject at = data;
    for (int i = 0; i < tokens.size() - 1; i++) {
      if (!(at.getValue(tokens.get(i)) instanceof JsonObject)) {
        at.put(tokens.get(i), new JsonObject());
      }
      at = at.getJsonObject(tokens.get(i));
    }
    if (!tokens.isEmpty()) {
      at.put(tokens.get(tokens.size() - 1), value);
    }
  }

  private static List<String> tokens(String pointer) {
    List<String> out = new ArrayList<>();
    if (pointer == null || pointer.isEmpty()) {
      return out;
    }
    for (String t : pointer.substring(1).split("/", -1)) {
      out.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }
}
