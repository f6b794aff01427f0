package cn.tongban.gateway.rest;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputErrorType;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract as the router reads it, with each schema's validator built once. vertx-openapi asks the
 * schema repository for a new validator for every parameter and body of every request, and each new
 * validator copies the repository's whole map of the contract's sub-schemas (thousands of entries): a
 * quarter of the platform's CPU under load. A validator holds no state between validations, so the one
 * built for a schema serves every later request (the contract's schemas never change after boot).
 */
final class CompiledContract implements OpenAPIContract {
  private final OpenAPIContract contract;
  private final SchemaRepository schemas;

  CompiledContract(OpenAPIContract contract) {
    this.contract = contract;
    this.schemas = new Schemas(contract.getSchemaRepository(), contract.getRawContract());
  }

  @Override
  public Operation operation(String operationId) {
    return contract.operation(operationId);
  }

  @Override
  public List<Operation> operations() {
    return contract.operations();
  }

  @Override
  public List<Path> getPaths() {
    return contract.getPaths();
  }

  @Override
  public JsonObject getRawContract() {
    return contract.getRawContract();
  }

  @Override
  public OpenAPIVersion getVersion() {
    return contract.getVersion();
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return schemas;
  }

  @Override
  public List<Server> getServers() {
    return contract.getServers();
  }

  @Override
  public Path findPath(String urlPath) {
    return contract.findPath(urlPath);
  }

  @Override
  public Operation findOperation(String urlPath, HttpMethod method) {
    return contract.findOperation(urlPath, method);
  }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() {
    return contract.getSecurityRequirements();
  }

  @Override
  public SecurityScheme securityScheme(String name) {
    return contract.securityScheme(name);
  }

  /** The contract's schema repository, keeping the validator of each schema object it was asked for. */
  private static final class Schemas implements SchemaRepository {
    private final SchemaRepository repository;
    /** By the schema object itself (its identity): the contract's schemas are built once, at boot. */
    private final Map<Key, Validator> validators = new ConcurrentHashMap<>();
    private final JsonObject raw;

    Schemas(SchemaRepository repository, JsonObject raw) {
      this.repository = repository;
      this.raw = raw;
    }

    private record Key(JsonSchema schema) {
      @Override
      public boolean equals(Object o) {
        return o instanceof Key k && k.schema == schema;
      }

      @Override
      public int hashCode() {
        return System.identityHashCode(schema);
      }
    }

    @Override
    public Validator validator(JsonSchema schema) {
      return validators.computeIfAbsent(new Key(schema), k -> {
        Validator validator = repository.validator(schema);
        Set<String> freeForm = freeFormProperties(schema, raw);
        Validator library = freeForm.isEmpty() ? validator : new SkippingFreeForm(validator, freeForm);
        return new CheckedFirst(CompiledSchema.compile(copy(schema), raw), library);
      });
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
      repository.dereference(schema);
      return this;
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
      repository.dereference(uri, schema);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      repository.preloadMetaSchema(fs);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      repository.preloadMetaSchema(fs, draft);
      return this;
    }

    @Override
    public Validator validator(String ref) {
      return repository.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return repository.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return repository.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return repository.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return repository.find(pointer);
    }
  }

  /**
   * Validates objects with the contents of their free-form object properties left out. A property the
   * contract declares as any object ({@code type: object} and nothing that looks inside, like a
   * submission's {@code data}, which the matter's form validates) is valid whatever it holds, so the
   * validator is given an empty object in its place: the same verdict and the same errors, without the
   * library's interpreter walking every field of the form's data. Anything but an object there is
   * validated as it is, and fails as before.
   */
  private record SkippingFreeForm(Validator validator, Set<String> freeForm) implements Validator {
    @Override
    public OutputUnit validate(Object instance) throws SchemaException {
      if (instance instanceof JsonObject object) {
        Map<String, Object> shallow = null;
        for (String name : freeForm) {
          if (object.getValue(name) instanceof JsonObject) {
            if (shallow == null) {
              shallow = new LinkedHashMap<>(object.getMap());
            }
            shallow.put(name, new JsonObject());
          }
        }
        if (shallow != null) {
          return validator.validate(new JsonObject(shallow));
        }
      }
      return validator.validate(instance);
    }
  }

  /**
   * The compiled checks first: a value they find certainly valid gets the library's valid answer without its
   * interpreter; any other value goes to the library, whose verdict and errors are the answer (so a 400's
   * violations are the library's, word for word).
   */
  record CheckedFirst(CompiledSchema.Check check, Validator library) implements Validator {
    @Override
    public OutputUnit validate(Object instance) throws SchemaException {
      return check.certainlyValid(instance) ? new OutputUnit(true).setErrorType(OutputErrorType.NONE)
          : library.validate(instance);
    }
  }

  /** A schema object's keywords as a JSON object. */
  static JsonObject copy(JsonSchema schema) {
    JsonObject copy = new JsonObject();
    schema.fieldNames().forEach(k -> copy.put(k, schema.get(k)));
    return copy;
  }

  /** Keywords that only describe. */
  private static final Set<String> DESCRIPTIVE = Set.of("description", "title", "examples", "example",
      "deprecated", "readOnly", "writeOnly", "default", "$comment");
  /** Keywords through which a schema may look inside its properties' values besides {@code properties}. */
  private static final Set<String> APPLICATORS = Set.of("allOf", "anyOf", "oneOf", "not", "if", "then", "else",
      "dependentSchemas", "patternProperties", "unevaluatedProperties", "$dynamicRef", "$recursiveRef",
      "discriminator");

  /**
   * The properties of an object schema (its {@code $ref} followed within the contract) whose schema accepts
   * any object; none when the schema could look at their values any other way.
   */
  static Set<String> freeFormProperties(JsonSchema schema, JsonObject raw) {
    JsonObject resolved = resolve(new JsonObject(), schema, raw);
    if (resolved == null || !(resolved.getValue("properties") instanceof JsonObject properties)
        || resolved.fieldNames().stream().anyMatch(APPLICATORS::contains)) {
      return Set.of();
    }
    Set<String> out = new TreeSet<>();
    for (String name : properties.fieldNames()) {
      JsonObject property = properties.getValue(name) instanceof JsonObject p ? resolve(p, null, raw) : null;
      if (property != null && "object".equals(property.getValue("type"))
          && Boolean.TRUE.equals(property.getValue("additionalProperties", Boolean.TRUE))
          && property.fieldNames().stream().allMatch(k -> "type".equals(k) || "additionalProperties".equals(k)
              || DESCRIPTIVE.contains(k) || k.startsWith("__"))) {
        out.add(name);
      }
    }
    return Set.copyOf(out);
  }

  /** The schema's object with a local {@code $ref} followed (once); null when it cannot be followed. */
  private static JsonObject resolve(JsonObject json, JsonSchema schema, JsonObject raw) {
    Object ref = schema != null ? schema.get("$ref") : json.getValue("$ref");
    if (ref == null) {
      if (schema == null) {
        return json;
      }
      JsonObject copy = new JsonObject();
      schema.fieldNames().forEach(k -> copy.put(k, schema.get(k)));
      return copy;
    }
    Set<String> keys = schema != null ? schema.fieldNames() : json.fieldNames();
    if (!(ref instanceof String pointer) || !pointer.startsWith("#/")
        || !keys.stream().allMatch(k -> "$ref".equals(k) || DESCRIPTIVE.contains(k) || k.startsWith("__"))) {
      return null; // not a local reference, or one with constraints of its own beside it
    }
    Object at = raw;
    for (String token : pointer.substring(2).split("/")) {
      String key = token.replace("~1", "/").replace("~0", "~");
      at = at instanceof JsonObject o ? o.getValue(key) : null;
    }
    return at instanceof JsonObject target && !target.containsKey("$ref") ? target : null;
  }
}
