package cn.tongban.core.form;

import cn.tongban.core.matter.CatalogueImporter;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bundled matter passes exactly the checks an author's publish goes through. */
class BundledDefinitionsPublishTest {
  private final DefinitionChecker checker = new DefinitionChecker(new FormValidator(), installedHandlers());

  /** The built-in handlers, found the way the platform finds them. */
  private static Map<String, JsonObject> installedHandlers() {
    try {
      return cn.tongban.core.plugin.PluginHost.load(null, java.time.Clock.systemUTC(), java.util.Optional.empty())
          .configSchemas();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyBundledDefinitionPassesThePublishingChecks() {
    List<CatalogueImporter.Bundled> bundled = CatalogueImporter.readBundled();
    assertTrue(bundled.size() >= 15, "at least 15 bundled matters");
    return bundled.stream().map(b -> DynamicTest.dynamicTest(b.matter().getString("code"), () -> {
      assertEquals(List.of(), checker.checkMatter(b.matter(), "", Messages.DEFAULT));
      assertEquals(List.of(), checker.checkForm(b.form(), b.matter(), Messages.DEFAULT));
    }));
  }

  @Test
  void handlerBindingsAreCheckedAgainstTheInstalledHandlersConfigurationSchemas() {
    JsonObject configSchema = new JsonObject().put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("type", "object").put("required", new JsonArray().add("field"))
        .put("properties", new JsonObject().put("field", new JsonObject().put("type", "string")
            .put("title", "校验的数据项")));
    DefinitionChecker withHandler = new DefinitionChecker(new FormValidator(), Map.of("id-number-check", configSchema));
    CatalogueImporter.Bundled b = CatalogueImporter.readBundled().get(0);
    JsonObject good = b.form().copy().put("handlers", new JsonArray().add(new JsonObject().put("id", "id-number-check")
        .put("config", new JsonObject().put("field", "/idNumber"))));
    assertEquals(List.of(), withHandler.checkForm(good, b.matter(), Messages.DEFAULT));
    JsonObject bad = b.form().copy().put("handlers", new JsonArray().add(new JsonObject().put("id", "id-number-check")
        .put("config", new JsonObject().put("field", 7))));
    assertEquals(List.of("/handlers/0/config/field"), withHandler.checkForm(bad, b.matter(), Messages.DEFAULT)
        .stream().map(Violation::pointer).toList());
  }

  @Test
  void checksFindEveryKindOfProblemInADefinition() {
    CatalogueImporter.Bundled b = CatalogueImporter.readBundled().get(0);
    JsonObject form = b.form().copy();
    JsonObject example = form.getJsonObject("schema").getJsonArray("examples").getJsonObject(0);
    String required = form.getJsonObject("schema").getJsonArray("required").getString(0);
    example.remove(required);
    form.put("handlers", new JsonArray().add(new JsonObject().put("id", "no-such-handler").put("config",
        new JsonObject())));
    form.put("materialBindings", new JsonArray().add(new JsonObject().put("material", "nothing")
        .put("field", "/nowhere")));
    form.getJsonObject("uiSchema").put("visibleWhen", new JsonObject().put("/ghost", new JsonObject()));
    Set<String> pointers = checker.checkForm(form, b.matter(), Messages.DEFAULT).stream().map(Violation::pointer)
        .collect(Collectors.toSet());
    assertEquals(Set.of("/schema/examples/0/" + required, "/handlers/0/id", "/materialBindings/0/material",
        "/materialBindings/0/field", "/uiSchema/visibleWhen/~1ghost"), pointers);

    CatalogueImporter.Bundled parallel = CatalogueImporter.readBundled().stream()
        .filter(x -> x.matter().containsKey("parallelApproval")).findFirst().orElseThrow();
    JsonObject p = parallel.matter().copy();
    JsonObject first = p.getJsonObject("parallelApproval").getJsonArray("departments").getJsonObject(0);
    first.put("code", "nobody").put("limitDays", 99);
    assertEquals(Set.of("/parallelApproval/departments/0/code", "/parallelApproval/departments/0/limitDays"),
        checker.checkMatter(p, "", Messages.DEFAULT).stream().map(Violation::pointer).collect(Collectors.toSet()));

    JsonObject matter = b.matter().copy().put("promisedDays", 99);
    assertTrue(checker.checkMatter(matter, "", Messages.DEFAULT).stream()
        .anyMatch(v -> v.pointer().equals("/promisedDays") && v.code().equals("promisedExceedsLegal")));
  }
}
