package cn.tongban.core.form;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What changed between two versions of a form: fields (JSON pointers into the data) added, removed and
 * changed, and fields that became required or optional.
 */
public final class FormChanges {
  private FormChanges() {
  }

  /** The changes from schema {@code from} to schema {@code to}. */
  public static JsonObject between(JsonObject from, JsonObject to) {
    Map<String, JsonObject> a = fields(from);
    Map<String, JsonObject> b = fields(to);
    JsonArray added = new JsonArray();
    JsonArray removed = new JsonArray();
    JsonArray changed = new JsonArray();
    for (var e : b.entrySet()) {
      if (!a.containsKey(e.getKey())) {
        added.add(new JsonObject().put("field", e.getKey()).put("title", e.getValue().getString("title")));
      } else if (!a.get(e.getKey()).equals(e.getValue())) {
        changed.add(new JsonObject().put("field", e.getKey()).put("title", e.getValue().getString("title"))
            .put("keywords", new JsonArray(keywordsChanged(a.get(e.getKey()), e.getValue()))));
      }
    }
    for (var e : a.entrySet()) {
      if (!b.containsKey(e.getKey())) {
        removed.add(new JsonObject().put("field", e.getKey()).put("title", e.getValue().getString("title")));
      }
    }
    Set<String> reqA = required(from, "");
    Set<String> reqB = required(to, "");
    Set<String> nowRequired = new TreeSet<>(reqB);
    nowRequired.removeAll(reqA);
    Set<String> nowOptional = new TreeSet<>(reqA);
    nowOptional.removeAll(reqB);
    return new JsonObject().put("added", added).put("removed", removed).put("changed", changed)
        .put("nowRequired", new JsonArray(java.util.List.copyOf(nowRequired)))
        .put("nowOptional", new JsonArray(java.util.List.copyOf(nowOptional)));
  }

  /**
   * Whether {@code pointer} (e.g. {@code /bankAccount/cardNumber}) names a field of {@code schema}; a field of a
   * repeating group's rows is named without a row number ({@code /familyMembers/name}).
   */
  public static boolean hasField(JsonObject schema, String pointer) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    collect(schema, "", out, true);
    return out.containsKey(pointer);
  }

  /** Every field of a schema by its pointer, with its own schema minus nested properties. */
  static Map<String, JsonObject> fields(JsonObject schema) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    collect(schema, "", out, false);
    return out;
  }

  private static void collect(JsonObject schema, String prefix, Map<String, JsonObject> out, boolean rows) {
    JsonObject props = schema.getJsonObject("properties");
    if (props == null) {
      return;
    }
    for (String name : props.fieldNames()) {
      Object value = props.getValue(name);
      if (!(value instanceof JsonObject child)) {
        continue;
      }
      String pointer = prefix + "/" + name.replace("~", "~0").replace("/", "~1");
      JsonObject own = child.copy();
      own.remove("properties");
      own.remove("required");
      out.put(pointer, own);
      collect(child, pointer, out, rows);
      if (rows && child.getValue("items") instanceof JsonObject items) {
        collect(items, pointer, out, true);
      }
    }
  }

  private static Set<String> required(JsonObject schema, String prefix) {
    Set<String> out = new TreeSet<>();
    schema.getJsonArray("required", new JsonArray()).forEach(r -> out.add(prefix + "/" + r));
    JsonObject props = schema.getJsonObject("properties", new JsonObject());
    for (String name : props.fieldNames()) {
      if (props.getValue(name) instanceof JsonObject child) {
        out.addAll(required(child, prefix + "/" + name));
      }
    }
    return out;
  }

  private static java.util.List<String> keywordsChanged(JsonObject a, JsonObject b) {
    Set<String> keys = new TreeSet<>(a.fieldNames());
    keys.addAll(b.fieldNames());
    return keys.stream().filter(k -> !Objects.equals(a.getValue(k), b.getValue(k))).toList();
  }
}
