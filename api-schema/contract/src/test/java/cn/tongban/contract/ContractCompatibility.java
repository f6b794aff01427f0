package cn.tongban.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes from a released OpenAPI document to a newer one that break the clients built on the released one:
 * a path or an operation removed; a parameter, a request body or a request field newly required; a response
 * status or a response field removed, or a response field no longer always sent; a type changed the wrong way
 * (a request no longer accepting what it accepted, a response sending what it never sent); a request enum value
 * removed. Additions — paths, operations, optional fields and parameters, response fields — are never flagged.
 * Schemas are compared through {@code $ref}s and {@code allOf}s; {@code oneOf}/{@code anyOf} are compared as a
 * whole only by their type.
 */
final class ContractCompatibility {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private final JsonNode released;
  private final JsonNode current;
  private final List<String> breaks = new ArrayList<>();
  private final Set<String> compared = new HashSet<>();

  private ContractCompatibility(JsonNode released, JsonNode current) {
    this.released = released;
    this.current = current;
  }

  /** What in {@code current} breaks a client of {@code released}, one sentence per break; empty when nothing. */
  static List<String> breakingChanges(JsonNode released, JsonNode current) {
    ContractCompatibility c = new ContractCompatibility(released, current);
    c.paths();
    return c.breaks;
  }

  private void paths() {
    JsonNode newPaths = current.path("paths");
    for (Iterator<Map.Entry<String, JsonNode>> it = released.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      JsonNode now = newPaths.path(path.getKey());
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (!METHODS.contains(op.getKey())) {
          continue;
        }
        String where = op.getKey().toUpperCase() + " " + path.getKey()
            + " (" + op.getValue().path("operationId").asText("?") + ")";
        JsonNode newOp = now.path(op.getKey());
        if (newOp.isMissingNode()) {
          breaks.add(where + ": operation removed");
          continue;
        }
        operation(where, op.getValue(), newOp, path.getValue().path("parameters"), now.path("parameters"));
      }
    }
  }

  private void operation(String where, JsonNode old, JsonNode now, JsonNode oldShared, JsonNode newShared) {
    Map<String, JsonNode> oldParams = parameters(released, oldShared, old.path("parameters"));
    Map<String, JsonNode> newParams = parameters(current, newShared, now.path("parameters"));
    newParams.forEach((key, p) -> {
      JsonNode was = oldParams.get(key);
      if (p.path("required").asBoolean(false) && (was == null || !was.path("required").asBoolean(false))) {
        breaks.add(where + ": parameter " + key + " is newly required");
      }
    });
    oldParams.forEach((key, p) -> {
      JsonNode is = newParams.get(key);
      if (is != null) {
        schema(where + " parameter " + key, p.path("schema"), released, is.path("schema"), current, true);
      }
    });
    JsonNode oldBody = resolve(released, old.path("requestBody"));
    JsonNode newBody = resolve(current, now.path("requestBody"));
    if (!newBody.isMissingNode()) {
      if (newBody.path("required").asBoolean(false) && !oldBody.path("required").asBoolean(false)) {
        breaks.add(where + ": request body is newly required");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = oldBody.path("content").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> media = it.next();
        JsonNode is = newBody.path("content").path(media.getKey());
        if (is.isMissingNode()) {
          breaks.add(where + ": request body no longer accepts " + media.getKey());
        } else {
          schema(where + " request body", media.getValue().path("schema"), released, is.path("schema"), current, true);
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = old.path("responses").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> response = it.next();
      if (!response.getKey().startsWith("2")) {
        continue;
      }
      JsonNode is = resolve(current, now.path("responses").path(response.getKey()));
      if (is.isMissingNode()) {
        breaks.add(where + ": response " + response.getKey() + " removed");
        continue;
      }
      JsonNode was = resolve(released, response.getValue());
      for (Iterator<Map.Entry<String, JsonNode>> media = was.path("content").fields(); media.hasNext(); ) {
        Map.Entry<String, JsonNode> m = media.next();
        JsonNode newMedia = is.path("content").path(m.getKey());
        if (newMedia.isMissingNode()) {
          breaks.add(where + ": response " + response.getKey() + " no longer sent as " + m.getKey());
        } else {
          schema(where + " response " + response.getKey(), m.getValue().path("schema"), released,
              newMedia.path("schema"), current, false);
        }
      }
    }
  }

  private static Map<String, JsonNode> parameters(JsonNode doc, JsonNode shared, JsonNode own) {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    for (JsonNode list : List.of(shared, own)) {
      for (JsonNode p : list) {
        JsonNode r = resolve(doc, p);
        all.put(r.path("in").asText() + " " + r.path("name").asText(), r);
      }
    }
    return all;
  }

  /**
   * Compares one schema. In a request ({@code request}) the new one must accept everything the old one did; in a
   * response it must send nothing the old one's clients cannot read.
   */
  private void schema(String where, JsonNode oldRaw, JsonNode oldDoc, JsonNode newRaw, JsonNode newDoc,
      boolean request) {
    String key = oldRaw.path("$ref").asText(oldRaw.toString()) + "|" + newRaw.path("$ref").asText(newRaw.toString())
        + "|" + request;
    if ((oldRaw.has("$ref") || newRaw.has("$ref")) && !compared.add(key)) {
      return;
    }
    JsonNode old = resolve(oldDoc, oldRaw);
    JsonNode now = resolve(newDoc, newRaw);
    if (old.isMissingNode() || now.isMissingNode()) {
      return;
    }
    Set<String> oldTypes = types(oldDoc, old);
    Set<String> newTypes = types(newDoc, now);
    if (!oldTypes.isEmpty() && !newTypes.isEmpty()) {
      Set<String> narrow = request ? oldTypes : newTypes;
      Set<String> wide = request ? newTypes : oldTypes;
      for (String t : narrow) {
        if (!wide.contains(t) && !("integer".equals(t) && wide.contains("number"))) {
          breaks.add(where + ": type changed from " + oldTypes + " to " + newTypes);
          break;
        }
      }
    }
    if (request && old.has("enum") && now.has("enum")) {
      Set<String> values = new HashSet<>();
      now.path("enum").forEach(v -> values.add(v.toString()));
      old.path("enum").forEach(v -> {
        if (!values.contains(v.toString())) {
          breaks.add(where + ": value " + v + " no longer accepted");
        }
      });
    }
    Map<String, JsonNode> oldProps = new LinkedHashMap<>();
    Set<String> oldRequired = new LinkedHashSet<>();
    flatten(oldDoc, old, oldProps, oldRequired);
    Map<String, JsonNode> newProps = new LinkedHashMap<>();
    Set<String> newRequired = new LinkedHashSet<>();
    flatten(newDoc, now, newProps, newRequired);
    if (request) {
      for (String name : newRequired) {
        if (!oldRequired.contains(name)) {
          breaks.add(where + ": field " + name + " is newly required");
        }
      }
    } else {
      for (String name : oldProps.keySet()) {
        if (!newProps.containsKey(name) && !oldProps.isEmpty() && !newProps.isEmpty()) {
          breaks.add(where + ": field " + name + " removed");
        } else if (oldRequired.contains(name) && !newRequired.contains(name)) {
          breaks.add(where + ": field " + name + " no longer always sent");
        }
      }
    }
    oldProps.forEach((name, schema) -> {
      JsonNode is = newProps.get(name);
      if (is != null) {
        schema(where + "." + name, schema, oldDoc, is, newDoc, request);
      }
    });
    if (old.has("items") && now.has("items")) {
      schema(where + "[]", old.path("items"), oldDoc, now.path("items"), newDoc, request);
    }
  }

  private static void flatten(JsonNode doc, JsonNode schema, Map<String, JsonNode> props, Set<String> required) {
    JsonNode s = resolve(doc, schema);
    s.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue()));
    s.path("required").forEach(r -> required.add(r.asText()));
    for (JsonNode part : s.path("allOf")) {
      flatten(doc, part, props, required);
    }
  }

  private static Set<String> types(JsonNode doc, JsonNode schema) {
    Set<String> types = new LinkedHashSet<>();
    JsonNode type = schema.path("type");
    if (type.isTextual()) {
      types.add(type.asText());
    } else {
      type.forEach(t -> types.add(t.asText()));
    }
    for (JsonNode part : schema.path("allOf")) {
      types.addAll(types(doc, resolve(doc, part)));
    }
    return types;
  }

  /** Follows local {@code $ref}s ({@code #/components/...}). */
  static JsonNode resolve(JsonNode doc, JsonNode node) {
    JsonNode n = node;
    for (int hops = 0; hops < 20 && n.has("$ref"); hops++) {
      String ref = n.path("$ref").asText();
      if (!ref.startsWith("#/")) {
        return MissingNode.getInstance();
      }
      n = doc.at(ref.substring(1));
    }
    return n;
  }
}
