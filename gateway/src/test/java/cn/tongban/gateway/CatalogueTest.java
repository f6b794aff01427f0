package cn.tongban.gateway;

import cn.tongban.client.ApiException;
import cn.tongban.client.api.MattersApi;
import cn.tongban.client.model.MatterDetail;
import cn.tongban.client.model.MatterPage;
import cn.tongban.client.model.MatterSummary;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public matter catalogue, as a portal or kiosk reads it without signing in. */
class CatalogueTest {
  private static TestGateway gateway;
  private static MattersApi matters;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    matters = new MattersApi(gateway.anonymous());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static MatterPage list(String q, String department, Integer level, Boolean sameCity, int limit,
      String cursor) throws ApiException {
    return matters.listMatters(q, department, level, sameCity, null, null, null, null, limit, cursor);
  }

  @Test
  void pagesThroughTheWholeCatalogueWithCursorsInAStableOrder() throws Exception {
    List<String> codes = new ArrayList<>();
    String cursor = null;
    do {
      MatterPage page = list(null, null, null, null, 2, cursor);
      assertTrue(page.getItems().size() <= 2);
      page.getItems().forEach(m -> codes.add(m.getCode()));
      cursor = page.getNextCursor();
    } while (cursor != null);
    List<String> all = list(null, null, null, null, 100, null).getItems().stream().map(MatterSummary::getCode)
        .toList();
    assertEquals(all, codes, "pages add up to the whole catalogue, in the same order, without repeats");
    assertEquals(gateway.count("select count(*) from matter"), codes.size());
    assertEquals("rsj-talent-housing-subsidy", codes.get(0), "the bundle's display order");
    JsonObject last = new JsonObject(gateway.send("GET", "/api/v1/matters?limit=100", null).body());
    assertTrue(last.containsKey("nextCursor") && last.getValue("nextCursor") == null,
        "the last page says nextCursor: null, as the contract shows");
  }

  @Test
  void findsAMatterByPartOfItsChineseNameOrTheme() throws Exception {
    assertEquals(List.of("mzj-elderly-preferential-card"),
        list("优待", null, null, null, 20, null).getItems().stream().map(MatterSummary::getCode).toList());
    assertTrue(list("住房补贴", null, null, null, 20, null).getItems().stream()
        .anyMatch(m -> m.getCode().equals("rsj-talent-housing-subsidy")));
    assertTrue(list("人才住房", null, null, null, 20, null).getItems().stream()
        .allMatch(m -> m.getName().contains("人才住房")));
    assertTrue(list("老", null, null, null, 20, null).getItems().stream()
        .anyMatch(m -> m.getCode().equals("mzj-elderly-preferential-card")), "one character finds it too");
    assertTrue(list("优补", null, null, null, 20, null).getItems().isEmpty(), "a substring, not scattered characters");
  }

  @Test
  void filtersByTypeThemeStarAndChannel() throws Exception {
    assertTrue(matters.listMatters(null, null, null, null, "20", null, null, null, 100, null).getItems().stream()
        .allMatch(m -> m.getType().equals("20")));
    assertTrue(matters.listMatters(null, null, null, null, null, null, 4, null, 100, null).getItems().stream()
        .allMatch(m -> m.getStarLevel() >= 4));
    String theme = new JsonObject(gateway.send("GET", "/api/v1/matters/mzj-elderly-preferential-card", null).body())
        .getJsonArray("themes").getString(0);
    assertTrue(matters.listMatters(null, null, null, null, null, theme, null, null, 100, null).getItems().stream()
        .anyMatch(m -> m.getCode().equals("mzj-elderly-preferential-card")));
    long withExpress = gateway.count("select count(*) from matter where 'express' = any(channels)");
    assertEquals(withExpress, matters.listMatters(null, null, null, null, null, null, null, "express", 100, null)
        .getItems().size());
    assertEquals(400, gateway.send("GET", "/api/v1/matters?channel=pigeon", null).statusCode());
  }

  @Test
  void listItemsCarryTheContractFields() throws Exception {
    MatterSummary m = list(null, null, null, null, 20, null).getItems().get(0);
    assertNotNull(m.getName());
    assertNotNull(m.getType());
    assertNotNull(m.getDepartment().getCode());
    assertNotNull(m.getDepartment().getName());
    assertFalse(m.getLevels().isEmpty());
    assertTrue(m.getStarLevel() >= 1 && m.getStarLevel() <= 5);
    assertTrue(m.getPromisedDays().doubleValue() <= m.getLegalDays().doubleValue());
  }

  @Test
  void filtersByDepartmentLevelWordsAndSameCity() throws Exception {
    assertTrue(list(null, "mzj", null, null, 20, null).getItems().stream()
        .allMatch(m -> m.getDepartment().getCode().equals("mzj")));
    assertTrue(list(null, null, 6, null, 20, null).getItems().stream()
        .allMatch(m -> m.getLevels().contains(6)), "village-level matters only");
    assertTrue(list(null, null, null, true, 20, null).getItems().stream()
        .allMatch(MatterSummary::getSameCity));
    assertTrue(list("没有这个事项", null, null, null, 20, null).getItems().isEmpty());
  }

  @Test
  void detailHasMaterialsAndThePublishedFormWithAValidSample() throws Exception {
    MatterDetail d = matters.getMatter("rsj-talent-housing-subsidy");
    assertEquals("高层次人才住房补贴申领", d.getName());
    assertFalse(d.getMaterials().isEmpty());
    assertEquals(1, d.getForm().getVersion());
    JsonObject schema = new JsonObject(d.getForm().getSchema());
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.getString("$schema"));
    assertFalse(schema.getJsonArray("examples").isEmpty());
    assertNotNull(d.getForm().getUiSchema());
  }

  @Test
  void unknownMatterIsA404ProblemInTheCallersLanguage() throws Exception {
    ApiException e = assertThrows(ApiException.class, () -> matters.getMatter("no-such-matter"));
    assertEquals(404, e.getCode());
    JsonObject zh = new JsonObject(e.getResponseBody());
    assertEquals("事项不存在", zh.getString("title"));
    assertEquals("urn:tongban:problem:matter-not-found", zh.getString("type"));
    ApiException en = assertThrows(ApiException.class, () -> matters.getMatter("no-such-matter",
        Map.of("Accept-Language", "en")));
    assertEquals("No such matter", new JsonObject(en.getResponseBody()).getString("title"));
    var badCode = gateway.send("GET", "/api/v1/matters/%20bad%20", null);
    assertEquals(400, badCode.statusCode(), "a code outside the contract's pattern");
    assertNull(new JsonObject(badCode.body()).getValue("stack"));
  }
}
