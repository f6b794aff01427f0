package cn.tongban.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Yaml;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The served contract must keep every client of the last released one working (released/tongban-1.yaml, the
 * contract of release 1): additions pass, breaking changes fail the build naming what broke. To release a new
 * major version, copy the contract to released/ under the next number and point {@link #RELEASED} at it.
 */
class ContractCompatibilityTest {
  static final Path RELEASED = Path.of("released/tongban-1.yaml");
  static final Path CURRENT = Path.of("src/main/resources/openapi/tongban.yaml");

  private static JsonNode read(Path file) throws Exception {
    return Yaml.mapper().readTree(Files.readString(file));
  }

  @Test
  void theContractKeepsEveryClientOfTheReleasedOneWorking() throws Exception {
    List<String> breaks = ContractCompatibility.breakingChanges(read(RELEASED), read(CURRENT));
    assertTrue(breaks.isEmpty(), "The contract (" + CURRENT + ") breaks clients of the released contract ("
        + RELEASED + "):\n  " + String.join("\n  ", breaks)
        + "\nKeep the old form working (add instead of change), or release a new major version of the API.");
  }

  @Test
  void additionsBreakNothing() throws Exception {
    JsonNode released = read(RELEASED);
    ObjectNode current = (ObjectNode) read(RELEASED);
    ObjectNode application = (ObjectNode) current.at("/components/schemas/Application/properties");
    application.putObject("newField").put("type", "string");
    ((ObjectNode) current.path("paths")).putObject("/api/v1/new-thing").putObject("get")
        .put("operationId", "getNewThing").putObject("responses").putObject("200").put("description", "ok");
    ((ObjectNode) current.at("/components/schemas/SubmitApplicationRequest/properties"))
        .putObject("optionalExtra").put("type", "string");
    assertEquals(List.of(), ContractCompatibility.breakingChanges(released, current));
  }

  @Test
  void aDeliberatelyBrokenContractFailsNamingEachBreak() throws Exception {
    JsonNode released = read(RELEASED);
    ObjectNode broken = (ObjectNode) read(RELEASED);
    ((ObjectNode) broken.path("paths")).remove("/api/v1/matters/{code}");
    ((ObjectNode) broken.at("/components/schemas/Application/properties")).remove("queryCode");
    ObjectNode submit = (ObjectNode) broken.at("/components/schemas/SubmitApplicationRequest");
    ((ArrayNode) submit.path("required")).add("hallCode");
    ((ObjectNode) broken.at("/components/schemas/Application/properties/formVersion")).put("type", "string");

    List<String> breaks = ContractCompatibility.breakingChanges(released, broken);
    String all = String.join("\n", breaks);
    assertTrue(all.contains("GET /api/v1/matters/{code} (getMatter): operation removed"), all);
    // A schema used in many places is reported at the first operation reaching it.
    assertTrue(all.contains(": field queryCode removed"), all);
    assertTrue(all.contains("POST /api/v1/applications (submitApplication) request body: field hallCode is newly required"),
        all);
    assertTrue(all.contains(".formVersion: type changed from [integer] to [string]"), all);
    assertEquals(5, breaks.size(), all);
  }
}
