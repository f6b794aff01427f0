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

  @Test
  void pagesThroughTheWholeCatalogueWithCursors() throws Exception {
    List<String> codes = new ArrayList<>();
    String cursor = null;
    do {
      MatterPage page = matters.listMatters(null, null, null, null, 1, cursor);
      assertTrue(page.getItems().size() <= 1);
      page.getItems().forEach(m -> codes.add(m.getCode()));
      cursor = page.getNextCursor();
    } while (cursor != null);
    assertEquals(List.of("rsj-talent-housing-subsidy", "mzj-elderly-preferential-card",
        "rsj-pension-insurance-enrolment"), codes, "display order of the bundled catalogue");
  }

  @Test
  void listItemsCarryTheContractFields() throws Exception {
    MatterSummary m = matters.listMatters(null, null, null, null, 20, null).getItems().get(0);
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
    assertTrue(matters.listMatters(null, "mzj", null, null, 20, null).getItems().stream()
        .allMatch(m -> m.getDepartment().getCode().equals("mzj")));
    assertEquals(List.of("mzj-elderly-preferential-card"),
        matters.listMatters("优待证", null, null, null, 20, null).getItems().stream().map(MatterSummary::getCode)
            .toList());
    assertTrue(matters.listMatters(null, null, 6, null, 20, null).getItems().stream()
        .allMatch(m -> m.getLevels().contains(6)), "village-level matters only");
    assertTrue(matters.listMatters(null, null, null, true, 20, null).getItems().stream()
        .allMatch(MatterSummary::getSameCity));
    assertTrue(matters.listMatters("没有这个事项", null, null, null, 20, null).getItems().isEmpty());
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
