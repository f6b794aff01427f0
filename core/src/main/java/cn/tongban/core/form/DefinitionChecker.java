package cn.tongban.core.form;

import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks matters and form definitions before they are stored or published, and reports every problem
 * with a pointer into the definition: the meta-schemas in api-schema, limits, the data schema itself,
 * every sample in its {@code examples}, handler bindings, material bindings and the UI schema.
 */
public final class DefinitionChecker {
  private static final JsonObject MATTER_SCHEMA = read("json-schema/matter.schema.json");
  private static final JsonObject FORM_SCHEMA = read("json-schema/form-definition.schema.json");
  private final FormValidator validator;
  private final Map<String, JsonObject> handlerConfigSchemas;
  private final Map<String, Function<JsonObject, Map<String, String>>> handlerConfigChecks;

  /** A checker that knows the installed form handlers by id, each with the JSON Schema of its configuration. */
  public DefinitionChecker(FormValidator validator, Map<String, JsonObject> handlerConfigSchemas) {
    this(validator, handlerConfigSchemas, Map.of());
  }

  /** As above, with each handler's own check of a configuration that passed its schema. */
  public DefinitionChecker(FormValidator validator, Map<String, JsonObject> handlerConfigSchemas,
      Map<String, Function<JsonObject, Map<String, String>>> handlerConfigChecks) {
    this.validator = validator;
    this.handlerConfigSchemas = Map.copyOf(handlerConfigSchemas);
    this.handlerConfigChecks = Map.copyOf(handlerConfigChecks);
  }

  /** Every problem with a matter document. */
  public List<Violation> checkMatter(JsonObject matter, String prefix, Locale locale) {
    List<Violation> out = new ArrayList<>(validator.validate("meta:matter", MATTER_SCHEMA, matter, prefix, locale));
    Object promised = matter.getValue("promisedDays");
    Object legal = matter.getValue("legalDays");
    if (promised instanceof Number p && legal instanceof Number l && p.doubleValue() > l.doubleValue()) {
      out.add(new Violation(prefix + "/promisedDays", "promisedExceedsLegal",
          Messages.get(locale, "definition.promisedExceedsLegal", p, l)));
    }
    if (!out.isEmpty()) {
      return out;
    }
    // 并联审批: each department is the implementing or a joint one, within the statutory limit.
    Set<String> departments = new java.util.HashSet<>();
    departments.add(matter.getJsonObject("department").getString("code"));
    matter.getJsonArray("jointDepartments", new JsonArray())
        .forEach(d -> departments.add(((JsonObject) d).getString("code")));
    JsonArray parallel = matter.getJsonObject("parallelApproval", new JsonObject())
        .getJsonArray("departments", new JsonArray());
    for (int i = 0; i < parallel.size(); i++) {
      JsonObject d = parallel.getJsonObject(i);
      if (!departments.contains(d.getString("code"))) {
        out.add(new Violation(prefix + "/parallelApproval/departments/" + i + "/code", "notJoint",
            Messages.get(locale, "definition.parallelNotJoint", d.getString("code"))));
      }
      if (d.getDouble("limitDays", 0d) > ((Number) legal).doubleValue()) {
        out.add(new Violation(prefix + "/parallelApproval/departments/" + i + "/limitDays", "maximum",
            Messages.get(locale, "definition.limitExceedsLegal", d.getValue("limitDays"), legal)));
      }
    }
    // 通办范围: only on same-city matters; the home departments are the implementing or a joint one.
    JsonObject scope = matter.getJsonObject("sameCityScope");
    if (scope != null && !matter.getBoolean("sameCity", false)) {
      out.add(new Violation(prefix + "/sameCityScope", "notSameCity",
          Messages.get(locale, "definition.scopeNotSameCity")));
    }
    for (String field : List.of("acceptingDepartment", "approvingDepartment")) {
      String code = scope == null ? null : scope.getString(field);
      if (code != null && !departments.contains(code)) {
        out.add(new Violation(prefix + "/sameCityScope/" + field, "notJoint",
            Messages.get(locale, "definition.scopeNotJoint", code)));
      }
    }
    // 办理流程: the steps' own limits fit in the promised limit.
    double steps = matter.getJsonArray("procedure", new JsonArray()).stream()
        .mapToDouble(o -> ((JsonObject) o).getDouble("limitDays", 0d)).sum();
    if (steps > ((Number) promised).doubleValue()) {
      out.add(new Violation(prefix + "/procedure", "maximum",
          Messages.get(locale, "definition.stepsExceedPromised", steps, promised)));
    }
    return out;
  }

  /** Every problem with a form definition for {@code matter}, as publishing checks it. */
  public List<Violation> checkForm(JsonObject definition, JsonObject matter, Locale locale) {
    List<Violation> out = new ArrayList<>(validator.validate("meta:form", FORM_SCHEMA, definition, "", locale));
    if (!out.isEmpty()) {
      return out;
    }
    JsonObject schema = definition.getJsonObject("schema");
    try {
      validator.compile(schema);
    } catch (RuntimeException e) {
      out.add(new Violation("/schema", "invalidSchema", Messages.get(locale, "definition.invalidSchema",
          String.valueOf(e.getMessage()))));
      return out;
    }
    JsonArray examples = schema.getJsonArray("examples", new JsonArray());
    for (int i = 0; i < examples.size(); i++) {
      Object example = examples.getValue(i);
      if (example instanceof JsonObject sample) {
        // Compiled without caching: a definition being checked is not a version yet.
        out.addAll(validator.validateOnce(schema,
            definition.getValue("uiSchema") instanceof JsonObject ui ? ui : null, sample, "/schema/examples/" + i, locale));
      } else {
        out.add(new Violation("/schema/examples/" + i, "type", Messages.get(locale, "definition.exampleNotObject")));
      }
    }
    JsonArray handlers = definition.getJsonArray("handlers", new JsonArray());
    for (int i = 0; i < handlers.size(); i++) {
      String id = handlers.getJsonObject(i).getString("id");
      JsonObject configSchema = handlerConfigSchemas.get(id);
      if (configSchema == null) {
        out.add(new Violation("/handlers/" + i + "/id", "unknownHandler",
            Messages.get(locale, "definition.unknownHandler", id)));
      } else {
        JsonObject config = handlers.getJsonObject(i).getJsonObject("config", new JsonObject());
        List<Violation> schemaProblems = validator.validate("handler:" + id, configSchema, config,
            "/handlers/" + i + "/config", locale);
        out.addAll(schemaProblems);
        if (schemaProblems.isEmpty() && handlerConfigChecks.containsKey(id)) {
          String at = "/handlers/" + i + "/config";
          handlerConfigChecks.get(id).apply(config).forEach((pointer, message) ->
              out.add(new Violation(at + pointer, "invalidConfig", message)));
        }
      }
    }
    Set<String> materials = new java.util.HashSet<>();
    matter.getJsonArray("materials", new JsonArray()).forEach(m -> materials.add(((JsonObject) m).getString("code")));
    JsonArray bindings = definition.getJsonArray("materialBindings", new JsonArray());
    for (int i = 0; i < bindings.size(); i++) {
      JsonObject b = bindings.getJsonObject(i);
      if (!materials.contains(b.getString("material"))) {
        out.add(new Violation("/materialBindings/" + i + "/material", "unknownMaterial",
            Messages.get(locale, "definition.unknownMaterial", b.getString("material"))));
      }
      if (b.getString("field") != null && !FormChanges.hasField(schema, b.getString("field"))) {
        out.add(new Violation("/materialBindings/" + i + "/field", "unknownField",
            Messages.get(locale, "definition.unknownField", b.getString("field"))));
      }
    }
    JsonArray steps = definition.getJsonObject("uiSchema", new JsonObject()).getJsonArray("steps", new JsonArray());
    for (int i = 0; i < steps.size(); i++) {
      JsonArray fields = steps.getJsonObject(i).getJsonArray("fields", new JsonArray());
      for (int j = 0; j < fields.size(); j++) {
        if (!FormChanges.hasField(schema, fields.getString(j))) {
          out.add(new Violation("/uiSchema/steps/" + i + "/fields/" + j, "unknownField",
              Messages.get(locale, "definition.unknownField", fields.getString(j))));
        }
      }
    }
    JsonObject visible = definition.getJsonObject("uiSchema", new JsonObject())
        .getJsonObject("visibleWhen", new JsonObject());
    for (String field : visible.fieldNames()) {
      String pointer = "/uiSchema/visibleWhen/" + field.replace("~", "~0").replace("/", "~1");
      if (!FormChanges.hasField(schema, field)) {
        out.add(new Violation(pointer, "unknownField", Messages.get(locale, "definition.unknownField", field)));
      }
      try {
        validator.compile(visible.getJsonObject(field).copy().put("$schema",
            "https://json-schema.org/draft/2020-12/schema"));
      } catch (RuntimeException e) {
        out.add(new Violation(pointer, "invalidSchema", Messages.get(locale, "definition.invalidSchema",
            String.valueOf(e.getMessage()))));
      }
    }
    return out;
  }

  private static JsonObject read(String resource) {
    try (InputStream in = DefinitionChecker.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      // Resolved from the class path, not the network: the $id is a name, not a location.
      schema.remove("$id");
      return schema;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
