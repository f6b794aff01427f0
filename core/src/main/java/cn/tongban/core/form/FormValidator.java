package cn.tongban.core.form;

import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.Violation;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.format.Format;
import cn.tongban.plugin.CreditCode;
import cn.tongban.plugin.IdNumber;
import com.networknt.schema.path.PathType;
import io.vertx.core.json.JsonObject;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates applicants' data against a form version's JSON Schema (2020-12), collecting every
 * violation with its JSON pointer and a message that names the field by its title. Compiled schemas
 * are cached per form version: published versions never change.
 */
public final class FormValidator {
  static final JsonMapper MAPPER = JsonMapper.builder().build();
  /**
   * 2020-12 with two formats of our own, so every form checks every identity number and credit code it holds
   * (a guardian's, a spouse's, an employer's …), not only the applicant's: {@code gb11643} (居民身份证号码, check
   * character and a real birth date) and {@code gb32100} (统一社会信用代码, check character).
   */
  private static final Dialect DIALECT = Dialect.builder(Dialects.getDraft202012())
      .format(new Check("gb11643", IdNumber::isValid))
      .format(new Check("gb32100", CreditCode::isValid))
      .build();
  private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(DIALECT,
      b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder()
          .pathType(PathType.JSON_POINTER)
          .failFast(false)
          .formatAssertionsEnabled(true)
          .build()));
  private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

  /** A string format checked by a predicate (values of other types are the {@code type} keyword's business). */
  private record Check(String name, java.util.function.Predicate<String> valid) implements Format {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean matches(ExecutionContext context, String value) {
      return valid.test(value);
    }
  }

  /**
   * Every violation of {@code data} against {@code schema}, compiled once per {@code cacheKey} (a form
   * version never changes, so e.g. {@code matter@3} is a safe key); pointers are prefixed with
   * {@code pointerPrefix} (e.g. {@code /data}) so they point into the request.
   */
  public List<Violation> validate(String cacheKey, JsonObject schema, JsonObject data, String pointerPrefix,
      Locale locale) {
    return validate(cacheKey, schema, null, data, pointerPrefix, locale);
  }

  /**
   * Like {@link #validate(String, JsonObject, JsonObject, String, Locale)}, with a form's UI schema: its
   * plain-language {@code messages} replace the generic ones, and for an English reader its English field
   * titles ({@code i18n.en[field].title}) and messages ({@code i18n.en[field].messages}) are used.
   */
  public List<Violation> validate(String cacheKey, JsonObject schema, JsonObject uiSchema, JsonObject data,
      String pointerPrefix, Locale locale) {
    return collect(compiled.computeIfAbsent(cacheKey, k -> compile(schema)), data, pointerPrefix, locale,
        Texts.of(uiSchema, locale));
  }

  private List<Violation> collect(Schema s, JsonObject data, String pointerPrefix, Locale locale, Texts texts) {
    JsonNode instance = tree(data);
    List<Error> errors = s.validate(instance, ctx -> ctx.executionConfig(c -> c.locale(locale)));
    // A labelled enum (oneOf of const+title) reports one const error per option besides the oneOf
    // error itself: keep only the oneOf one. Other duplicates (same place, same rule) are dropped too.
    java.util.Set<String> oneOfAt = new java.util.HashSet<>();
    for (Error e : errors) {
      if ("oneOf".equals(e.getKeyword())) {
        oneOfAt.add(String.valueOf(e.getInstanceLocation()));
      }
    }
    java.util.Map<String, Violation> out = new java.util.LinkedHashMap<>();
    for (Error e : errors) {
      if ("const".equals(e.getKeyword()) && oneOfAt.contains(String.valueOf(e.getInstanceLocation()))) {
        continue;
      }
      Violation v = toViolation(e, s.getSchemaNode(), pointerPrefix, locale, texts);
      out.putIfAbsent(v.pointer() + " " + v.code(), v);
    }
    return List.copyOf(out.values());
  }

  /** Like {@link #validate} for a schema that is used once (a definition being checked): nothing cached. */
  public List<Violation> validateOnce(JsonObject schema, JsonObject data, String pointerPrefix, Locale locale) {
    return validateOnce(schema, null, data, pointerPrefix, locale);
  }

  /** Like {@link #validateOnce(JsonObject, JsonObject, String, Locale)} with the form's UI-schema texts. */
  public List<Violation> validateOnce(JsonObject schema, JsonObject uiSchema, JsonObject data, String pointerPrefix,
      Locale locale) {
    return collect(compile(schema), data, pointerPrefix, locale, Texts.of(uiSchema, locale));
  }

  /**
   * A form's own texts for violations, from its UI schema, keyed by field pointer without row numbers
   * ({@code /familyMembers/name}): Chinese plain-language messages, or for an English reader the English
   * titles and messages. Drafts are stored unchecked, so anything of the wrong shape is ignored.
   */
  private record Texts(JsonObject fields, JsonObject messages) {
    static final Texts NONE = new Texts(new JsonObject(), new JsonObject());

    static Texts of(JsonObject ui, Locale locale) {
      if (ui == null) {
        return NONE;
      }
      return Messages.isEnglish(locale)
          ? new Texts(object(object(ui.getValue("i18n")).getValue("en")), new JsonObject())
          : new Texts(new JsonObject(), object(ui.getValue("messages")));
    }

    private static JsonObject object(Object value) {
      return value instanceof JsonObject o ? o : value instanceof Map<?, ?> m ? new JsonObject(cast(m)) : new JsonObject();
    }

    private static String generic(String pointer) {
      return pointer.replaceAll("/\\d+(?=/|$)", "");
    }

    java.util.Optional<String> title(String pointer) {
      return text(object(fields.getValue(generic(pointer))).getValue("title"));
    }

    java.util.Optional<String> message(String pointer, String keyword) {
      String field = generic(pointer);
      return text(fields.isEmpty() ? object(messages.getValue(field)).getValue(keyword)
          : object(object(fields.getValue(field)).getValue("messages")).getValue(keyword));
    }

    private static java.util.Optional<String> text(Object value) {
      return value instanceof String s && !s.isBlank() ? java.util.Optional.of(s) : java.util.Optional.empty();
    }
  }

  /** Compiles a schema, failing if it is not a usable 2020-12 schema. */
  public Schema compile(JsonObject schema) {
    Schema s = registry.getSchema(MAPPER.valueToTree(plain(schema)));
    s.initializeValidators();
    return s;
  }

  private static Violation toViolation(Error e, JsonNode root, String prefix, Locale locale, Texts texts) {
    String keyword = e.getKeyword() == null ? "other" : e.getKeyword();
    String pointer = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
    // The schema object that holds the failing keyword: titles and limits are read from it.
    JsonNode owner = owner(root, e);
    String title;
    Object limit = null;
    switch (keyword) {
      case "required" -> {
        pointer = pointer + "/" + escape(e.getProperty());
        String at = pointer;
        title = texts.title(at).or(() -> titleAt(root, at)).orElseGet(() -> propertyTitle(owner, e.getProperty(), locale));
      }
      case "dependentRequired" -> {
        String missing = e.getArguments() != null && e.getArguments().length > 0
            ? String.valueOf(e.getArguments()[0]) : e.getProperty();
        String parent = pointer;
        pointer = pointer + "/" + escape(missing);
        String at = pointer;
        String other = parent + "/" + escape(e.getProperty());
        title = texts.title(at).or(() -> titleAt(root, at)).orElseGet(() -> propertyTitle(owner, missing, locale));
        limit = texts.title(other).or(() -> titleAt(root, other))
            .orElseGet(() -> propertyTitle(owner, e.getProperty(), locale));
      }
      case "additionalProperties", "unevaluatedProperties" -> {
        pointer = pointer + "/" + escape(e.getProperty());
        title = e.getProperty();
        keyword = "additionalProperties";
      }
      default -> {
        String at = pointer;
        title = texts.title(at).or(() -> titleAt(root, at)).orElseGet(() -> ownTitle(owner, at, locale));
        JsonNode v = owner == null ? null : owner.get(keyword);
        if (v != null && (v.isNumber() || v.isString())) {
          limit = v.isNumber() ? v.numberValue() : v.asString();
        }
        if (keyword.equals("format") && limit != null) {
          limit = Messages.get(locale, "format." + limit);
        }
      }
    }
    String key = "violation." + keyword;
    String message = texts.message(pointer, keyword).orElse(null);
    if (message != null) {
      return new Violation(prefix + pointer, keyword, message);
    }
    message = Messages.get(locale, key, title, limit);
    if (message.equals(key)) {
      message = Messages.get(locale, "violation.other", title, e.getMessage());
      keyword = keyword.equals("other") ? "invalid" : keyword;
    }
    return new Violation(prefix + pointer, keyword, message);
  }

  private static JsonNode owner(JsonNode root, Error e) {
    if (e.getSchemaLocation() == null || e.getSchemaLocation().getFragment() == null) {
      return null;
    }
    String fragment = e.getSchemaLocation().getFragment().toString();
    if (fragment.startsWith("#")) {
      fragment = fragment.substring(1);
    }
    int cut = fragment.lastIndexOf('/');
    if (cut < 0) {
      return root;
    }
    JsonNode owner = root.at(fragment.substring(0, cut));
    return owner.isMissingNode() ? null : owner;
  }

  /** The title the schema gives the field at {@code pointer}, following {@code properties} (and array items). */
  private static java.util.Optional<String> titleAt(JsonNode root, String pointer) {
    if (pointer == null || pointer.isEmpty()) {
      return java.util.Optional.empty();
    }
    JsonNode node = root;
    for (String raw : pointer.substring(1).split("/", -1)) {
      String segment = raw.replace("~1", "/").replace("~0", "~");
      if (node.path("properties").has(segment)) {
        node = node.path("properties").path(segment);
      } else if (segment.chars().allMatch(Character::isDigit) && node.has("items")) {
        node = node.path("items");
      } else {
        return java.util.Optional.empty();
      }
    }
    return node.has("title") ? java.util.Optional.of(node.get("title").asString()) : java.util.Optional.empty();
  }

  private static String propertyTitle(JsonNode objectSchema, String property, Locale locale) {
    if (objectSchema != null) {
      JsonNode p = objectSchema.path("properties").path(property);
      if (p.has("title")) {
        return p.get("title").asString();
      }
    }
    return property == null ? Messages.get(locale, "field.root") : property;
  }

  private static String ownTitle(JsonNode schemaNode, String pointer, Locale locale) {
    if (schemaNode != null && schemaNode.has("title") && !pointer.isEmpty()) {
      return schemaNode.get("title").asString();
    }
    if (pointer.isEmpty()) {
      return Messages.get(locale, "field.root");
    }
    return pointer.substring(pointer.lastIndexOf('/') + 1);
  }

  /**
   * Vert.x JSON as a Jackson tree, built directly: the nodes {@code MAPPER.valueToTree(plain(value))} gives for
   * JSON's own types, without copying the data into maps and through a token buffer first (per submission).
   * Values of any other type go through {@code valueToTree}, as before.
   */
  static JsonNode tree(Object value) {
    if (value instanceof JsonObject o) {
      tools.jackson.databind.node.ObjectNode node = MAPPER.getNodeFactory().objectNode();
      for (Map.Entry<String, Object> e : o) {
        node.set(e.getKey(), tree(e.getValue()));
      }
      return node;
    }
    if (value instanceof io.vertx.core.json.JsonArray a) {
      tools.jackson.databind.node.ArrayNode node = MAPPER.getNodeFactory().arrayNode(a.size());
      for (Object v : a) {
        node.add(tree(v));
      }
      return node;
    }
    if (value instanceof Map<?, ?> m) {
      return tree(new JsonObject(cast(m)));
    }
    if (value instanceof List<?> l) {
      return tree(new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(l)));
    }
    var nodes = MAPPER.getNodeFactory();
    if (value == null) {
      return nodes.nullNode();
    }
    if (value instanceof String string) {
      return nodes.stringNode(string);
    }
    if (value instanceof Boolean b) {
      return nodes.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return nodes.numberNode(i.intValue());
    }
    if (value instanceof Long l) {
      return nodes.numberNode(l.longValue());
    }
    if (value instanceof Double d) {
      return nodes.numberNode(d.doubleValue());
    }
    return MAPPER.valueToTree(plain(value));
  }

  /** Vert.x JSON as plain maps and lists, which Jackson maps to a tree without guessing at beans. */
  static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
      o.forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (value instanceof io.vertx.core.json.JsonArray a) {
      List<Object> list = new java.util.ArrayList<>(a.size());
      a.forEach(v -> list.add(plain(v)));
      return list;
    }
    if (value instanceof java.util.Map<?, ?> m) {
      return plain(new JsonObject(cast(m)));
    }
    if (value instanceof List<?> l) {
      return plain(new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(l)));
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> cast(java.util.Map<?, ?> m) {
    return (java.util.Map<String, Object>) m;
  }

  private static String escape(String segment) {
    return segment == null ? "" : segment.replace("~", "~0").replace("/", "~1");
  }
}
