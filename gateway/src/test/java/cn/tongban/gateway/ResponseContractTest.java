package cn.tongban.gateway;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.swagger.v3.core.util.Yaml;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real answers of the main operations validated against the response schemas of the served contract, strictly:
 * a field the server sends that the schema does not declare fails as surely as a missing required one or a wrong
 * type (so the SDKs, generated from the contract, hold every field the server sends). Object schemas without an
 * {@code additionalProperties} of their own are closed here with {@code unevaluatedProperties: false}.
 */
class ResponseContractTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static TestGateway gateway;
  private static JsonNode contract;
  private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start();
    try (InputStream in = ResponseContractTest.class.getClassLoader().getResourceAsStream("openapi/tongban.yaml")) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      contract = JSON.readTree(Yaml.mapper().readTree(yaml).toString());
    }
    close(contract.path("components").path("schemas"), composed(contract));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  /** Names of schemas used as parts of allOf/oneOf/anyOf: closing a part would refuse its siblings' fields. */
  private static Set<String> composed(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.findParents("allOf").forEach(p -> p.path("allOf").forEach(part -> names.add(part.path("$ref").asString())));
    for (String k : List.of("oneOf", "anyOf")) {
      node.findParents(k).forEach(p -> p.path(k).forEach(part -> names.add(part.path("$ref").asString())));
    }
    return names;
  }

  private static void close(JsonNode schemas, Set<String> parts) {
    for (Map.Entry<String, JsonNode> e : schemas.properties()) {
      closeObjects(e.getValue(), parts.contains("#/components/schemas/" + e.getKey()));
    }
  }

  /** Closes {@code schema} (unless it is a part of a composition) and the object schemas nested in it. */
  private static void closeObjects(JsonNode schema, boolean part) {
    if (!(schema instanceof ObjectNode o)) {
      return;
    }
    if (!part && (o.has("properties") || o.has("allOf")) && !o.has("additionalProperties")
        && !o.has("unevaluatedProperties") && !o.has("oneOf") && !o.has("anyOf")) {
      o.put("unevaluatedProperties", false);
    }
    for (JsonNode property : o.path("properties").values()) {
      closeObjects(property, false);
    }
    closeObjects(o.path("items"), false);
    for (JsonNode member : o.path("allOf").values()) {
      for (JsonNode property : member.path("properties").values()) {
        closeObjects(property, false);
      }
    }
  }

  /** The errors of {@code body} against the schema of operation {@code operationId}'s {@code status} answer. */
  static List<String> violations(String operationId, int status, String body) {
    String pointer = null;
    for (Map.Entry<String, JsonNode> path : contract.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (operationId.equals(op.getValue().path("operationId").asString(""))) {
          pointer = "#/paths/" + path.getKey().replace("~", "~0").replace("/", "~1") + "/" + op.getKey()
              + "/responses/" + status + "/content/application~1json/schema";
        }
      }
    }
    assertTrue(pointer != null, "no operation " + operationId + " in the contract");
    ObjectNode root = (ObjectNode) contract.deepCopy();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$ref", pointer);
    Schema schema = SCHEMAS.getSchema(root);
    List<Error> errors = schema.validate(JSON.readTree(body));
    return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
  }

  /** Answers that drifted from the contract, reported together at the end of a test. */
  private final List<String> drift = new ArrayList<>();

  private JsonObject conforms(String operationId, HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    for (String error : violations(operationId, status, r.body())) {
      drift.add(operationId + " " + error);
    }
    return r.body().startsWith("{") ? new JsonObject(r.body()) : new JsonObject();
  }

  private void assertNoDrift() {
    assertTrue(drift.isEmpty(), "answers differ from what the contract says (declare the field in the contract with"
        + " its type, or stop sending it):\n  " + String.join("\n  ", drift));
  }

  @Test
  void theMainOperationsAnswerExactlyWhatTheContractSays() throws Exception {
    conforms("issueToken", gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", "citizen").put("password", "tongban-demo").encode(), "Content-Type", "application/json"), 200);
    conforms("getMe", gateway.get("citizen", "/api/v1/me"), 200);
    conforms("listMatters", gateway.send("GET", "/api/v1/matters?limit=5", null), 200);
    String matter = "mzj-elderly-preferential-card";
    conforms("getMatter", gateway.send("GET", "/api/v1/matters/" + matter, null), 200);

    JsonObject created = conforms("submitApplication", gateway.post("citizen", "/api/v1/applications",
        new JsonObject().put("matterCode", matter).put("channel", "MINI_PROGRAM").put("data", gateway.sample(matter))),
        201);
    String number = created.getString("number");
    conforms("getApplication", gateway.get("citizen", "/api/v1/applications/" + number), 200);
    conforms("getApplication", gateway.get("clerk", "/api/v1/applications/" + number), 200);
    conforms("listApplications", gateway.get("citizen", "/api/v1/applications?limit=5"), 200);
    conforms("listApplicationSummaries", gateway.get("citizen", "/api/v1/application-summaries?limit=5"), 200);
    conforms("listApplicationSummaries", gateway.get("clerk", "/api/v1/application-summaries?limit=5"), 200);
    conforms("getProgress", gateway.send("GET", "/api/v1/applications/" + number + "/progress?queryCode="
        + created.getString("queryCode"), null), 200);
    conforms("actOnApplication", gateway.act("clerk", number, new JsonObject().put("action", "accept")), 200);
    conforms("listMyLicences", gateway.get("citizen", "/api/v1/licences"), 200);
    assertNoDrift();
  }

  @Test
  void anEnterpriseCaseAnswersItsApplicantWithCreditCodeAndAgent() throws Exception {
    String matter = "mzj-elderly-preferential-card";
    JsonObject created = conforms("submitApplication", gateway.post("citizen", "/api/v1/applications",
        new JsonObject().put("matterCode", matter).put("channel", "WEB").put("data", gateway.sample(matter))
            .put("applicant", new JsonObject().put("kind", "ENTERPRISE")
                .put("creditCode", cn.tongban.core.demo.DemoSeeder.DEMO_ENTERPRISE))), 201);
    JsonObject applicant = created.getJsonObject("applicant");
    assertEquals(cn.tongban.core.demo.DemoSeeder.DEMO_ENTERPRISE, applicant.getString("creditCode"));
    assertEquals("PERSON", applicant.getJsonObject("agent").getString("kind"));
    conforms("getApplication", gateway.get("citizen", "/api/v1/applications/" + created.getString("number")), 200);
    assertNoDrift();
  }

  @Test
  void anUndeclaredFieldFailsTheCheck() {
    List<String> errors = violations("getMe", 200, new JsonObject().put("kind", "CITIZEN").put("username", "citizen")
        .put("displayName", "张三").put("roles", new io.vertx.core.json.JsonArray())
        .put("notInTheContract", 1).encode());
    assertTrue(errors.stream().anyMatch(e -> e.contains("notInTheContract")), String.valueOf(errors));
  }
}
