package cn.tongban.gateway.rest;

import cn.tongban.gateway.http.Problems;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract's compiled checks ({@link CompiledSchema}, run first by {@link CompiledContract}) against the
 * library's interpretation of the same contract, on many generated requests: bodies built from each
 * operation's schema (valid ones, then with fields missing, of the wrong type, extra properties, strings at
 * and past their length limits, CJK and astral characters, numbers the library types specially) and JSON
 * text broken in the ways clients break it; and parameter values. For every one, the request validated with
 * the compiled contract has exactly the outcome of the interpreted one: the same validated value, or the same
 * problem document (status, code, detail and every violation's pointer, code and message). So the compiled
 * one is never more lenient, and never stricter.
 */
class ContractValidatorDifferentialTest {
  private static final Locale LOCALE = Locale.SIMPLIFIED_CHINESE;
  private static Vertx vertx;
  private static JsonObject raw;
  private static OpenAPIContract interpreted;
  private static InlineValidation before;
  private static InlineValidation after;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    String yaml;
    try (var in = ContractValidatorDifferentialTest.class.getResourceAsStream("/openapi/tongban.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    raw = RestApi.routerContract(yaml);
    interpreted = OpenAPIContract.from(vertx, raw).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    before = new InlineValidation(vertx, interpreted, new DecodedOnce());
    after = new InlineValidation(vertx, new CompiledContract(interpreted), new DecodedOnce());
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  /** The submission, the operation under load: thousands of bodies, valid and not. */
  @Test
  void submissionsHaveTheInterpretedOutcome() {
    Operation submit = interpreted.operation("submitApplication");
    Tally tally = new Tally();
    Random random = new Random(30);
    for (String body : fixedSubmissions()) {
      tally.compare(submit, body);
    }
    for (int i = 0; i < 2000; i++) {
      tally.compare(submit, body(schemaOf(submit), random));
    }
    System.out.println("submitApplication: " + tally);
    tally.assertSame();
    assertTrue(tally.validBodies > 200 && tally.invalid > 800, "both kinds generated: " + tally);
    assertEquals(tally.validBodies, tally.compiledValid,
        "the compiled checks decide every valid submission themselves: " + tally);
  }

  /** Every operation of the contract with a JSON body, and every parameter. */
  @Test
  void everyOperationHasTheInterpretedOutcome() {
    Tally tally = new Tally();
    Random random = new Random(31);
    int operations = 0;
    for (Operation op : interpreted.operations()) {
      JsonObject schema = schemaOf(op);
      if (schema != null) {
        operations++;
        for (int i = 0; i < 20; i++) {
          tally.compare(op, body(schema, random));
        }
      }
      for (Parameter p : op.getParameters()) {
        for (String value : PARAMETER_VALUES) {
          tally.compareParameter(p, value);
        }
        tally.compareParameter(p, null);
      }
    }
    System.out.println(operations + " operations with JSON bodies, and every parameter: " + tally);
    tally.assertSame();
    assertTrue(operations > 50, "operations with JSON bodies: " + operations);
    assertTrue(tally.compiledValid > 0, "the compiled checks decide valid bodies: " + tally);
  }

  /** Outcomes compared, and how many the compiled checks decided themselves. */
  private static final class Tally {
    int valid;
    int invalid;
    int validBodies;
    int compiledValid;
    final List<String> differences = new ArrayList<>();
    final List<String> moreLenient = new ArrayList<>();

    void compare(Operation op, String body) {
      String was = bodyOutcome(before, op, body);
      String is = bodyOutcome(after, op, body);
      record(op.getOperationId() + " " + body, was, is);
      if (is.startsWith("valid")) {
        validBodies++;
        if (certainlyValid(op, body)) {
          compiledValid++;
        }
      }
    }

    void compareParameter(Parameter p, String value) {
      String was = parameterOutcome(before, p, value);
      String is = parameterOutcome(after, p, value);
      record(p.getName() + "=" + value, was, is);
    }

    private void record(String what, String was, String is) {
      if (was.startsWith("valid")) {
        valid++;
      } else {
        invalid++;
      }
      if (!was.equals(is)) {
        differences.add(what + "\n  interpreted: " + was + "\n  compiled:    " + is);
        if (is.startsWith("valid") && !was.startsWith("valid")) {
          moreLenient.add(what);
        }
      }
    }

    void assertSame() {
      assertEquals(List.of(), moreLenient, "accepted by the compiled contract, refused by the interpreted one");
      assertEquals(List.of(), differences.stream().limit(10).toList(), differences.size() + " differences");
    }

    @Override
    public String toString() {
      return valid + " valid (" + validBodies + " bodies, " + compiledValid + " of them decided by the compiled checks), "
          + invalid + " invalid";
    }
  }

  private static String bodyOutcome(InlineValidation validation, Operation op, String body) {
    try {
      ValidatableRequest request = new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), Map.of(),
          new RequestParameterImpl(Buffer.buffer(body)), "application/json");
      RequestParameter value = validation.validateBody(op.getRequestBody(), request);
      return "valid " + Json.encode(value.get());
    } catch (RuntimeException e) {
      return "invalid " + Problems.toProblem(e, LOCALE, "/test", "trace").encode();
    }
  }

  private static String parameterOutcome(InlineValidation validation, Parameter p, String value) {
    try {
      return "valid " + Json.encode(validation.validateParameter(p, new RequestParameterImpl(value)).get());
    } catch (RuntimeException e) {
      return "invalid " + Problems.toProblem(e, LOCALE, "/test", "trace").encode();
    }
  }

  /** Whether the compiled checks alone find the body valid (it was not handed to the library). */
  private static boolean certainlyValid(Operation op, String body) {
    MediaType media = op.getRequestBody().determineContentType("application/json");
    return CompiledSchema.compile(CompiledContract.copy(media.getSchema()), raw)
        .certainlyValid(Json.decodeValue(body));
  }

  /** The operation's JSON body schema (its raw JSON), or null when it has none. */
  private static JsonObject schemaOf(Operation op) {
    if (op.getRequestBody() == null) {
      return null;
    }
    MediaType media = op.getRequestBody().determineContentType("application/json");
    return media == null || media.getSchema() == null ? null : CompiledContract.copy(media.getSchema());
  }

  private static List<String> fixedSubmissions() {
    return List.of(
        "{\"matterCode\":\"mzj-elderly-preferential-card\",\"channel\":\"WEB\",\"data\":{\"name\":\"张三\"}}",
        "{\"matterCode\":\"mzj-elderly-preferential-card\",\"channel\":\"WINDOW\",\"data\":{},\"hallCode\":\"city\","
            + "\"applicant\":{\"kind\":\"PERSON\",\"name\":\"李四\",\"idNumber\":\"11010519491231002X\"},"
            + "\"collection\":{\"method\":\"EXPRESS\",\"express\":{\"recipient\":\"李四\",\"phone\":\"13800000000\","
            + "\"address\":\"北京市\"}},\"materials\":[{\"code\":\"id-card\",\"materialId\":\"m1\"}]}",
        "{\"matterCode\":\"x\",\"channel\":\"WEB\",\"data\":[]}",
        "{\"matterCode\":\"-x\",\"channel\":\"WEB\",\"data\":{}}",
        "{\"matterCode\":\"x\",\"channel\":\"web\",\"data\":{}}",
        "{\"matterCode\":\"x\",\"channel\":\"WEB\",\"data\":{},\"extra\":1}",
        "{\"matterCode\":\"x\",\"channel\":\"WEB\",\"data\":{},\"applicant\":{\"name\":\"\"}}",
        "{\"matterCode\":\"x\",\"channel\":\"WEB\",\"data\":{},\"applicant\":{\"name\":\"" + "😀".repeat(50) + "\"}}",
        "{\"matterCode\":\"x\",\"channel\":\"WEB\",\"data\":{},\"applicant\":{\"name\":\"" + "😀".repeat(51) + "\"}}",
        "{\"matterCode\":\"x\",\"channel\":\"WEB\",\"data\":{},\"applicant\":{\"name\":\"\\ud800" + "a".repeat(49) + "\"}}",
        "{\"matterCode\":\"x\",\"channel\":\"WEB\",\"data\":{},\"materials\":[" + "{\"code\":\"a\",\"materialId\":\"b\"},"
            .repeat(50) + "{\"code\":\"a\",\"materialId\":\"b\"}]}",
        "{\"matterCode\":\"x\",\"channel\":\"WEB\",\"data\":{},\"collection\":{\"method\":\"EXPRESS\",\"express\":null}}",
        "{\"matterCode\":\"x\",\"matterCode\":\"-\",\"channel\":\"WEB\",\"data\":{}}",
        "{\"matterCode\":null,\"channel\":\"WEB\",\"data\":{}}",
        "{\"matterCode\":\"x\",\"channel\":\"WEB\"}",
        "[]", "null", "1", "\"x\"", "", "{", "{\"matterCode\":\"x\",}", "\uFEFF{}");
  }

  private static final List<String> PARAMETER_VALUES = List.of("", "1", "0", "-1", "20", "100", "101", "1.5", "2.0",
      "abc", "true", "中文", "😀", "a".repeat(128), "a".repeat(129), "[1]", "{\"a\":1}", "\\", "\"", "key-1",
      "12345678901234567890123", "WEB", "SUBMITTED", "2026-12-07", "2026-12-07T10:00:00Z", " ", "%");

  // --- generating bodies from a schema -----------------------------------------------------------------------

  private static final List<String> STRINGS = List.of("", "a", "x", "WEB", "mzj-elderly-preferential-card",
      "city", "id-card", "11010519491231002X", "91350100M000100Y43", "13800000000", "张三", "北京市朝阳区",
      "2026-12-07", "2026-12-07T10:00:00Z", "10:00", "a@example.cn", "https://example.cn", "-x", "x y", "😀",
      "A_b-9", "ABC", "0", "true", UUID.nameUUIDFromBytes(new byte[] {1}).toString());

  private static String body(JsonObject schema, Random random) {
    Object value = generate(schema, random, 0);
    int mutations = random.nextInt(4); // 0: as generated (mostly valid)
    for (int i = 0; i < mutations; i++) {
      value = mutate(value, random);
    }
    String text = Json.encode(value);
    return random.nextInt(12) == 0 ? breakText(text, random) : text;
  }

  private static Object resolve(Object schema) {
    for (int i = 0; i < 10 && schema instanceof JsonObject s && s.getValue("$ref") instanceof String ref
        && ref.startsWith("#/"); i++) {
      Object at = raw;
      for (String token : ref.substring(2).split("/")) {
        at = at instanceof JsonObject o ? o.getValue(token.replace("~1", "/").replace("~0", "~")) : null;
      }
      schema = at;
    }
    return schema;
  }

  private static Object generate(Object rawSchema, Random random, int depth) {
    Object resolved = resolve(rawSchema);
    if (!(resolved instanceof JsonObject schema) || depth > 6) {
      return random.nextBoolean() ? new JsonObject() : "x";
    }
    for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
      if (schema.getValue(combinator) instanceof JsonArray branches && !branches.isEmpty()) {
        Object base = generate(branches.getValue(random.nextInt(branches.size())), random, depth + 1);
        if (base instanceof JsonObject o && schema.containsKey("properties")) {
          JsonObject own = (JsonObject) generate(schema.copy().put(combinator, (Object) null), random, depth + 1);
          return o.mergeIn(own);
        }
        return base;
      }
    }
    if (schema.getValue("enum") instanceof JsonArray values && !values.isEmpty() && random.nextInt(10) > 0) {
      return values.getValue(random.nextInt(values.size()));
    }
    if (schema.containsKey("const") && random.nextInt(10) > 0) {
      return schema.getValue("const");
    }
    Object type = schema.getValue("type");
    if (type instanceof JsonArray types && !types.isEmpty()) {
      type = types.getValue(random.nextInt(types.size()));
    }
    if (type == null) {
      type = schema.containsKey("properties") || schema.containsKey("required") ? "object"
          : schema.containsKey("items") ? "array" : List.of("string", "object", "integer").get(random.nextInt(3));
    }
    return switch (String.valueOf(type)) {
      case "object" -> object(schema, random, depth);
      case "array" -> array(schema, random, depth);
      case "string" -> string(schema, random);
      case "integer" -> integer(schema, random);
      case "number" -> random.nextBoolean() ? integer(schema, random) : random.nextDouble() * 200 - 50;
      case "boolean" -> random.nextBoolean();
      default -> null;
    };
  }

  private static JsonObject object(JsonObject schema, Random random, int depth) {
    JsonObject out = new JsonObject();
    JsonArray required = schema.getJsonArray("required", new JsonArray());
    JsonObject properties = schema.getValue("properties") instanceof JsonObject p ? p : new JsonObject();
    for (String name : properties.fieldNames()) {
      if (required.contains(name) || random.nextInt(3) == 0) {
        out.put(name, generate(properties.getValue(name), random, depth + 1));
      }
    }
    for (Object name : required) {
      if (name instanceof String n && !out.containsKey(n)) {
        out.put(n, random.nextBoolean() ? "x" : new JsonObject());
      }
    }
    if (schema.getValue("additionalProperties") instanceof JsonObject extra && random.nextInt(3) == 0) {
      out.put("k" + random.nextInt(5), generate(extra, random, depth + 1));
    }
    return out;
  }

  private static JsonArray array(JsonObject schema, Random random, int depth) {
    int min = schema.getInteger("minItems", 0);
    int max = schema.getInteger("maxItems", min + 3);
    int n = random.nextInt(8) == 0 ? max + 1 : min + random.nextInt(Math.max(1, Math.min(max, min + 3) - min + 1));
    JsonArray out = new JsonArray();
    for (int i = 0; i < n; i++) {
      out.add(generate(schema.getValue("items"), random, depth + 1));
    }
    return out;
  }

  private static Object integer(JsonObject schema, Random random) {
    Number min = schema.getNumber("minimum", schema.getNumber("exclusiveMinimum"));
    Number max = schema.getNumber("maximum", schema.getNumber("exclusiveMaximum"));
    return switch (random.nextInt(8)) {
      case 0 -> min == null ? -1 : min.longValue() - 1;
      case 1 -> min == null ? 0 : min;
      case 2 -> max == null ? 1_000_000 : max;
      case 3 -> max == null ? Long.MAX_VALUE : max.longValue() + 1;
      case 4 -> 2.0;
      case 5 -> 2.5;
      default -> (min == null ? 0 : min.longValue()) + random.nextInt(10);
    };
  }

  private static String string(JsonObject schema, Random random) {
    int min = schema.getInteger("minLength", 0);
    Integer max = schema.getInteger("maxLength");
    if (max != null && random.nextInt(5) == 0) {
      // At the limit or just past it, in characters that take one or two UTF-16 units.
      return text(random.nextBoolean() ? max : max + 1, random);
    }
    if (min > 0 && random.nextInt(8) == 0) {
      return text(min - 1, random);
    }
    if (schema.getValue("pattern") instanceof String pattern) {
      Pattern p = Pattern.compile(pattern);
      List<String> matching = STRINGS.stream().filter(s -> p.matcher(s).find()).toList();
      if (!matching.isEmpty() && random.nextInt(6) > 0) {
        return matching.get(random.nextInt(matching.size()));
      }
    }
    if ("uuid".equals(schema.getString("format"))) {
      return UUID.randomUUID().toString();
    }
    return STRINGS.get(random.nextInt(STRINGS.size()));
  }

  private static String text(int codePoints, Random random) {
    StringBuilder out = new StringBuilder();
    String[] pieces = {"a", "中", "😀", "Z", "9", "-"};
    for (int i = 0; i < codePoints; i++) {
      out.append(pieces[random.nextInt(pieces.length)]);
    }
    return out.toString();
  }

  private static final List<Object> WRONG = List.of(1, 2.5, 2.0, -1, "x", "", true, false, new JsonObject(),
      new JsonArray(), "😀", Long.MAX_VALUE);

  /** One change somewhere in the value: a field gone, one added, one of another type. */
  private static Object mutate(Object value, Random random) {
    if (value instanceof JsonObject o && !o.isEmpty() && random.nextInt(3) > 0) {
      List<String> names = new ArrayList<>(o.fieldNames());
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(4)) {
        case 0 -> o.remove(name);
        case 1 -> o.put("unexpected" + random.nextInt(3), WRONG.get(random.nextInt(WRONG.size())));
        case 2 -> o.putNull(name);
        default -> o.put(name, mutate(o.getValue(name), random));
      }
      return o;
    }
    if (value instanceof JsonArray a && !a.isEmpty() && random.nextBoolean()) {
      int i = random.nextInt(a.size());
      a.set(i, mutate(a.getValue(i), random));
      return a;
    }
    return WRONG.get(random.nextInt(WRONG.size())) instanceof JsonObject ? new JsonObject()
        : WRONG.get(random.nextInt(WRONG.size()));
  }

  /** JSON text as clients break it, and numbers the library reads as big ones. */
  private static String breakText(String text, Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> text.substring(0, random.nextInt(Math.max(1, text.length())));
      case 1 -> text + "}";
      case 2 -> text.replaceFirst("\"", "'");
      case 3 -> text.replaceFirst("}$", ",}");
      case 4 -> text.replaceFirst(":\"", ":\"\\\\ud800");
      case 5 -> text.replaceFirst(":\"[^\"]*\"", ":123456789012345678901234567890");
      case 6 -> text.replaceFirst(":\"[^\"]*\"", ":1e400");
      default -> text.replaceFirst(":\"", ":\"\\\\u0000");
    };
  }
}
