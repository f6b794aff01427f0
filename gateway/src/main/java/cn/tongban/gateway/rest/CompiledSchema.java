package cn.tongban.gateway.rest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A contract schema compiled once into plain checks that say whether a value is <em>certainly</em> valid.
 *
 * <p>vertx-json-schema interprets a schema on every request: it walks the schema's JSON, builds a location
 * string and an output unit for every keyword it visits, and compiles every {@code pattern} again (a
 * submission's {@code matterCode}, an {@code Idempotency-Key}). This tree holds the same keywords, read once:
 * {@code type}, {@code enum}/{@code const} of strings and booleans, {@code required}, {@code properties},
 * {@code additionalProperties}, {@code min/maxProperties}, {@code items}, {@code min/maxItems},
 * {@code min/maxLength}, {@code pattern}, {@code minimum}/{@code maximum} and their exclusive forms, local
 * {@code $ref}s, and the keywords that only describe.
 *
 * <p>It only ever answers "valid" or "not sure": anything else (another keyword, a {@code format}, a
 * reference with constraints beside it, a big number, a value not made of JSON types) is "not sure", and so
 * is every invalid value. The caller then runs the library's validator, whose verdict and errors are the
 * answer: a valid request skips the interpreter, an invalid one gets exactly the library's violations.
 * {@code ContractValidatorDifferentialTest} checks the "valid" answers against the library on generated bodies.
 */
final class CompiledSchema {
  /** Keywords that only describe (the library never reads them when it validates). */
  private static final Set<String> DESCRIPTIVE = Set.of("description", "title", "examples", "example",
      "deprecated", "readOnly", "writeOnly", "default", "$comment");

  private CompiledSchema() {
  }

  /** A compiled schema: {@code true} only when the value is certainly valid against it. */
  interface Check {
    boolean certainlyValid(Object value);
  }

  private static final Check ANY = value -> true;
  private static final Check NOTHING = value -> false;

  /** Compiles {@code schema}, following local references into {@code raw} (the whole contract). */
  static Check compile(JsonObject schema, JsonObject raw) {
    return new Compiler(raw).compile(schema);
  }

  private static final class Compiler {
    private final JsonObject raw;
    /** References compiled so far, by pointer (so that a recursive schema compiles to a finite tree). */
    private final Map<String, Ref> refs = new HashMap<>();

    Compiler(JsonObject raw) {
      this.raw = raw;
    }

    Check compile(Object schema) {
      if (schema instanceof Boolean b) {
        return b ? ANY : NOTHING;
      }
      if (!(schema instanceof JsonObject s)) {
        return NOTHING; // not a schema the library could use: let it say so
      }
      if (s.containsKey("$ref")) {
        return reference(s);
      }
      Node node = new Node();
      for (String key : s.fieldNames()) {
        Object v = s.getValue(key);
        if (DESCRIPTIVE.contains(key) || key.startsWith("__") || key.startsWith("x-")) {
          continue;
        }
        boolean understood = switch (key) {
          case "type" -> node.type(v);
          case "enum" -> v instanceof JsonArray values && node.oneOf(values.getList());
          case "const" -> node.oneOf(java.util.Collections.singletonList(v));
          case "required" -> v instanceof JsonArray names && names.stream().allMatch(String.class::isInstance)
              && (node.required = names.stream().map(String.class::cast).toArray(String[]::new)) != null;
          case "properties" -> v instanceof JsonObject properties && properties(node, properties);
          case "additionalProperties" -> (node.additional = v instanceof Boolean || v instanceof JsonObject
              ? compile(v) : null) != null;
          case "minProperties" -> (node.minProperties = count(v)) >= 0;
          case "maxProperties" -> (node.maxProperties = count(v)) >= 0;
          case "items" -> (node.items = v instanceof Boolean || v instanceof JsonObject ? compile(v) : null) != null;
          case "minItems" -> (node.minItems = count(v)) >= 0;
          case "maxItems" -> (node.maxItems = count(v)) >= 0;
          case "minLength" -> (node.minLength = count(v)) >= 0;
          case "maxLength" -> (node.maxLength = count(v)) >= 0;
          case "pattern" -> (node.pattern = pattern(v)) != null;
          case "minimum" -> (node.minimum = bound(v)) != null;
          case "maximum" -> (node.maximum = bound(v)) != null;
          case "exclusiveMinimum" -> (node.exclusiveMinimum = bound(v)) != null;
          case "exclusiveMaximum" -> (node.exclusiveMaximum = bound(v)) != null;
          default -> false;
        };
        if (!understood) {
          return NOTHING; // a keyword this does not hold: the library decides
        }
      }
      return node;
    }

    private boolean properties(Node node, JsonObject properties) {
      node.properties = new LinkedHashMap<>();
      for (String name : properties.fieldNames()) {
        node.properties.put(name, compile(properties.getValue(name)));
      }
      return true;
    }

    /** A local reference with nothing but descriptions beside it; anything else is not held here. */
    private Check reference(JsonObject s) {
      if (!(s.getValue("$ref") instanceof String pointer) || !pointer.startsWith("#/") || !s.fieldNames().stream()
          .allMatch(k -> "$ref".equals(k) || DESCRIPTIVE.contains(k) || k.startsWith("__"))) {
        return NOTHING;
      }
      Ref known = refs.get(pointer);
      if (known != null) {
        return known;
      }
      Ref ref = new Ref();
      refs.put(pointer, ref);
      Object at = raw;
      for (String token : pointer.substring(2).split("/", -1)) {
        String key = token.replace("~1", "/").replace("~0", "~");
        at = at instanceof JsonObject o ? o.getValue(key) : null;
      }
      ref.target = at == null ? NOTHING : compile(at);
      return ref;
    }

    /** A non-negative count as the library reads it ({@code Integer}); -2 when it is anything else. */
    private static int count(Object v) {
      return v instanceof Integer i && i >= 0 ? i : -2;
    }

    private static Number bound(Object v) {
      return v instanceof Integer || v instanceof Long || v instanceof Double ? (Number) v : null;
    }

    private static Pattern pattern(Object v) {
      try {
        return v instanceof String p ? Pattern.compile(p) : null;
      } catch (PatternSyntaxException e) {
        return null;
      }
    }
  }

  /** A reference, resolved after it is created (a schema may refer to itself). */
  private static final class Ref implements Check {
    Check target = NOTHING;

    @Override
    public boolean certainlyValid(Object value) {
      return target.certainlyValid(value);
    }
  }

  /** One schema object's keywords; -1 (or null) where the schema does not have one. */
  private static final class Node implements Check {
    /** JSON type names allowed; null for any. */
    String[] types;
    /** The values allowed ({@code enum}, {@code const}: strings, booleans and null); null for any. */
    List<Object> values;
    String[] required;
    Map<String, Check> properties;
    Check additional;
    Check items;
    int minProperties = -1;
    int maxProperties = -1;
    int minItems = -1;
    int maxItems = -1;
    int minLength = -1;
    int maxLength = -1;
    Pattern pattern;
    Number minimum;
    Number maximum;
    Number exclusiveMinimum;
    Number exclusiveMaximum;

    boolean type(Object v) {
      if (v instanceof String t) {
        types = new String[] {t};
        return true;
      }
      if (v instanceof JsonArray list && !list.isEmpty() && list.stream().allMatch(String.class::isInstance)) {
        types = list.stream().map(String.class::cast).toArray(String[]::new);
        return true;
      }
      return false;
    }

    boolean oneOf(List<?> allowed) {
      for (Object a : allowed) {
        if (a != null && !(a instanceof String) && !(a instanceof Boolean)) {
          return false; // numbers, objects and arrays compare by the library's rules: not held here
        }
      }
      List<Object> narrowed = new ArrayList<>(allowed);
      if (values != null) {
        narrowed.retainAll(values);
      }
      values = narrowed;
      return true;
    }

    @Override
    public boolean certainlyValid(Object value) {
      if (value instanceof Map<?, ?> map) {
        value = new JsonObject(cast(map));
      } else if (value instanceof List<?> list) {
        value = new JsonArray(list);
      }
      String type = typeOf(value);
      if (type == null) {
        return false; // a value the library types otherwise (a big number) or not at all
      }
      if (types != null && !typeAllowed(type, value)) {
        return false;
      }
      if (values != null && !values.contains(value)) {
        return false;
      }
      return switch (type) {
        case "object" -> object((JsonObject) value);
        case "array" -> array((JsonArray) value);
        case "string" -> string((String) value);
        case "number" -> number(((Number) value).doubleValue());
        default -> true;
      };
    }

    private boolean typeAllowed(String type, Object value) {
      for (String t : types) {
        if (t.equals(type) || "integer".equals(t) && "number".equals(type) && isInteger((Number) value)) {
          return true;
        }
      }
      return false;
    }

    private boolean object(JsonObject object) {
      if (required != null) {
        for (String name : required) {
          if (!object.containsKey(name)) {
            return false;
          }
        }
      }
      int size = object.size();
      if (minProperties >= 0 && size < minProperties || maxProperties >= 0 && size > maxProperties) {
        return false;
      }
      if (properties == null && additional == null) {
        return true;
      }
      for (Map.Entry<String, Object> field : object) {
        Check check = properties == null ? null : properties.get(field.getKey());
        if (check == null) {
          check = additional;
        }
        if (check != null && !check.certainlyValid(field.getValue())) {
          return false;
        }
      }
      return true;
    }

    private boolean array(JsonArray array) {
      int size = array.size();
      if (minItems >= 0 && size < minItems || maxItems >= 0 && size > maxItems) {
        return false;
      }
      if (items != null) {
        for (int i = 0; i < size; i++) {
          if (!items.certainlyValid(array.getValue(i))) {
            return false;
          }
        }
      }
      return true;
    }

    private boolean string(String s) {
      if (minLength >= 0 || maxLength >= 0) {
        // The library counts UCS-2 characters with a surrogate pair as one: code points.
        int length = s.codePointCount(0, s.length());
        if (minLength >= 0 && length < minLength || maxLength >= 0 && length > maxLength) {
          return false;
        }
      }
      return pattern == null || pattern.matcher(s).find();
    }

    private boolean number(double n) {
      return (minimum == null || n >= minimum.doubleValue()) && (maximum == null || n <= maximum.doubleValue())
          && (exclusiveMinimum == null || n > exclusiveMinimum.doubleValue())
          && (exclusiveMaximum == null || n < exclusiveMaximum.doubleValue());
    }

    /** The library's JSON type of a value, or null where this does not decide as the library does. */
    private static String typeOf(Object value) {
      if (value == null) {
        return "null";
      }
      if (value instanceof String) {
        return "string";
      }
      if (value instanceof Boolean) {
        return "boolean";
      }
      if (value instanceof Integer || value instanceof Long || value instanceof Double || value instanceof Float
          || value instanceof Short || value instanceof Byte) {
        return "number";
      }
      if (value instanceof JsonObject) {
        return "object";
      }
      if (value instanceof JsonArray) {
        return "array";
      }
      return null;
    }

    private static boolean isInteger(Number n) {
      if (n instanceof Double d) {
        return d % 1 == 0.0;
      }
      if (n instanceof Float f) {
        return f % 1 == 0.0f;
      }
      return true; // Integer, Long, Short, Byte (typeOf admits no other number)
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
  }
}
