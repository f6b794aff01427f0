package cn.tongban.core.lifeevent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.problem.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The combined form's data feeds each matter, and a matter's violation finds its way back to the combined field. */
class LifeEventMappingTest {
  private static final JsonObject ENTRY = new JsonObject()
      .put("fields", new JsonObject().put("/wife/name", "/motherName").put("/mobile", "/mobile"))
      .put("constants", new JsonObject().put("/registrationTiming", "AFTER_BIRTH"));

  @Test
  void dataIsMappedIntoNestedFieldsWithConstants() {
    JsonObject data = LifeEventMapping.dataFor(ENTRY, new JsonObject().put("motherName", "周静").put("other", 1));
    assertEquals(new JsonObject().put("wife", new JsonObject().put("name", "周静"))
        .put("registrationTiming", "AFTER_BIRTH"), data, "absent fields stay absent; others are not copied");
  }

  @Test
  void violationsPointBackIntoTheCombinedRequest() {
    List<Integer> materials = List.of(3);
    assertEquals("/data/motherName", back(new Violation("/data/wife/name", "minLength", "m")).pointer());
    assertEquals("/data/mobile", back(new Violation("/data/mobile", "pattern", "m")).pointer());
    Violation fixed = back(new Violation("/data/registrationTiming", "enum", "不对"));
    assertEquals("/data", fixed.pointer());
    assertEquals("生育登记：不对", fixed.message());
    assertEquals("/materials/3/materialId", LifeEventMapping.back(ENTRY, "生育登记",
        new Violation("/materials/0/materialId", "notOwned", "m"), materials, (n, m) -> n + "：" + m).pointer());
  }

  @Test
  void materialsGoToEveryMatterThatListsThem() {
    JsonObject matter = new JsonObject().put("materials", new JsonArray()
        .add(new JsonObject().put("code", "photo")));
    JsonArray given = new JsonArray().add(new JsonObject().put("code", "bank-card").put("materialId", "a"))
        .add(new JsonObject().put("code", "photo").put("materialId", "b"));
    LifeEventMapping.Materials mine = LifeEventMapping.materialsFor(matter, given);
    assertEquals(1, mine.given().size());
    assertEquals(List.of(1), mine.index());
  }

  @Test
  void declaredPointersFollowNestedProperties() {
    JsonObject schema = new JsonObject().put("properties", new JsonObject().put("wife", new JsonObject()
        .put("properties", new JsonObject().put("name", new JsonObject()))));
    assertTrue(LifeEventMapping.declares(schema, "/wife/name"));
    assertFalse(LifeEventMapping.declares(schema, "/wife/age"));
    assertFalse(LifeEventMapping.declares(schema, ""));
  }

  private static Violation back(Violation v) {
    return LifeEventMapping.back(ENTRY, "生育登记", v, List.of(), (n, m) -> n + "：" + m);
  }
}
