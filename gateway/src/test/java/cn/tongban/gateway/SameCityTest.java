package cn.tongban.gateway;

import cn.tongban.client.api.AuthApi;
import cn.tongban.client.model.TokenRequest;
import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 同城通办 and 三级联动 as people meet them: a township window takes in a matter that the city's civil-affairs
 * bureau accepts and decides, a village agent applies under the applicant's authorisation, the forwarding
 * clock is watched, and supervisors see where cases are taken in and decided.
 */
class SameCityTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final String LISI = "440524188001010014";
  private static final MutableClock CLOCK = MutableClock.at("2026-09-14T09:00:00");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> post(String user, String path, JsonObject body) throws Exception {
    return gateway.post(user, path, body);
  }

  private static HttpResponse<String> get(String user, String path) throws Exception {
    return gateway.get(user, path);
  }

  /** A member of staff takes the elderly card in at their window for 李四, who walked in without an account. */
  private static HttpResponse<String> walkIn(String user, JsonObject collection) throws Exception {
    JsonObject body = new JsonObject().put("matterCode", ELDERLY).put("channel", "WINDOW")
        .put("data", gateway.sample(ELDERLY)).put("applicant", new JsonObject().put("name", "李四").put("idNumber", LISI));
    body.getJsonObject("data").put("name", "李四").put("idNumber", LISI).put("householdTownship", "超化镇");
    if (collection != null) {
      body.put("collection", collection);
    }
    return post(user, "/api/v1/applications", body);
  }

  private static JsonObject created(HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject action(String name) {
    return new JsonObject().put("action", name);
  }

  private static List<String> pointers(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonArray("violations").stream()
        .map(v -> ((JsonObject) v).getString("pointer")).toList();
  }

  @Test
  void townshipClerkTakesInForWalkInCitizenAndTheHomeDepartmentAcceptsAndDecides() throws Exception {
    CLOCK.set("2026-09-14T09:00:00");
    JsonObject taken = created(walkIn("clerk.town", new JsonObject().put("method", "HOME_DEPARTMENT")));
    String number = taken.getString("number");
    JsonObject places = taken.getJsonObject("sameCity");
    assertEquals("xm-chaohua", places.getString("intakeHall"), "通办地收件");
    assertEquals("mzj", places.getString("acceptingDepartment"), "归属地受理");
    assertEquals("mzj", places.getString("approvingDepartment"), "归属地审批");
    assertEquals("xm-city", places.getString("homeHall"));
    assertTrue(places.getBoolean("forwarded"));
    assertEquals("2026-09-15", places.getString("forwardDueDate"), "within 1 working day");
    assertEquals(new JsonObject().put("method", "HOME_DEPARTMENT").put("hallCode", "xm-city")
        .put("departmentCode", "mzj"), taken.getJsonObject("collection"));

    JsonArray steps = new JsonArray(get("clerk.town", "/api/v1/applications/" + number + "/steps").body());
    assertEquals(List.of("收件", "转办"), steps.stream().map(s -> ((JsonObject) s).getString("stepName")).toList(),
        "forwarded at once");
    assertEquals("xm-city", steps.getJsonObject(1).getJsonObject("detail").getString("toHall"));
    assertEquals(1, gateway.count("select count(*) from outbox_event where aggregate_id = '" + number
        + "' and event_type = 'ApplicationForwarded'"));
    assertEquals(1, gateway.count("select count(*) from audit_event where entity_id = '" + number
        + "' and action = 'application.forwarded'"));

    assertEquals(200, get("reviewer.mzj", "/api/v1/applications/" + number).statusCode(), "the home department");
    assertEquals(404, get("reviewer.rsj", "/api/v1/applications/" + number).statusCode(), "another department");
    assertEquals(404, get("clerk", "/api/v1/applications/" + number).statusCode(), "another hall");
    assertTrue(new JsonObject(get("reviewer.mzj", "/api/v1/applications?status=SUBMITTED").body())
        .getJsonArray("items").stream().anyMatch(a -> ((JsonObject) a).getString("number").equals(number)));

    HttpResponse<String> byIntake = gateway.act("clerk.town", number, action("accept"));
    assertEquals(403, byIntake.statusCode(), "the intake window does not accept a forwarded case (受审分离)");
    CLOCK.set("2026-09-14T15:30:00");
    JsonObject accepted = TestGateway.ok(gateway.act("reviewer.mzj", number, action("accept")));
    assertEquals("ACCEPTED", accepted.getString("status"));
    assertTrue(accepted.getJsonObject("sameCity").containsKey("forwardAnsweredAt"));

    JsonObject followed = gateway.read("clerk.town", number);
    assertEquals("ACCEPTED", followed.getString("status"), "the intake hall follows its progress");
    TestGateway.ok(gateway.act("reviewer.mzj", number, action("review-pass")));
    TestGateway.ok(gateway.act("approver.mzj", number, action("approve")));
    assertEquals("APPROVED", gateway.read("clerk.town", number).getString("status"));
    JsonArray seen = new JsonArray(get("clerk.town", "/api/v1/applications/" + number + "/steps").body());
    assertTrue(seen.stream().map(s -> ((JsonObject) s).getString("stepName")).toList()
        .containsAll(List.of("受理", "审核通过", "审批准予")));

    // 李四 registers later with the same identity number: the case taken in at the window is theirs.
    assertEquals(201, gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", LISI)
        .put("name", "李四").put("phone", "13911112222").put("password", "Lisi-Register-2026").encode(),
        "Content-Type", "application/json").statusCode());
    String token = new AuthApi(gateway.anonymous()).issueToken(new TokenRequest().grantType("password")
        .username(LISI).password("Lisi-Register-2026")).getAccessToken();
    JsonObject mine = new JsonObject(gateway.send("GET", "/api/v1/applications", null,
        "Authorization", "Bearer " + token).body());
    assertTrue(mine.getJsonArray("items").stream().anyMatch(a -> ((JsonObject) a).getString("number")
        .equals(number)), mine.encode());
  }

  @Test
  void anUnacceptedForwardedCaseRaisesTheOneWorkingDayWarning() throws Exception {
    CLOCK.set("2026-09-14T10:00:00");
    String late = created(walkIn("clerk.town", null)).getString("number");
    String onTime = created(walkIn("clerk.town", null)).getString("number");
    CLOCK.set("2026-09-15T11:00:00");
    TestGateway.ok(gateway.act("reviewer.mzj", onTime, action("request-correction").put("items", new JsonArray()
        .add(new JsonObject().put("pointer", "/data/address").put("message", "请写到门牌号")))));

    CLOCK.set("2026-09-16T09:00:00");
    TestGateway.ok(post("supervisor", "/api/v1/supervision/scan", new JsonObject()));
    TestGateway.ok(post("supervisor", "/api/v1/supervision/scan", new JsonObject()));
    JsonArray warnings = gateway.read("clerk.town", late).getJsonArray("warnings");
    assertTrue(warnings.stream().map(JsonObject.class::cast).anyMatch(w -> w.getString("kind").equals("FORWARD_DUE")
        && w.getString("level").equals("RED") && w.getString("subject").equals("mzj")
        && w.getString("dueDate").equals("2026-09-15")), warnings.encode());
    assertEquals(1, gateway.count("select count(*) from case_warning w join application a on a.id = w.application_id"
        + " where a.number = '" + late + "' and w.kind = 'FORWARD_DUE' and w.level = 'RED'"), "raised once");
    assertTrue(gateway.count("select count(*) from outbox_event where aggregate_id = '" + late
        + "' and event_type = 'DeadlineWarning' and payload->>'kind' = 'FORWARD_DUE'") >= 1);
    assertFalse(gateway.read("clerk.town", onTime).encode().contains("FORWARD_DUE"),
        "returned for correction within the day");
  }

  @Test
  void aVillageAgentAppliesOnlyUnderTheApplicantsAuthorisation() throws Exception {
    CLOCK.set("2026-09-21T09:00:00");
    JsonObject forZhang = new JsonObject().put("matterCode", ELDERLY).put("channel", "WINDOW")
        .put("data", gateway.sample(ELDERLY))
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X"));
    HttpResponse<String> refused = post("agent.village", "/api/v1/applications", forZhang);
    assertEquals(403, refused.statusCode(), refused.body());
    assertTrue(new JsonObject(refused.body()).getString("detail").contains("代办授权"));

    JsonObject granted = created(post("citizen", "/api/v1/authorisations", new JsonObject()
        .put("hallCode", "xm-chaohua-v01").put("matterCode", ELDERLY).put("validUntil", "2026-12-31")));
    assertEquals("ACTIVE", granted.getString("status"));
    JsonObject taken = created(post("agent.village", "/api/v1/applications", forZhang));
    JsonObject agency = taken.getJsonObject("agency");
    assertEquals(granted.getString("id"), agency.getString("authorisationId"));
    assertEquals(0, agency.getInteger("fee"), "代办 is free by rule");
    assertEquals("FREE_BY_RULE", agency.getString("feeRule"));
    assertEquals("xm-chaohua-v01", taken.getJsonObject("sameCity").getString("intakeHall"));
    assertTrue(taken.getJsonObject("sameCity").getBoolean("forwarded"));
    JsonObject asCitizen = gateway.read("citizen", taken.getString("number"));
    assertEquals(granted.getString("id"), asCitizen.getJsonObject("agency").getString("authorisationId"),
        "the applicant sees who applied for them, under which authorisation");

    JsonArray mine = new JsonArray(get("citizen", "/api/v1/authorisations").body());
    assertTrue(mine.stream().anyMatch(a -> ((JsonObject) a).getString("id").equals(granted.getString("id"))));
    assertEquals(403, post("agent.village", "/api/v1/authorisations/" + granted.getString("id") + "/revoke",
        new JsonObject()).statusCode(), "only the applicant revokes");
    JsonObject revoked = TestGateway.ok(post("citizen", "/api/v1/authorisations/" + granted.getString("id")
        + "/revoke", new JsonObject()));
    assertEquals("REVOKED", revoked.getString("status"));
    assertEquals(403, post("agent.village", "/api/v1/applications", forZhang).statusCode(), "revoked");

    // Recorded at the station from the applicant's signed form; it expires.
    HttpResponse<String> noEvidence = post("agent.village", "/api/v1/authorisations", new JsonObject()
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X"))
        .put("validUntil", "2026-09-01"));
    assertEquals(422, noEvidence.statusCode());
    assertEquals(List.of("/validUntil", "/evidence"), pointers(noEvidence));
    // The signed form is uploaded first (the agent may, for it alone); its material id is the evidence.
    HttpResponse<String> form = gateway.upload("agent.village", Map.of("kind", "agent-authorisation", "idNumber",
        "11010519491231002X"), "授权书.pdf", ("%PDF-1.4\n% signed form\n%%EOF\n").getBytes(
        java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(201, form.statusCode(), form.body());
    created(post("agent.village", "/api/v1/authorisations", new JsonObject()
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X"))
        .put("validUntil", "2026-09-22").put("evidence", new JsonObject(form.body()).getString("id"))));
    created(post("agent.village", "/api/v1/applications", forZhang));
    CLOCK.set("2026-09-24T09:00:00");
    assertEquals(403, post("agent.village", "/api/v1/applications", forZhang).statusCode(), "expired");
    assertTrue(new JsonArray(get("citizen", "/api/v1/authorisations").body()).stream()
        .map(JsonObject.class::cast).anyMatch(a -> a.getString("status").equals("EXPIRED")));
  }

  /** Takes a walk-in case with {@code collection} to APPROVED at its home department; returns its number. */
  private static String approved(JsonObject collection) throws Exception {
    String number = created(walkIn("clerk.town", collection)).getString("number");
    TestGateway.ok(gateway.act("reviewer.mzj", number, action("accept")));
    TestGateway.ok(gateway.act("reviewer.mzj", number, action("review-pass")));
    TestGateway.ok(gateway.act("approver.mzj", number, action("approve")));
    return number;
  }

  @Test
  void theResultIsDeliveredTheWayTheApplicantChose() throws Exception {
    CLOCK.set("2026-10-19T09:00:00");
    String posted = approved(new JsonObject().put("method", "EXPRESS").put("express", new JsonObject()
        .put("recipient", "李四").put("phone", "13912345678").put("address", "新密市超化镇超化村三组12号")));
    HttpResponse<String> atWindow = gateway.act("approver.mzj", posted, action("deliver").put("deliveryMethod", "WINDOW"));
    assertEquals(422, atWindow.statusCode(), atWindow.body());
    JsonObject violation = new JsonObject(atWindow.body()).getJsonArray("violations").getJsonObject(0);
    assertEquals("/deliveryMethod", violation.getString("pointer"));
    assertEquals("collection", violation.getString("code"));
    assertEquals("申请人选择的是邮寄送达，不能以窗口领取方式送达。", violation.getString("message"));
    assertEquals("APPROVED", gateway.read("approver.mzj", posted).getString("status"), "nothing changed");
    assertEquals("DELIVERED", TestGateway.ok(gateway.act("approver.mzj", posted, action("deliver")
        .put("deliveryMethod", "EXPRESS"))).getString("status"));

    String atHome = approved(new JsonObject().put("method", "HOME_DEPARTMENT"));
    assertEquals(422, gateway.act("approver.mzj", atHome, action("deliver").put("deliveryMethod", "EXPRESS"))
        .statusCode(), "no address to post it to");
    assertEquals("DELIVERED", TestGateway.ok(gateway.act("approver.mzj", atHome, action("deliver")
        .put("deliveryMethod", "ELECTRONIC"))).getString("status"), "an electronic delivery always fits");
  }

  @Test
  void theApplicantChangesWhereToCollectTheResultUntilItIsDelivered() throws Exception {
    CLOCK.set("2026-10-20T09:00:00");
    String number = gateway.submitSample(ELDERLY);
    assertEquals("INTAKE_HALL", gateway.read("citizen", number).getJsonObject("collection").getString("method"));
    JsonObject post = new JsonObject().put("method", "EXPRESS").put("express", new JsonObject()
        .put("recipient", "张三").put("phone", "1380013").put("address", "新"));
    HttpResponse<String> bad = gateway.act("citizen", number, action("change-collection").put("collection", post));
    assertEquals(422, bad.statusCode(), bad.body());
    assertEquals(List.of("/collection/express/phone", "/collection/express/address"), pointers(bad),
        "every problem at once, as at submission");
    assertEquals(403, gateway.act("reviewer.mzj", number, action("change-collection").put("collection",
        new JsonObject().put("method", "HOME_DEPARTMENT"))).statusCode(), "the applicant's choice, not the reviewer's");

    post.getJsonObject("express").put("phone", "13800138000").put("address", "新密市青屏街道西大街18号院3号楼");
    JsonObject changed = TestGateway.ok(gateway.act("citizen", number, action("change-collection")
        .put("collection", post)));
    assertEquals("SUBMITTED", changed.getString("status"), "the case itself goes on as it was");
    assertEquals("新密市青屏街道西大街18号院3号楼", changed.getJsonObject("collection").getJsonObject("express")
        .getString("address"));
    JsonObject step = new JsonArray(gateway.get("citizen", "/api/v1/applications/" + number + "/steps").body())
        .stream().map(JsonObject.class::cast).filter(x -> "变更领取方式".equals(x.getString("stepName")))
        .findFirst().orElseThrow();
    assertEquals(new JsonObject().put("from", "INTAKE_HALL").put("to", "EXPRESS"), step.getJsonObject("detail"),
        "the history names the methods, not the address");
    assertEquals(0, gateway.count("select count(*) from application where collection::text like '%西大街18号%'"),
        "the new address is stored sealed");

    TestGateway.ok(gateway.act("clerk", number, action("accept")));
    TestGateway.ok(gateway.act("reviewer.mzj", number, action("review-pass")));
    TestGateway.ok(gateway.act("approver.mzj", number, action("approve")));
    assertEquals(422, gateway.act("approver.mzj", number, action("deliver").put("deliveryMethod", "WINDOW"))
        .statusCode(), "the changed choice is what delivery follows");
    TestGateway.ok(gateway.act("approver.mzj", number, action("deliver").put("deliveryMethod", "EXPRESS")));
    assertEquals(409, gateway.act("citizen", number, action("change-collection").put("collection",
        new JsonObject().put("method", "INTAKE_HALL"))).statusCode(), "too late once delivered");
  }

  @Test
  void aHallOutsideTheMattersScopeCannotTakeItIn() throws Exception {
    CLOCK.set("2026-09-21T09:00:00");
    String talent = "rsj-talent-housing-subsidy";
    HttpResponse<String> r = post("clerk.town", "/api/v1/applications", new JsonObject().put("matterCode", talent)
        .put("channel", "WINDOW").put("data", gateway.sample(talent))
        .put("applicant", new JsonObject().put("name", "李四").put("idNumber", LISI)));
    assertEquals(422, r.statusCode(), r.body());
    JsonObject violation = new JsonObject(r.body()).getJsonArray("violations").stream().map(JsonObject.class::cast)
        .filter(v -> v.getString("pointer").equals("/hallCode")).findFirst().orElseThrow();
    assertEquals("outOfScope", violation.getString("code"));
    assertTrue(violation.getString("message").contains("不在事项"), violation.getString("message"));
  }

  @Test
  void thePlacesOfEachCaseAreOnRecordAndInTheStatistics() throws Exception {
    CLOCK.set("2026-10-12T09:00:00");
    HttpResponse<String> noPhone = walkIn("clerk.town", new JsonObject().put("method", "EXPRESS")
        .put("express", new JsonObject().put("recipient", "李小四").put("address", "新密市超化镇超化村三组12号")));
    assertEquals(422, noPhone.statusCode());
    assertEquals(List.of("/collection/express/phone"), pointers(noPhone));
    String express = created(walkIn("clerk.town", new JsonObject().put("method", "EXPRESS")
        .put("express", new JsonObject().put("recipient", "李小四").put("phone", "13912345678")
            .put("address", "新密市超化镇超化村三组12号")))).getString("number");
    String atHome = created(walkIn("clerk.town", new JsonObject().put("method", "HOME_DEPARTMENT")))
        .getString("number");
    created(walkIn("clerk.town", null));
    gateway.submitSample(ELDERLY);

    JsonObject full = gateway.read("approver.mzj", express).getJsonObject("collection").getJsonObject("express");
    assertEquals("新密市超化镇超化村三组12号", full.getString("address"), "the sender needs the address");
    JsonObject masked = gateway.read("reviewer.mzj", express).getJsonObject("collection").getJsonObject("express");
    assertEquals("新密市超化镇***", masked.getString("address"));
    assertEquals("139****5678", masked.getString("phone"));
    assertEquals("新密市超化镇超化村三组12号", gateway.read("clerk.town", express).getJsonObject("collection")
        .getJsonObject("express").getString("address"), "whoever took it in");
    assertEquals(0, gateway.count("select count(*) from application where collection::text like '%13912345678%'"
        + " or collection::text like '%超化村三组%' or collection::text like '%李小四%'"),
        "the express recipient, phone and address are stored sealed");
    assertEquals(1, gateway.count("select count(*) from application where number = '" + express
        + "' and collection->>'method' = 'EXPRESS' and collection->>'express' like 'ENC3:%'"));

    CLOCK.set("2026-10-12T11:00:00");
    TestGateway.ok(gateway.act("reviewer.mzj", atHome, action("accept")));

    assertEquals(403, get("clerk", "/api/v1/supervision/same-city?from=2026-10-12&to=2026-10-12").statusCode());
    JsonObject stats = TestGateway.ok(get("supervisor", "/api/v1/supervision/same-city?from=2026-10-12&to=2026-10-12"));
    assertEquals(4, stats.getInteger("total"));
    assertEquals(3, stats.getInteger("forwarded"));
    assertEquals(0.75, stats.getDouble("sameCityShare"));
    assertEquals(new JsonObject().put("INTAKE_HALL", 2).put("HOME_DEPARTMENT", 1).put("EXPRESS", 1),
        stats.getJsonObject("collection"));
    JsonObject forwarding = stats.getJsonObject("forwarding");
    assertEquals(1, forwarding.getInteger("answered"));
    assertEquals(2, forwarding.getInteger("pending"));
    assertEquals(2.0, forwarding.getDouble("averageHours"));
    JsonObject chaohua = stats.getJsonArray("byIntakeHall").stream().map(JsonObject.class::cast)
        .filter(h -> h.getString("hallCode").equals("xm-chaohua")).findFirst().orElseThrow();
    assertEquals(3, chaohua.getInteger("cases"));
    assertEquals("超化镇便民服务中心", chaohua.getString("hallName"));
    JsonObject city = stats.getJsonArray("byIntakeHall").stream().map(JsonObject.class::cast)
        .filter(h -> h.getString("hallCode").equals("xm-city")).findFirst().orElseThrow();
    assertEquals(0, city.getInteger("forwarded"), "taken in at home");
    JsonObject mzj = stats.getJsonArray("byHomeDepartment").getJsonObject(0);
    assertEquals("mzj", mzj.getString("departmentCode"));
    assertEquals(4, mzj.getInteger("cases"));
    assertEquals(3, mzj.getInteger("forwarded"));
  }

  @Test
  void aMattersScopeIsCheckedWhenItIsSaved() throws Exception {
    JsonObject doc = TestGateway.ok(get("author", "/api/v1/matters/" + ELDERLY + "/export")).getJsonObject("matter");
    JsonObject foreignDepartment = doc.copy();
    foreignDepartment.getJsonObject("sameCityScope").put("acceptingDepartment", "gaj");
    HttpResponse<String> r = gateway.send("PUT", "/api/v1/matters/" + ELDERLY, foreignDepartment.encode(),
        "Authorization", "Bearer " + gateway.token("author"), "Content-Type", "application/json");
    assertEquals(422, r.statusCode(), r.body());
    assertEquals(List.of("/sameCityScope/acceptingDepartment"), pointers(r));
    JsonObject unknownHall = doc.copy();
    unknownHall.getJsonObject("sameCityScope").put("homeHall", "xm-nowhere").put("intakeHalls",
        new JsonArray().add("xm-kuangqu"));
    r = gateway.send("PUT", "/api/v1/matters/" + ELDERLY, unknownHall.encode(),
        "Authorization", "Bearer " + gateway.token("author"), "Content-Type", "application/json");
    assertEquals(422, r.statusCode(), r.body());
    assertEquals(List.of("/sameCityScope/homeHall"), pointers(r), "xm-kuangqu is a hall of the network");
    JsonObject notSameCity = doc.copy().put("sameCity", false);
    r = gateway.send("PUT", "/api/v1/matters/" + ELDERLY, notSameCity.encode(),
        "Authorization", "Bearer " + gateway.token("author"), "Content-Type", "application/json");
    assertEquals(List.of("/sameCityScope"), pointers(r));
  }

  @Test
  void graphQLTakesTheSameCollectionChoiceUnderTheSameRules() throws Exception {
    CLOCK.set("2026-09-22T09:00:00");
    String mutation = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) {"
        + " application { number sameCity collection } violations { pointer code } } }";
    JsonObject data = gateway.sample(ELDERLY).put("name", "李四").put("idNumber", LISI);
    JsonObject input = new JsonObject().put("matterCode", ELDERLY).put("channel", "WINDOW").put("data", data)
        .put("applicant", new JsonObject().put("name", "李四").put("idNumber", LISI));
    JsonObject invalid = TestGateway.ok(post("clerk.town", "/graphql", new JsonObject().put("query", mutation)
        .put("variables", new JsonObject().put("input", input.copy().put("collection", new JsonObject()
            .put("method", "EXPRESS").put("express", new JsonObject().put("recipient", "李四")))))))
        .getJsonObject("data").getJsonObject("submitApplication");
    assertEquals(List.of("/collection/express/phone", "/collection/express/address"), invalid
        .getJsonArray("violations").stream().map(v -> ((JsonObject) v).getString("pointer")).toList());
    JsonObject app = TestGateway.ok(post("clerk.town", "/graphql", new JsonObject().put("query", mutation)
        .put("variables", new JsonObject().put("input", input.put("collection", new JsonObject()
            .put("method", "HOME_DEPARTMENT"))))))
        .getJsonObject("data").getJsonObject("submitApplication").getJsonObject("application");
    assertTrue(app.getJsonObject("sameCity").getBoolean("forwarded"));
    assertEquals("HOME_DEPARTMENT", app.getJsonObject("collection").getString("method"));
  }

  @Test
  void theServiceNetworkListsEveryTownshipAndStreetAsATree() throws Exception {
    JsonArray tree = new JsonArray(gateway.send("GET", "/api/v1/halls?view=tree", null).body());
    assertEquals(1, tree.size());
    JsonObject city = tree.getJsonObject(0);
    assertEquals("新密市政务服务中心", city.getString("name"));
    List<String> townships = city.getJsonArray("children").stream()
        .map(h -> ((JsonObject) h).getString("name")).toList();
    for (String name : List.of("青屏街街道", "新华路街道", "西大街街道", "矿区街道", "城关镇", "米村镇", "牛店镇", "平陌镇",
        "超化镇", "苟堂镇", "大隗镇", "刘寨镇", "白寨镇", "岳村镇", "来集镇", "曲梁镇")) {
      assertTrue(townships.stream().anyMatch(t -> t.startsWith(name)), name);
    }
    JsonObject chaohua = city.getJsonArray("children").stream().map(JsonObject.class::cast)
        .filter(h -> h.getString("code").equals("xm-chaohua")).findFirst().orElseThrow();
    assertEquals("xm-chaohua-v01", chaohua.getJsonArray("children").getJsonObject(0).getString("code"));
    HttpResponse<String> demote = gateway.send("PUT", "/api/v1/halls/xm-chaohua", new JsonObject()
        .put("name", "超化镇便民服务中心").put("level", "VILLAGE").put("parentCode", "xm-micun").encode(),
        "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json");
    assertEquals(422, demote.statusCode(), demote.body());
    assertEquals(List.of("/level"), pointers(demote), "its stations would hang under a station");
  }
}
