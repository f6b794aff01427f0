package cn.tongban.gateway;

import cn.tongban.core.testing.MutableClock;
import cn.tongban.plugin.CreditCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real issuers (each department's 统一社会信用代码 as data, the issuer of its e-licences), the licence within
 * 10 working days of the approval (Administrative Licensing Law art. 44, warned by 电子监察), and due dates
 * beyond the loaded calendar (provisional, listed, recomputed when the year is loaded), and the 低保 matter's
 * own extension (民发〔2021〕57号) — on a clock the test moves, with the periodic scan off.
 */
class IssuersAndCalendarTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final MutableClock CLOCK = MutableClock.at("2026-11-02T09:00:00");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_RELAY_INTERVAL_MS", "100"),
        CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static JsonObject ok(HttpResponse<String> r) {
    return TestGateway.ok(r);
  }

  private static HttpResponse<String> put(String user, String path, JsonObject body) throws Exception {
    return gateway.send("PUT", path, body.encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
  }

  private static JsonObject department(String code) throws Exception {
    HttpResponse<String> r = gateway.send("GET", "/api/v1/departments", null);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonArray(r.body()).stream().map(JsonObject.class::cast)
        .filter(d -> code.equals(d.getString("code"))).findFirst().orElseThrow();
  }

  private static String approvedElderlyCard(String time) throws Exception {
    CLOCK.set(time);
    String number = gateway.submitSample(ELDERLY);
    ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    ok(gateway.act("reviewer.mzj", number, new JsonObject().put("action", "review-pass")));
    ok(gateway.act("approver.mzj", number, new JsonObject().put("action", "approve")));
    return number;
  }

  private static void scan(String time) throws Exception {
    CLOCK.set(time);
    ok(gateway.send("POST", "/api/v1/supervision/scan", null, "Authorization", "Bearer " + gateway.token("supervisor")));
  }

  private static List<String> licenceWarnings(String number) throws Exception {
    return gateway.read("supervisor", number).getJsonArray("warnings", new JsonArray()).stream()
        .map(JsonObject.class::cast).filter(w -> "LICENCE_DUE".equals(w.getString("kind")))
        .map(w -> w.getString("level") + " " + w.getString("dueDate")).toList();
  }

  @Test
  void departmentsIssueLicencesUnderTheCreditCodeAdministratorsRecord() throws Exception {
    JsonObject demo = department("cjl");
    assertEquals("11410183990000017N", demo.getString("creditCode"));
    assertTrue(demo.getBoolean("creditCodeDemo"), "the bundled departments carry demo codes, marked as such");
    assertTrue(CreditCode.isValid(demo.getString("creditCode")));

    String name = demo.getString("name");
    String real = CreditCode.withCheck("11410183MB0012345");
    String wrongCheck = real.substring(0, 17) + (real.charAt(17) == '0' ? '1' : '0');
    HttpResponse<String> bad = put("admin", "/api/v1/departments/cjl", new JsonObject().put("name", name)
        .put("creditCode", wrongCheck));
    assertEquals(422, bad.statusCode(), bad.body());
    assertEquals("/creditCode", new JsonObject(bad.body()).getJsonArray("violations").getJsonObject(0)
        .getString("pointer"));
    HttpResponse<String> taken = put("admin", "/api/v1/departments/cjl", new JsonObject().put("name", name)
        .put("creditCode", department("mzj").getString("creditCode")));
    assertEquals(422, taken.statusCode(), "two departments cannot share a code: " + taken.body());
    assertEquals(403, put("approver.cjl", "/api/v1/departments/cjl", new JsonObject().put("name", name)
        .put("creditCode", real)).statusCode());

    JsonObject recorded = ok(put("admin", "/api/v1/departments/cjl", new JsonObject().put("name", name)
        .put("creditCode", real)));
    assertEquals(real, recorded.getString("creditCode"));
    assertFalse(recorded.getBoolean("creditCodeDemo"));
    // A rename without a code keeps the recorded one.
    ok(put("admin", "/api/v1/departments/cjl", new JsonObject().put("name", name)));
    assertEquals(real, department("cjl").getString("creditCode"));

    CLOCK.set("2026-11-03T10:00:00");
    JsonObject licence = gateway.approvedDisabilityCertificate();
    assertEquals(real, licence.getString("issuerCode"), "the licence names its issuer by the recorded code");
    assertTrue(licence.getString("identifier").contains("." + real + "."), licence.getString("identifier"));
  }

  @Test
  void aLicenceNotIssuedWithinTenWorkingDaysOfTheApprovalIsWarned() throws Exception {
    // 民政局 as in a deployment where its code has not been recorded yet: no licence can be issued under it.
    gateway.execute("update department set credit_code = null, credit_code_demo = false where code = 'mzj'");
    String number = approvedElderlyCard("2026-11-02T09:30:00");
    TestGateway.awaitUntil(Duration.ofSeconds(20), () -> {
      try {
        return gateway.count("select count(*) from outbox_event where aggregate_id = '" + number
            + "' and event_type = 'ApplicationApprove' and status = 'DELIVERED'") == 1;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(0, gateway.count("select count(*) from licence where application_number = '" + number + "'"),
        "no issuer code, no licence: none is made up");

    // Approved Mon 2 Nov: the licence is due 10 working days later, Mon 16 Nov.
    scan("2026-11-12T09:00:00");
    assertEquals(List.of(), licenceWarnings(number));
    scan("2026-11-13T09:00:00");
    assertEquals(List.of("REMINDER 2026-11-16"), licenceWarnings(number));
    scan("2026-11-17T09:00:00");
    assertEquals(List.of("REMINDER 2026-11-16", "RED 2026-11-16"), licenceWarnings(number));

    JsonObject warned = ok(gateway.get("supervisor", "/api/v1/supervision/cases?kind=LICENCE_DUE"));
    JsonObject item = warned.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> number.equals(i.getString("number"))).findFirst().orElseThrow(() -> new AssertionError(
            "the case is in the warned list with its own kind: " + warned.encode()));
    assertTrue(item.getJsonArray("warnings").stream().map(JsonObject.class::cast)
        .anyMatch(w -> "LICENCE_DUE".equals(w.getString("kind")) && "RED".equals(w.getString("level"))), item.encode());

    // A case whose licence was issued on time raises nothing.
    gateway.execute("update department set credit_code = '114101839900000417', credit_code_demo = true"
        + " where code = 'mzj'");
    String issued = approvedElderlyCard("2026-11-18T09:30:00");
    TestGateway.awaitUntil(Duration.ofSeconds(20), () -> {
      try {
        return gateway.count("select count(*) from licence where application_number = '" + issued + "'") == 1;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    scan("2026-12-03T09:00:00");
    assertEquals(List.of(), licenceWarnings(issued));
  }

  @Test
  void dueDatesInAYearWithoutItsCalendarAreProvisionalUntilTheYearIsLoaded() throws Exception {
    // Accepted Mon 21 Dec 2026: promised 5 working days → Mon 28 Dec; statutory 10 → counted into 2027, whose
    // holiday notice is not loaded: Mon 4 Jan 2027 by the Monday–Friday rule alone.
    CLOCK.set("2026-12-21T09:00:00");
    String number = gateway.submitSample(ELDERLY);
    JsonObject accepted = ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    assertEquals("2026-12-28", accepted.getString("dueDate"));
    assertEquals("2027-01-04", accepted.getString("legalDueDate"));
    assertTrue(accepted.getBoolean("dueDateProvisional"), accepted.encode());
    assertEquals(new JsonArray().add(2027), accepted.getJsonArray("provisionalYears"));

    assertEquals(403, gateway.get("citizen", "/api/v1/calendar/provisional-cases").statusCode());
    JsonObject listed = ok(gateway.get("admin", "/api/v1/calendar/provisional-cases"));
    assertEquals(new JsonArray().add(2027), listed.getJsonArray("years"));
    JsonObject item = listed.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> number.equals(i.getString("number"))).findFirst().orElseThrow();
    assertEquals("2027-01-04", item.getString("legalDueDate"));
    JsonObject graphql = new JsonObject(gateway.send("POST", "/graphql", new JsonObject()
        .put("query", "{ provisionalCases }").encode(), "Authorization", "Bearer " + gateway.token("supervisor"),
        "Content-Type", "application/json").body());
    assertEquals(new JsonArray().add(2027), graphql.getJsonObject("data").getJsonObject("provisionalCases")
        .getJsonArray("years"));

    // A file the administrator uploads: every line not understood is named, nothing changes.
    HttpResponse<String> bad = gateway.send("PUT", "/api/v1/calendar/years/2027", "source 测试\nholiday 2027-01-01\n",
        "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "text/plain; charset=utf-8");
    assertEquals(422, bad.statusCode(), bad.body());
    assertEquals("/lines/2", new JsonObject(bad.body()).getJsonArray("violations").getJsonObject(0).getString("pointer"));
    assertTrue(gateway.read("clerk", number).getBoolean("dueDateProvisional"));

    // Test data in the file format, NOT the 2027 notice (which is not at hand): one day off on 1 Jan.
    String file = """
        # 测试数据：并非国务院办公厅的2027年节假日安排
        source 测试用日历（非官方）
        holiday 2027-01-01 元旦（测试）
        """;
    JsonObject loaded = ok(gateway.send("PUT", "/api/v1/calendar/years/2027", file, "Authorization",
        "Bearer " + gateway.token("admin"), "Content-Type", "text/plain; charset=utf-8"));
    assertEquals(1, loaded.getInteger("holidays"));
    assertTrue(loaded.getInteger("recomputedCases") >= 1, loaded.encode());

    JsonObject after = gateway.read("clerk", number);
    assertEquals("2026-12-28", after.getString("dueDate"), "a due date inside 2026 stays");
    assertEquals("2027-01-05", after.getString("legalDueDate"), "counted again with 1 Jan 2027 off");
    assertNull(after.getValue("dueDateProvisional"));
    assertEquals(accepted.getInteger("version") + 1, after.getInteger("version"));
    assertEquals(1, gateway.count("select count(*) from audit_event where action = 'application.due-dates-recomputed'"
        + " and entity_id = '" + number + "'"));
    assertFalse(ok(gateway.get("admin", "/api/v1/calendar/provisional-cases")).getJsonArray("items").stream()
        .map(JsonObject.class::cast).anyMatch(i -> number.equals(i.getString("number"))));
  }

  @Test
  void theSubsistenceAllowanceIsExtendedAsItsOwnRuleSays() throws Exception {
    // 低保: 25 working days, in special cases up to 40 (民发〔2021〕57号 with the local rule): an extension of 15,
    // where a licence of the Licensing Law's kind would get 10.
    CLOCK.set("2026-11-02T09:00:00");
    String number = gateway.submitSample("mzj-subsistence-allowance");
    JsonObject accepted = ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    assertEquals("2026-12-07", accepted.getString("legalDueDate"));
    HttpResponse<String> ten = gateway.act("approver.mzj", number, new JsonObject().put("action", "extend")
        .put("comment", "需补充核对家庭财产").put("workingDays", 10));
    assertEquals(422, ten.statusCode(), ten.body());
    JsonObject extended = ok(gateway.act("approver.mzj", number, new JsonObject().put("action", "extend")
        .put("comment", "需补充核对家庭财产").put("workingDays", 15)));
    assertEquals("2026-12-28", extended.getString("legalDueDate"), "40 working days from acceptance");
    JsonObject matter = new JsonObject(gateway.send("GET", "/api/v1/matters/mzj-subsistence-allowance", null).body());
    assertEquals("LOCAL_SAMPLE", matter.getString("codeStatus"));
  }
}
